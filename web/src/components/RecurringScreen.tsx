"use client";

import { useCallback, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { card, errorText, field, label, linkButton, muted, primaryButton, secondaryButton, tableHead } from "@/components/ui";
import type { RecurringMode, RecurringPreset } from "@/gql/graphql";
import { useApp } from "@/lib/app-context";
import {
  RecurringCreateMutation,
  RecurringDeleteMutation,
  RecurringSkipNextMutation,
  RecurringTransactionsQuery,
  RecurringUnskipMutation,
} from "@/lib/budget-operations";
import { describeError } from "@/lib/client";
import { formatDate, formatEnum, formatMoney, isDecimal, isNegative } from "@/lib/format";
import { AccountsQuery, firstAccountsPage } from "@/lib/operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

const PRESETS: { value: RecurringPreset; label: string }[] = [
  { value: "MONTHLY_FIRST", label: "Monthly, on the 1st" },
  { value: "EVERY_TWO_WEEKS", label: "Every two weeks" },
  { value: "LAST_BUSINESS_DAY", label: "Last business day of the month" },
  { value: "YEARLY", label: "Yearly" },
];

/**
 * The household's recurring transactions with their next date; a form to add one; per row, skip the next date
 * (the API has no pause: skipping one date, and putting it back, is what it offers) or delete.
 */
export function RecurringScreen() {
  const { householdId, locale } = useApp();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: RecurringTransactionsQuery,
    variables: { householdId: householdId ?? "", first: 100 },
    pause: !householdId,
  });
  const refetch = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnResume(refetch);
  const items = data?.recurringTransactions.nodes;
  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <section aria-labelledby="recurring-heading" className="min-w-0">
        <h1 id="recurring-heading" className="text-2xl font-semibold tracking-tight">
          Recurring
        </h1>
        <div className={`${card} mt-4 overflow-x-auto`}>
          <table className="w-full text-left text-sm">
            <thead className={tableHead}>
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">
                  Name
                </th>
                <th scope="col" className="px-4 py-3 text-right font-medium">
                  Amount
                </th>
                <th scope="col" className="px-4 py-3 font-medium">
                  Next
                </th>
                <th scope="col" className="px-4 py-3 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {!items ? (
                <tr>
                  <td colSpan={4} className={`px-4 py-6 text-center ${muted}`} aria-busy={fetching}>
                    {error ? (
                      <span role="alert" className={errorText}>
                        {describeError(error)}
                      </span>
                    ) : (
                      "Loading recurring transactions…"
                    )}
                  </td>
                </tr>
              ) : items.length === 0 ? (
                <tr>
                  <td colSpan={4} className={`px-4 py-6 text-center ${muted}`}>
                    No recurring transactions yet.
                  </td>
                </tr>
              ) : (
                items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row" className="px-4 py-3 font-medium">
                      {item.name}
                      <p className={`text-xs font-normal ${muted}`}>
                        {item.account?.name ?? "—"} · {item.preset ? formatEnum(item.preset) : item.rule} ·{" "}
                        {item.mode === "REMIND" ? "reminder" : "posted"}
                      </p>
                    </th>
                    <td
                      className={`whitespace-nowrap px-4 py-3 text-right font-mono tabular-nums ${isNegative(item.amount) ? "text-red-700 dark:text-red-300" : ""}`}
                    >
                      {item.amountIsEstimate && "≈ "}
                      {formatMoney(item.amount, locale)}
                    </td>
                    <td className="whitespace-nowrap px-4 py-3">{item.nextDate ? formatDate(item.nextDate, locale) : "—"}</td>
                    <td className="px-4 py-3">
                      <RecurringActions id={item.id} name={item.name} hasNext={item.nextDate !== null} onChanged={refetch} />
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
      <RecurringCreateForm householdId={householdId} onCreated={refetch} />
    </div>
  );
}

function RecurringActions({ id, name, hasNext, onChanged }: { id: string; name: string; hasNext: boolean; onChanged: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [skipState, skip] = useMutation(RecurringSkipNextMutation);
  const [unskipState, unskip] = useMutation(RecurringUnskipMutation);
  const [deleteState, remove] = useMutation(RecurringDeleteMutation);
  const busy = skipState.fetching || unskipState.fetching || deleteState.fetching;

  async function run(action: () => Promise<{ error?: Parameters<typeof describeError>[0]; errors?: { message: string }[] }>) {
    const { error, errors } = await action();
    if (error) return setProblem(describeError(error));
    if (errors && errors.length > 0) return setProblem(errors.map((e) => e.message).join(" "));
    setProblem(null);
    onChanged();
  }

  return (
    <div className="flex flex-wrap justify-end gap-2">
      <button
        type="button"
        disabled={busy || !hasNext}
        className={`${secondaryButton} px-2 py-1 text-xs`}
        aria-label={`Skip the next date of ${name}`}
        onClick={() => void run(async () => { const r = await skip({ input: { id } }); return { error: r.error, errors: r.data?.recurringSkipNext.errors }; })}
      >
        Skip next
      </button>
      <button
        type="button"
        disabled={busy}
        className={`${secondaryButton} px-2 py-1 text-xs`}
        aria-label={`Put back the earliest skipped date of ${name}`}
        onClick={() => void run(async () => { const r = await unskip({ input: { id } }); return { error: r.error, errors: r.data?.recurringUnskip.errors }; })}
      >
        Unskip
      </button>
      <button
        type="button"
        disabled={busy}
        className={`${linkButton} px-1 text-xs text-red-700 dark:text-red-300`}
        aria-label={`Delete ${name}`}
        onClick={() => {
          if (!window.confirm(`Delete “${name}”? Transactions it already posted stay.`)) return;
          void run(async () => { const r = await remove({ input: { id } }); return { error: r.error, errors: r.data?.recurringDelete.errors }; });
        }}
      >
        Delete
      </button>
      {problem && (
        <p role="alert" className={`${errorText} w-full text-right text-xs`}>
          {problem}
        </p>
      )}
    </div>
  );
}

function RecurringCreateForm({ householdId, onCreated }: { householdId: string | null; onCreated: () => void }) {
  const ids = useId();
  const [{ data: accounts }] = useQuery({ query: AccountsQuery, variables: firstAccountsPage(householdId) });
  const [{ fetching }, create] = useMutation(RecurringCreateMutation);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const options = accounts?.accounts.edges.map((e) => e.node) ?? [];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const amount = text("amount");
    if (!isDecimal(amount)) return setProblem("Enter the amount as a number such as -12.50 (negative: money out).");
    if (!text("accountId") || !text("startDate")) return setProblem("Choose an account and a start date.");
    const result = await create({
      input: {
        accountId: text("accountId"),
        amount,
        startDate: text("startDate"),
        preset: text("preset") as RecurringPreset,
        mode: text("mode") as RecurringMode,
        name: text("name") || null,
        payee: text("payee") || null,
      },
    });
    const payload = result.data?.recurringCreate;
    if (result.error) return setProblem(describeError(result.error));
    if (payload && payload.errors.length > 0) return setProblem(payload.errors.map((e) => e.message).join(" "));
    setProblem(null);
    setDone(payload?.recurring?.name ?? null);
    (event.target as HTMLFormElement).reset();
    onCreated();
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} h-fit p-4`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        New recurring transaction
      </h2>
      <form onSubmit={submit} className="mt-4 space-y-3">
        <div>
          <label htmlFor={`${ids}-name`} className={label}>Name</label>
          <input id={`${ids}-name`} name="name" className={field} placeholder="Rent" />
        </div>
        <div>
          <label htmlFor={`${ids}-payee`} className={label}>Payee</label>
          <input id={`${ids}-payee`} name="payee" className={field} />
        </div>
        <div>
          <label htmlFor={`${ids}-account`} className={label}>Account</label>
          <select id={`${ids}-account`} name="accountId" className={field} required>
            {options.map((account) => (
              <option key={account.id} value={account.id}>{account.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${ids}-amount`} className={label}>Amount</label>
          <input id={`${ids}-amount`} name="amount" inputMode="decimal" className={field} placeholder="-950.00" required />
        </div>
        <div>
          <label htmlFor={`${ids}-start`} className={label}>Start date</label>
          <input id={`${ids}-start`} name="startDate" type="date" className={field} required />
        </div>
        <div>
          <label htmlFor={`${ids}-preset`} className={label}>Repeats</label>
          <select id={`${ids}-preset`} name="preset" className={field} defaultValue="MONTHLY_FIRST">
            {PRESETS.map((preset) => (
              <option key={preset.value} value={preset.value}>{preset.label}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${ids}-mode`} className={label}>On each date</label>
          <select id={`${ids}-mode`} name="mode" className={field} defaultValue="POST">
            <option value="POST">Record the transaction</option>
            <option value="REMIND">Remind me</option>
          </select>
        </div>
        {problem && <p role="alert" className={errorText}>{problem}</p>}
        {done && !problem && <p role="status" className={`text-sm ${muted}`}>Added “{done}”.</p>}
        <button type="submit" disabled={fetching || options.length === 0} className={primaryButton}>
          Add recurring
        </button>
      </form>
    </section>
  );
}
