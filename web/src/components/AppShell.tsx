"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
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
 * The frame of every signed-in screen: the FinCloud name, the navigation, the inbox bell, the household switcher,
 * who is signed in and sign out. It also keeps balances live while the viewer is signed in.
 *
 * One bar, never wrapping: from `xl` (1280 px) everything sits in it; from `md` the navigation folds behind the
 * Menu button while the account group (household, name, sign out) stays; on phones both fold behind it. The
 * folded parts open as full-width rows under the bar (flex `order-last`); Escape closes them.
 */
export function AppShell({ onSignOut, children }: { onSignOut: () => void; children: ReactNode }) {
  const { viewer, householdId, setHouseholdId } = useApp();
  const pathname = usePathname();
  // Balances stay live on every screen: each event updates its Account in the normalised cache, and whatever
  // shows that account (the lists, an account's page, the import's account picker) re-renders.
  useSubscription({ query: AccountBalanceChangedSubscription });
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const ids = useId();
  const navId = `${ids}-nav`;
  const accountId = `${ids}-account`;

  // Moving to another screen closes the menu.
  useEffect(() => setMenuOpen(false), [pathname]);

  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !menuOpen) return;
    setMenuOpen(false);
    menuButton.current?.focus();
  };

  return (
    <>
      <ThemeSync />
      <a
        href="#main"
        className={`sr-only rounded-lg bg-white px-3 py-2 text-sm font-medium text-emerald-800 focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 ${focusRing}`}
      >
        Skip to content
      </a>
      <header
        className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
        onKeyDown={closeOnEscape}
      >
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-3 gap-y-2 px-4 py-3 xl:max-w-7xl xl:flex-nowrap">
          <Link
            href="/"
            className={`shrink-0 rounded text-lg font-semibold tracking-tight text-emerald-700 dark:text-emerald-400 ${focusRing}`}
          >
            FinCloud
          </Link>
          <nav
            id={navId}
            aria-label="Main"
            className={`${menuOpen ? "block" : "hidden"} order-last w-full border-t border-slate-200 pt-2 xl:order-none xl:ml-4 xl:block xl:w-auto xl:border-0 xl:pt-0 dark:border-slate-800`}
          >
            <ul className="flex flex-col gap-1 xl:flex-row xl:gap-0.5">
              {NAVIGATION.map(({ href, label }) => {
                const current = isCurrent(href, pathname);
                return (
                  <li key={href}>
                    <Link
                      href={href}
                      aria-current={current ? "page" : undefined}
                      className={`block whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium xl:px-2.5 ${focusRing} ${
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
          <InboxBell />
          <div
            id={accountId}
            role="group"
            aria-label="Your account"
            className={`${menuOpen ? "flex" : "hidden"} order-last w-full min-w-0 flex-col gap-3 border-t border-slate-200 pt-3 text-sm md:order-none md:flex md:w-auto md:flex-row md:items-center md:gap-3 md:border-0 md:pt-0 dark:border-slate-800`}
          >
            {viewer.households.length > 0 && (
              <div className="flex items-center gap-2">
                <label htmlFor={`${ids}-household`} className="text-slate-600 md:sr-only dark:text-slate-300">
                  Household
                </label>
                <select
                  id={`${ids}-household`}
                  value={householdId ?? ""}
                  onChange={(event) => setHouseholdId(event.target.value)}
                  className={`max-w-full rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm md:max-w-40 dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
                >
                  {viewer.households.map((household) => (
                    <option key={household.id} value={household.id}>
                      {household.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <div className="flex min-w-0 items-center justify-between gap-3 md:border-l md:border-slate-200 md:pl-3 dark:md:border-slate-700">
              <span className="min-w-0 truncate text-slate-600 md:max-w-28 dark:text-slate-300" title={viewer.email}>
                <span className="sr-only">Signed in as </span>
                {viewer.name}
              </span>
              <button type="button" onClick={onSignOut} className={`${secondaryButton} shrink-0 whitespace-nowrap`}>
                Sign out
              </button>
            </div>
          </div>
          <button
            ref={menuButton}
            type="button"
            className={`${secondaryButton} shrink-0 whitespace-nowrap xl:hidden`}
            aria-expanded={menuOpen}
            aria-controls={`${navId} ${accountId}`}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true" className="mr-2">
              {menuOpen ? "✕" : "☰"}
            </span>
            Menu
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-6 outline-none sm:py-8">
        {children}
      </main>
    </>
  );
}
