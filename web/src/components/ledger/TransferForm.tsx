"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { fieldErrors, type FieldErrors } from "@/components/ledger/errors";
import { card, errorText, field, label, primaryButton, secondaryButton } from "@/components/ui";
import { isDecimal } from "@/lib/format";
import { signOf } from "@/lib/decimal";
import { TransferAccountsQuery, TransferCreateMutation } from "@/lib/ledger-operations";

const FIELDS = ["toAccountId", "date", "amount", "toAmount", "memo"] as const;

/** Today in the browser's calendar, as a `Date` scalar. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Moves money from this account to another of the household: `transferCreate` records a leg on each, so both
 * accounts' lists show it as a transfer. Between two currencies the amount that arrived is asked for as well.
 */
export function TransferForm({
  account,
  onDone,
  onCancel,
}: {
  account: { id: string; householdId: string; currency: string };
  onDone: () => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const [{ data }] = useQuery({ query: TransferAccountsQuery, variables: { householdId: account.householdId } });
  const others = (data?.accounts.nodes ?? []).filter((a) => a.id !== account.id);
  const [toAccountId, setToAccountId] = useState("");
  const target = others.find((a) => a.id === (toAccountId || others[0]?.id));
  const [problems, setProblems] = useState<FieldErrors>({});
  const [{ fetching }, create] = useMutation(TransferCreateMutation);
  const crossCurrency = !!target && target.currency !== account.currency;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const amount = text("amount");
    const toAmount = text("toAmount");
    const local: FieldErrors = {};
    if (!target) local.toAccountId = "Create another account to transfer to.";
    if (!isDecimal(amount) || signOf(amount) <= 0) local.amount = "Enter the amount that leaves, such as 25.00.";
    if (crossCurrency && (!isDecimal(toAmount) || signOf(toAmount) <= 0))
      local.toAmount = "Enter the amount that arrives, such as 23.10.";
    if (!text("date")) local.date = "Enter a date.";
    setProblems(local);
    if (!target || Object.keys(local).length) return;
    const result = await create({
      input: {
        fromAccountId: account.id,
        toAccountId: target.id,
        date: text("date"),
        amount,
        toAmount: crossCurrency ? toAmount : null,
        memo: text("memo") || null,
      },
    });
    setProblems(fieldErrors(FIELDS, result.data?.transferCreate.errors, result.error));
    if (!result.error && result.data?.transferCreate.errors.length === 0) onDone();
  }

  const fieldError = (name: string) =>
    problems[name] ? (
      <p id={`${ids}-${name}-error`} role="alert" className={`mt-1 ${errorText}`}>
        {problems[name]}
      </p>
    ) : null;
  const described = (name: string) => (problems[name] ? `${ids}-${name}-error` : undefined);

  return (
    <form
      onSubmit={submit}
      aria-label="Transfer to another account"
      noValidate
      className={`${card} grid gap-3 p-4 sm:grid-cols-[1fr_10rem_9rem_1fr] sm:items-start`}
    >
      <div>
        <label htmlFor={`${ids}-to`} className={label}>
          To account
        </label>
        <select
          id={`${ids}-to`}
          name="toAccountId"
          value={target?.id ?? ""}
          onChange={(e) => setToAccountId(e.target.value)}
          aria-describedby={described("toAccountId")}
          className={`${field} mt-1`}
        >
          {others.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.currency})
            </option>
          ))}
        </select>
        {fieldError("toAccountId")}
      </div>
      <div>
        <label htmlFor={`${ids}-date`} className={label}>
          Date
        </label>
        <input
          id={`${ids}-date`}
          name="date"
          type="date"
          defaultValue={today()}
          aria-describedby={described("date")}
          className={`${field} mt-1`}
        />
        {fieldError("date")}
      </div>
      <div>
        <label htmlFor={`${ids}-amount`} className={label}>
          Amount ({account.currency})
        </label>
        <input
          id={`${ids}-amount`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          aria-invalid={!!problems.amount}
          aria-describedby={described("amount")}
          className={`${field} mt-1 font-mono tabular-nums`}
        />
        {fieldError("amount")}
      </div>
      {crossCurrency ? (
        <div>
          <label htmlFor={`${ids}-to-amount`} className={label}>
            Arrives as ({target.currency})
          </label>
          <input
            id={`${ids}-to-amount`}
            name="toAmount"
            inputMode="decimal"
            autoComplete="off"
            aria-invalid={!!problems.toAmount}
            aria-describedby={described("toAmount")}
            className={`${field} mt-1 font-mono tabular-nums`}
          />
          {fieldError("toAmount")}
        </div>
      ) : (
        <div>
          <label htmlFor={`${ids}-memo`} className={label}>
            Memo
          </label>
          <input id={`${ids}-memo`} name="memo" className={`${field} mt-1`} />
          {fieldError("memo")}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-2 sm:col-span-4">
        <button type="submit" disabled={fetching || !target} className={primaryButton}>
          {fetching ? "Transferring…" : "Transfer"}
        </button>
        <button type="button" onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
        {fieldError("")}
      </div>
    </form>
  );
}
