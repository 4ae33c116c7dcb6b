"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { errorText, field, label, muted, primaryButton, secondaryButton } from "@/components/ui";
import { fieldErrors, type FieldErrors } from "@/components/ledger/errors";
import type { TransactionRowFieldsFragment } from "@/gql/graphql";
import { isDecimal } from "@/lib/format";
import { TransactionEditMutation } from "@/lib/ledger-operations";

const FIELDS = ["payee", "memo", "date", "amount"] as const;

/**
 * Edits a transaction's payee, memo, date and amount in place. Only what changed is sent; the amount is checked
 * to be a decimal before it goes, and the server's typed errors are shown next to the field they name.
 */
export function TransactionEditor({
  transaction,
  onClose,
}: {
  transaction: TransactionRowFieldsFragment;
  onClose: () => void;
}) {
  const ids = useId();
  const [{ fetching }, update] = useMutation(TransactionEditMutation);
  const [problems, setProblems] = useState<FieldErrors>({});

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const payee = text("payee");
    const memo = text("memo");
    const date = text("date");
    const amount = text("amount");
    const local: FieldErrors = {};
    if (!isDecimal(amount)) local.amount = "Enter an amount such as -12.30 (a point before the cents).";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) local.date = "Enter a date.";
    setProblems(local);
    if (Object.keys(local).length) return;

    const input: { id: string; payee?: string | null; memo?: string | null; date?: string; amount?: string } = {
      id: transaction.id,
    };
    if (payee !== (transaction.payee ?? "")) input.payee = payee || null;
    if (memo !== (transaction.memo ?? "")) input.memo = memo || null;
    if (date !== transaction.date) input.date = date;
    if (amount !== transaction.amount.amount) input.amount = amount;
    if (Object.keys(input).length === 1) return onClose();

    const result = await update({ input });
    const found = fieldErrors(FIELDS, result.data?.transactionUpdate.errors, result.error);
    setProblems(found);
    if (!result.error && result.data?.transactionUpdate.errors.length === 0) onClose();
  }

  const described = (name: string) => (problems[name] ? `${ids}-${name}-error` : undefined);
  const fieldError = (name: string) =>
    problems[name] ? (
      <p id={`${ids}-${name}-error`} role="alert" className={`mt-1 ${errorText}`}>
        {problems[name]}
      </p>
    ) : null;

  return (
    <form
      onSubmit={save}
      aria-label={`Edit ${transaction.payee ?? "transaction"}`}
      className="grid gap-3 sm:grid-cols-[1fr_1fr_10rem_9rem] sm:items-start"
      noValidate
    >
      <div>
        <label htmlFor={`${ids}-payee`} className={label}>
          Payee
        </label>
        <input
          id={`${ids}-payee`}
          name="payee"
          defaultValue={transaction.payee ?? ""}
          aria-invalid={!!problems.payee}
          aria-describedby={described("payee")}
          className={`${field} mt-1`}
        />
        {fieldError("payee")}
      </div>
      <div>
        <label htmlFor={`${ids}-memo`} className={label}>
          Memo
        </label>
        <input
          id={`${ids}-memo`}
          name="memo"
          defaultValue={transaction.memo ?? ""}
          aria-invalid={!!problems.memo}
          aria-describedby={described("memo")}
          className={`${field} mt-1`}
        />
        {fieldError("memo")}
      </div>
      <div>
        <label htmlFor={`${ids}-date`} className={label}>
          Date
        </label>
        <input
          id={`${ids}-date`}
          name="date"
          type="date"
          required
          defaultValue={transaction.date}
          aria-invalid={!!problems.date}
          aria-describedby={described("date")}
          className={`${field} mt-1`}
        />
        {fieldError("date")}
      </div>
      <div>
        <label htmlFor={`${ids}-amount`} className={label}>
          Amount ({transaction.amount.currency})
        </label>
        <input
          id={`${ids}-amount`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          defaultValue={transaction.amount.amount}
          aria-invalid={!!problems.amount}
          aria-describedby={described("amount")}
          className={`${field} mt-1 font-mono tabular-nums`}
        />
        {fieldError("amount")}
      </div>
      <div className="flex flex-wrap items-center gap-2 sm:col-span-4">
        <button type="submit" disabled={fetching} className={primaryButton}>
          {fetching ? "Saving…" : "Save"}
        </button>
        <button type="button" onClick={onClose} className={secondaryButton}>
          Cancel
        </button>
        {transaction.transfer && (
          <span className={`text-sm ${muted}`}>The other leg of the transfer follows the amount and date.</span>
        )}
        {fieldError("")}
      </div>
    </form>
  );
}
