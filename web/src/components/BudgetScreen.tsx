"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { BudgetBar } from "@/components/BudgetBar";
import { card, errorText, focusRing, linkButton, muted, primaryButton, secondaryButton, tableHead } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { addMonths, formatMonth, isBudgetAmount } from "@/lib/budget";
import { BudgetSetMutation } from "@/lib/budget-operations";
import { describeError } from "@/lib/client";
import { signOf, subtractDecimal } from "@/lib/decimal";
import { formatDecimal, formatEnum } from "@/lib/format";
import { useBudgetMonth, type BudgetMonthFigures } from "@/lib/use-budget-month";

type Line = BudgetMonthFigures["lines"][number];

/** "-40.00" of activity is "40.00" spent: negated exactly, as strings. */
function spentOf(activity: string): string {
  return subtractDecimal("0", activity) ?? activity;
}

function money(amount: string | null | undefined, currency: string, locale: string): string {
  return amount === null || amount === undefined ? "—" : `${formatDecimal(amount, locale)} ${currency}`;
}

/**
 * A month of the household's budget: each category's budgeted, spent and available, grouped, with a bar of how much
 * is spent; the budgeted amounts edit in place. The figures stay live: a transaction recorded anywhere moves the
 * bars (`useBudgetMonth`). Months move with the arrows (the month is in the address, `?month=2026-11`).
 */
export function BudgetScreen({ month }: { month: string }) {
  const { householdId, locale } = useApp();
  const { figures, fetching, error, apply } = useBudgetMonth(householdId, month);
  const title = formatMonth(month, locale);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">Budget</h1>
        <nav aria-label="Months" className="flex items-center gap-2">
          <Link href={`/budgets?month=${addMonths(month, -1)}`} className={secondaryButton} aria-label="Previous month">
            <span aria-hidden="true">←</span>
          </Link>
          <p className="min-w-40 text-center font-medium" aria-live="polite" data-testid="budget-month">
            {title}
          </p>
          <Link href={`/budgets?month=${addMonths(month, 1)}`} className={secondaryButton} aria-label="Next month">
            <span aria-hidden="true">→</span>
          </Link>
        </nav>
      </div>
      {!householdId ? (
        <p className={muted}>Create or join a household to budget.</p>
      ) : !figures ? (
        <p className={muted} aria-busy={fetching}>
          {error ? (
            <span role="alert" className={errorText}>
              {describeError(error)}
            </span>
          ) : (
            "Loading the budget…"
          )}
        </p>
      ) : (
        <>
          <BudgetTotals figures={figures} locale={locale} />
          <BudgetGrid key={figures.month} figures={figures} locale={locale} onSaved={apply} />
        </>
      )}
    </div>
  );
}

function BudgetTotals({ figures, locale }: { figures: BudgetMonthFigures; locale: string }) {
  const { currency } = figures;
  const items = [
    ...(figures.toBeBudgeted !== null ? [{ label: "To be budgeted", value: figures.toBeBudgeted }] : []),
    { label: "Budgeted", value: figures.budgeted },
    { label: "Spent", value: spentOf(figures.activity) },
    { label: "Available", value: figures.available },
    { label: "Income", value: figures.income },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="budget-totals">
      {items.map(({ label, value }) => (
        <div key={label} className={`${card} px-4 py-3`}>
          <dt className={`text-xs uppercase tracking-wide ${muted}`}>{label}</dt>
          <dd
            className={`mt-1 font-mono text-sm font-semibold tabular-nums sm:text-base ${signOf(value) < 0 ? "text-red-700 dark:text-red-300" : ""}`}
          >
            {money(value, currency, locale)}
          </dd>
        </div>
      ))}
      <p className={`col-span-full text-xs ${muted}`}>
        {figures.model === "ENVELOPE" ? "Envelope budgeting: assign income until nothing is left to be budgeted." : "Spending limits per category."}
        {!figures.complete && " Some foreign-currency transactions are left out: an exchange rate is missing."}
      </p>
    </dl>
  );
}

function BudgetGrid({
  figures,
  locale,
  onSaved,
}: {
  figures: BudgetMonthFigures;
  locale: string;
  onSaved: (figures: BudgetMonthFigures | null | undefined) => void;
}) {
  const linesById = new Map(figures.lines.map((line) => [line.categoryId, line]));
  if (figures.lines.length === 0) {
    return <p className={muted}>No categories yet: add category groups and categories to budget with them.</p>;
  }
  return (
    <div className={`${card} overflow-x-auto`}>
      <table className="w-full min-w-[22rem] text-left text-sm" data-testid="budget-grid">
        <caption className="sr-only">Budget for {formatMonth(figures.month, locale)}</caption>
        <thead className={tableHead}>
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">
              Category
            </th>
            <th scope="col" className="px-2 py-3 text-right font-medium">
              Budgeted
            </th>
            <th scope="col" className="px-2 py-3 text-right font-medium">
              Spent
            </th>
            <th scope="col" className="px-4 py-3 text-right font-medium">
              Available
            </th>
          </tr>
        </thead>
        {figures.groups.map((group) => (
          <tbody key={group.groupId} className="divide-y divide-slate-100 dark:divide-slate-800">
            <tr className="bg-slate-50 dark:bg-slate-800/60">
              <th scope="rowgroup" className="px-4 py-2 font-semibold">
                {group.name}
                {group.kind === "INCOME" && <span className={`ml-2 text-xs font-normal ${muted}`}>income</span>}
              </th>
              <td className="px-2 py-2 text-right font-mono tabular-nums">{formatDecimal(group.budgeted, locale)}</td>
              <td className="px-2 py-2 text-right font-mono tabular-nums">
                {formatDecimal(group.kind === "INCOME" ? group.activity : spentOf(group.activity), locale)}
              </td>
              <td className="px-4 py-2 text-right font-mono tabular-nums">
                {group.available === null ? "—" : formatDecimal(group.available, locale)}
              </td>
            </tr>
            {group.categoryIds.flatMap((id) => {
              const line = linesById.get(id);
              return line ? [<BudgetRow key={id} line={line} month={figures.month} currency={figures.currency} locale={locale} onSaved={onSaved} />] : [];
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
}

function BudgetRow({
  line,
  month,
  currency,
  locale,
  onSaved,
}: {
  line: Line;
  month: string;
  currency: string;
  locale: string;
  onSaved: (figures: BudgetMonthFigures | null | undefined) => void;
}) {
  const income = line.kind === "INCOME";
  const carried = signOf(line.carriedIn) !== 0;
  return (
    <tr data-category={line.name}>
      <th scope="row" className="px-4 py-3 font-medium">
        <span className={line.hidden || line.archived ? muted : ""}>{line.name}</span>
        {line.rollover !== "NONE" && !income && (
          <span className={`ml-2 whitespace-nowrap text-xs font-normal ${muted}`}>
            rollover: {formatEnum(line.rollover).toLowerCase()}
          </span>
        )}
        <div className="mt-2 max-w-64">
          <BudgetBar name={line.name} progress={line.progress} />
        </div>
        {carried && (
          <p className={`mt-1 text-xs font-normal ${muted}`}>
            Carried in {money(line.carriedIn, currency, locale)}
          </p>
        )}
      </th>
      <td className="px-2 py-3 text-right align-top">
        <BudgetedCell line={line} month={month} locale={locale} onSaved={onSaved} />
      </td>
      <td className="px-2 py-3 text-right align-top font-mono tabular-nums" data-testid="spent">
        {formatDecimal(income ? line.activity : spentOf(line.activity), locale)}
      </td>
      <td
        className={`px-4 py-3 text-right align-top font-mono tabular-nums ${line.available !== null && signOf(line.available) < 0 ? "text-red-700 dark:text-red-300" : ""}`}
        data-testid="available"
      >
        {line.available === null ? "—" : formatDecimal(line.available, locale)}
      </td>
    </tr>
  );
}

/** The budgeted amount, a button that turns into a field: Enter saves, Escape puts it back. Strings only. */
function BudgetedCell({
  line,
  month,
  locale,
  onSaved,
}: {
  line: Line;
  month: string;
  locale: string;
  onSaved: (figures: BudgetMonthFigures | null | undefined) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(line.budgeted);
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, setBudget] = useMutation(BudgetSetMutation);
  const ids = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    const amount = text.trim();
    if (!isBudgetAmount(amount)) return setProblem("Enter an amount of zero or more, such as 250.00.");
    const result = await setBudget({ input: { categoryId: line.categoryId, month, amount } });
    const payload = result.data?.budgetSet;
    if (result.error) return setProblem(describeError(result.error));
    if (payload && payload.errors.length > 0) return setProblem(payload.errors.map((e) => e.message).join(" "));
    onSaved(payload?.budgetMonth);
    setProblem(null);
    setEditing(false);
  }

  if (!editing) {
    return (
      <button
        type="button"
        onClick={() => {
          setText(line.budgeted);
          setEditing(true);
        }}
        aria-label={`Budgeted for ${line.name}: ${formatDecimal(line.budgeted, locale)}. Edit`}
        className={`rounded px-1 font-mono tabular-nums underline decoration-dotted underline-offset-4 hover:bg-slate-100 dark:hover:bg-slate-800 ${focusRing}`}
      >
        {formatDecimal(line.budgeted, locale)}
      </button>
    );
  }
  return (
    <form onSubmit={save} className="flex flex-col items-end gap-1" onKeyDown={(e) => e.key === "Escape" && setEditing(false)}>
      <label htmlFor={`${ids}-amount`} className="sr-only">
        Budgeted for {line.name}
      </label>
      <input
        id={`${ids}-amount`}
        autoFocus
        inputMode="decimal"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${ids}-problem` : undefined}
        className={`w-24 rounded border border-slate-300 bg-white px-2 py-1 text-right font-mono text-sm dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
      />
      <div className="flex gap-1">
        <button type="submit" disabled={fetching} className={`${primaryButton} px-2 py-1 text-xs`}>
          Save
        </button>
        <button type="button" onClick={() => setEditing(false)} className={`${linkButton} px-1 text-xs`}>
          Cancel
        </button>
      </div>
      {problem && (
        <p id={`${ids}-problem`} role="alert" className={`${errorText} max-w-48 text-xs`}>
          {problem}
        </p>
      )}
    </form>
  );
}
