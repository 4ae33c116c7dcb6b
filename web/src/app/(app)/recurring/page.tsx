import type { Metadata } from "next";

import { RecurringScreen } from "@/components/RecurringScreen";

export const metadata: Metadata = { title: "Recurring · FinCloud" };

export default function RecurringPage() {
  return <RecurringScreen />;
}
