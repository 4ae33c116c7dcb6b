import type { Metadata } from "next";

import { ImportWizard } from "@/components/ImportWizard";

export const metadata: Metadata = { title: "Import · FinCloud" };

export default async function ImportPage({ searchParams }: { searchParams: Promise<{ account?: string | string[] }> }) {
  const { account } = await searchParams;
  return <ImportWizard initialAccountId={typeof account === "string" ? account : null} />;
}
