import type { Metadata } from "next";

import { AccountScreen } from "@/components/AccountScreen";

export const metadata: Metadata = { title: "Account · FinCloud" };

export default async function AccountPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AccountScreen accountId={id} />;
}
