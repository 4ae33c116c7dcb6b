import type { Metadata } from "next";

import { BudgetScreen } from "@/components/BudgetScreen";
import { isMonth, monthOf } from "@/lib/budget";

export const metadata: Metadata = { title: "Budget · FinCloud" };

/** `/budgets?month=2026-11`; the current month (UTC, as the API counts it) without one. */
export default async function BudgetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { month } = await searchParams;
  return <BudgetScreen month={typeof month === "string" && isMonth(month) ? month : monthOf(new Date())} />;
}
