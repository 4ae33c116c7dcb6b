"use client";

import Link from "next/link";

import { AccountList } from "@/components/AccountList";
import { muted, primaryButton, secondaryButton } from "@/components/ui";
import { useApp } from "@/lib/app-context";

/** The first screen: the household's accounts with live balances, and the ways in to the other screens. */
export function Dashboard() {
  const { viewer, householdId } = useApp();
  const household = viewer.households.find((h) => h.id === householdId);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
          {household && <p className={`mt-1 text-sm ${muted}`}>{household.name}</p>}
        </div>
        <div className="flex gap-2">
          <Link href="/accounts" className={secondaryButton}>
            New account
          </Link>
          <Link href="/import" className={primaryButton}>
            Import a statement
          </Link>
        </div>
      </div>
      <AccountList />
    </div>
  );
}
