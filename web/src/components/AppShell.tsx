"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useState, type ReactNode } from "react";
import { useSubscription } from "urql";

import { InboxBell } from "@/components/alerts/InboxBell";
import { ThemeSync } from "@/components/settings/ThemeSync";
import { focusRing, secondaryButton } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { AccountBalanceChangedSubscription } from "@/lib/operations";

const NAVIGATION = [
  { href: "/", label: "Dashboard" },
  { href: "/accounts", label: "Accounts" },
  { href: "/import", label: "Import" },
  { href: "/budgets", label: "Budgets" },
  { href: "/recurring", label: "Recurring" },
  { href: "/portfolio", label: "Portfolio" },
  { href: "/alerts", label: "Alerts" },
  { href: "/settings", label: "Settings" },
] as const;

/** The section a path belongs to: /accounts/123 is under Accounts. */
function isCurrent(href: string, pathname: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * The frame of every signed-in screen: the FinCloud name, the navigation, the household switcher and sign out.
 * It also keeps balances live while the viewer is signed in.
 * On phones these fold into a menu behind a button; from `md` up they sit in the header bar.
 */
export function AppShell({ onSignOut, children }: { onSignOut: () => void; children: ReactNode }) {
  const { viewer, householdId, setHouseholdId } = useApp();
  const pathname = usePathname();
  // Balances stay live on every screen: each event updates its Account in the normalised cache, and whatever
  // shows that account (the lists, an account's page, the import's account picker) re-renders.
  useSubscription({ query: AccountBalanceChangedSubscription });
  const [menuOpen, setMenuOpen] = useState(false);
  const ids = useId();
  const menuId = `${ids}-menu`;

  // Moving to another screen closes the phone menu.
  useEffect(() => setMenuOpen(false), [pathname]);

  return (
    <>
      <ThemeSync />
      <a
        href="#main"
        className={`sr-only rounded-lg bg-white px-3 py-2 text-sm font-medium text-emerald-800 focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 ${focusRing}`}
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3">
          <Link
            href="/"
            className={`rounded text-lg font-semibold tracking-tight text-emerald-700 dark:text-emerald-400 ${focusRing}`}
          >
            FinCloud
          </Link>
          <InboxBell />
          <button
            type="button"
            className={`${secondaryButton} md:hidden`}
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true" className="mr-2">
              {menuOpen ? "✕" : "☰"}
            </span>
            Menu
          </button>
          <div
            id={menuId}
            className={`${menuOpen ? "flex" : "hidden"} w-full flex-col gap-4 pb-2 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:justify-between md:pb-0`}
          >
            <nav aria-label="Main">
              <ul className="flex flex-col gap-1 md:flex-row md:gap-1">
                {NAVIGATION.map(({ href, label }) => {
                  const current = isCurrent(href, pathname);
                  return (
                    <li key={href}>
                      <Link
                        href={href}
                        aria-current={current ? "page" : undefined}
                        className={`block rounded-lg px-3 py-2 text-sm font-medium ${focusRing} ${
                          current
                            ? "bg-emerald-50 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
                            : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
                        }`}
                      >
                        {label}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </nav>
            <div className="flex flex-col gap-3 text-sm md:flex-row md:items-center md:gap-4">
              {viewer.households.length > 0 && (
                <div className="flex items-center gap-2">
                  <label htmlFor={`${ids}-household`} className="text-slate-600 dark:text-slate-300">
                    Household
                  </label>
                  <select
                    id={`${ids}-household`}
                    value={householdId ?? ""}
                    onChange={(event) => setHouseholdId(event.target.value)}
                    className={`rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
                  >
                    {viewer.households.map((household) => (
                      <option key={household.id} value={household.id}>
                        {household.name}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <span className="text-slate-600 dark:text-slate-300" title={viewer.email}>
                {viewer.name}
              </span>
              <button type="button" onClick={onSignOut} className={secondaryButton}>
                Sign out
              </button>
            </div>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-6 outline-none sm:py-8">
        {children}
      </main>
    </>
  );
}
