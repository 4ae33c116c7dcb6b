"use client";

import Link from "next/link";
import { useCallback, useEffect } from "react";
import { useQuery, useSubscription } from "urql";

import { AccountList } from "@/components/AccountList";
import { BudgetBar } from "@/components/BudgetBar";
import { CashFlowChart } from "@/components/charts/CashFlowChart";
import { NetWorthChart } from "@/components/charts/NetWorthChart";
import { card, errorText, linkButton, muted, primaryButton, secondaryButton } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { addMonths, dayBefore, firstDay, formatMonth, monthOf } from "@/lib/budget";
import {
  BudgetChangedSubscription,
  DashboardInboxQuery, DashboardPortfoliosQuery, DashboardReportsQuery } from "@/lib/budget-operations";
import { describeError } from "@/lib/client";
import { signOf, subtractDecimal } from "@/lib/decimal";
import { formatDecimal, formatMoney } from "@/lib/format";
import { useRefetchOnResume } from "@/lib/refetch-context";
import { useBudgetMonth } from "@/lib/use-budget-month";

/** Months of history the charts show, the current one included. */
const CHART_MONTHS = 12;
/** Budget bars and notifications on the dashboard; the rest are a link away. */
const DASHBOARD_BUDGET_LINES = 6;
const DASHBOARD_NOTIFICATIONS = 5;

/**
 * The first screen: net worth over the last year, cash flow by month, this month's budget bars (live), what the
 * portfolios are worth today and since yesterday, the latest notifications, and the accounts with live balances.
 * Dates are UTC days, as the API counts "today" and "this month".
 */
export function Dashboard() {
  const { viewer, householdId } = useApp();
  const household = viewer.households.find((h) => h.id === householdId);
  const today = new Date();
  const month = monthOf(today);
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
      {householdId && <Reports householdId={householdId} from={firstDay(addMonths(month, 1 - CHART_MONTHS))} to={today.toISOString().slice(0, 10)} />}
      <div className="grid gap-6 lg:grid-cols-2">
        {householdId && <BudgetSummary householdId={householdId} month={month} />}
        <Notifications householdId={householdId} />
      </div>
      <Portfolios householdId={householdId} yesterday={dayBefore(today)} />
      <AccountList />
    </div>
  );
}

function Reports({ householdId, from, to }: { householdId: string; from: string; to: string }) {
  const { locale } = useApp();
  const [{ data, error }, reexecute] = useQuery({ query: DashboardReportsQuery, variables: { householdId, from, to } });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnResume(refetch);
  // The household's figures changed (a transaction, anywhere): the charts ask again. The same subscription as the
  // budget bars' (urql shares one operation between them).
  const [{ data: event }] = useSubscription({ query: BudgetChangedSubscription, variables: { householdId } });
  const eventId = event?.budgetChanged.eventId;
  useEffect(() => {
    if (eventId) refetch();
  }, [eventId, refetch]);
  if (error) return <p role="alert" className={errorText}>{describeError(error)}</p>;
  const netWorth = data?.netWorth?.points.map((p) => ({ date: p.date, netWorth: p.netWorth.amount })) ?? [];
  const cashFlow = data?.cashFlow?.months.map((m) => ({ month: m.month, income: m.income.amount, expense: m.expense.amount })) ?? [];
  return (
    <div className="grid gap-6 lg:grid-cols-2" aria-busy={!data}>
      <NetWorthChart points={netWorth} locale={locale} loading={!data} />
      <CashFlowChart months={cashFlow} locale={locale} loading={!data} />
    </div>
  );
}

function BudgetSummary({ householdId, month }: { householdId: string; month: string }) {
  const { locale } = useApp();
  const { figures, error } = useBudgetMonth(householdId, month);
  const lines = (figures?.lines ?? [])
    .filter((line) => line.kind === "EXPENSE" && (signOf(line.budgeted) !== 0 || signOf(line.activity) !== 0))
    .slice(0, DASHBOARD_BUDGET_LINES);
  return (
    <section aria-labelledby="dashboard-budget-heading" className={`${card} p-4`} data-testid="dashboard-budget">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="dashboard-budget-heading" className="text-base font-semibold tracking-tight">
          Budget · {formatMonth(month, locale)}
        </h2>
        <Link href="/budgets" className={`${linkButton} text-sm`}>
          All budgets
        </Link>
      </div>
      {error && <p role="alert" className={errorText}>{describeError(error)}</p>}
      {figures && figures.toBeBudgeted !== null && (
        <p className={`mt-1 text-sm ${muted}`}>To be budgeted: {formatMoney({ amount: figures.toBeBudgeted, currency: figures.currency }, locale)}</p>
      )}
      {figures && lines.length === 0 && <p className={`mt-3 text-sm ${muted}`}>Nothing budgeted this month yet.</p>}
      <ul className="mt-3 space-y-3">
        {figures &&
          lines.map((line) => (
            <li key={line.categoryId}>
              <div className="flex justify-between gap-2 text-sm">
                <span className="font-medium">{line.name}</span>
                <span className="font-mono tabular-nums">
                  {formatDecimal(subtractDecimal("0", line.activity) ?? line.activity, locale)} /{" "}
                  {formatDecimal(subtractDecimal(line.budgeted, subtractDecimal("0", line.carriedIn) ?? "0") ?? line.budgeted, locale)}{" "}
                  {figures.currency}
                </span>
              </div>
              <div className="mt-1">
                <BudgetBar name={line.name} progress={line.progress} />
              </div>
            </li>
          ))}
      </ul>
    </section>
  );
}

function Notifications({ householdId }: { householdId: string | null }) {
  const [{ data, error }] = useQuery({ query: DashboardInboxQuery, variables: { householdId, first: DASHBOARD_NOTIFICATIONS } });
  const inbox = data?.inbox;
  return (
    <section aria-labelledby="dashboard-inbox-heading" className={`${card} p-4`}>
      <h2 id="dashboard-inbox-heading" className="text-base font-semibold tracking-tight">
        Notifications
        {inbox && inbox.unreadCount > 0 && <span className={`ml-2 text-sm font-normal ${muted}`}>{inbox.unreadCount} unread</span>}
      </h2>
      {error && <p role="alert" className={errorText}>{describeError(error)}</p>}
      {inbox && inbox.nodes.length === 0 && <p className={`mt-3 text-sm ${muted}`}>Nothing new.</p>}
      <ul className="mt-3 divide-y divide-slate-100 dark:divide-slate-800">
        {inbox?.nodes.map((n) => (
          <li key={n.id} className="py-2 text-sm">
            <p className={n.readAt ? muted : "font-medium"}>
              {n.url?.startsWith("/") ? <Link href={n.url} className={linkButton}>{n.title}</Link> : n.title}
            </p>
            <p className={`truncate text-xs ${muted}`}>{n.body.split("\n")[0]}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Each portfolio's value today and its change since yesterday's close (exact: both are the server's decimals). */
function Portfolios({ householdId, yesterday }: { householdId: string | null; yesterday: string }) {
  const { locale } = useApp();
  const [{ data }] = useQuery({ query: DashboardPortfoliosQuery, variables: { yesterday } });
  const portfolios = data?.portfolios.nodes.filter((p) => p.householdId === householdId) ?? [];
  if (portfolios.length === 0) return null;
  return (
    <section aria-labelledby="dashboard-portfolios-heading">
      <h2 id="dashboard-portfolios-heading" className="text-lg font-semibold tracking-tight">
        Portfolios
      </h2>
      <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {portfolios.map((p) => {
          const change =
            p.today.total.currency === p.yesterday.total.currency ? subtractDecimal(p.today.total.amount, p.yesterday.total.amount) : null;
          const sign = change === null ? 0 : signOf(change);
          return (
            <li key={p.id} className={`${card} px-4 py-3`}>
              <p className={`text-sm ${muted}`}>{p.name}</p>
              <p className="mt-1 font-mono text-lg font-semibold tabular-nums">{formatMoney(p.today.total, locale)}</p>
              {change !== null && (
                <p
                  className={`font-mono text-sm tabular-nums ${sign < 0 ? "text-red-700 dark:text-red-300" : sign > 0 ? "text-emerald-700 dark:text-emerald-400" : muted}`}
                >
                  {sign > 0 ? "+" : ""}
                  {formatMoney({ amount: change, currency: p.today.total.currency }, locale)} today
                </p>
              )}
              {!p.today.complete && <p className={`text-xs ${muted}`}>Some prices are missing.</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
