"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { fieldErrors, type FieldErrors } from "@/components/ledger/errors";
import { errorText, field, focusRing, label, linkButton, primaryButton, secondaryButton } from "@/components/ui";
import type { TransactionRowFieldsFragment } from "@/gql/graphql";
import { formatMoney } from "@/lib/format";
import { checkSplit, splitProblem } from "@/lib/ledger";
import { TransactionEditMutation } from "@/lib/ledger-operations";

type CategoryGroups = { id: string; name: string; categories: { id: string; name: string }[] }[];
type Part = { key: number; amount: string; categoryId: string; memo: string };

/**
 * Splits a transaction across categories. What is left to assign is worked out exactly from the decimal strings
 * (never floats) as the parts are typed; parts that do not add up to the amount are refused here, as the server
 * refuses them, and the server's own answer is shown too.
 */
export function SplitEditor({
  transaction,
  groups,
  locale,
  onClose,
}: {
  transaction: TransactionRowFieldsFragment;
  groups: CategoryGroups;
  locale: string;
  onClose: () => void;
}) {
  const ids = useId();
  const { amount, currency } = transaction.amount;
  const [parts, setParts] = useState<Part[]>(() =>
    transaction.splits.length
      ? transaction.splits.map((s, key) => ({
          key,
          amount: s.amount.amount,
          categoryId: s.category?.id ?? "",
          memo: s.memo ?? "",
        }))
      : [
          { key: 0, amount, categoryId: transaction.category?.id ?? "", memo: "" },
          { key: 1, amount: "", categoryId: "", memo: "" },
        ],
  );
  const [problems, setProblems] = useState<FieldErrors>({});
  const [{ fetching }, update] = useMutation(TransactionEditMutation);

  const check = checkSplit(
    amount,
    parts.map((p) => p.amount || "0"),
  );
  const change = (key: number, patch: Partial<Part>) =>
    setParts((all) => all.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = splitProblem(
      amount,
      parts.map((p) => p.amount),
    );
    if (problem) return setProblems({ splits: problem });
    const result = await update({
      input: {
        id: transaction.id,
        splits: parts.map((p) => ({ amount: p.amount.trim(), categoryId: p.categoryId || null, memo: p.memo || null })),
      },
    });
    setProblems(fieldErrors(["splits"], result.data?.transactionUpdate.errors, result.error));
    if (!result.error && result.data?.transactionUpdate.errors.length === 0) onClose();
  }

  async function unsplit() {
    const result = await update({ input: { id: transaction.id, splits: [] } });
    setProblems(fieldErrors(["splits"], result.data?.transactionUpdate.errors, result.error));
    if (!result.error && result.data?.transactionUpdate.errors.length === 0) onClose();
  }

  return (
    <form onSubmit={save} aria-label={`Split ${transaction.payee ?? "transaction"}`} className="space-y-3" noValidate>
      <fieldset className="space-y-2">
        <legend className={label}>Split {formatMoney(transaction.amount, locale)} across categories</legend>
        {parts.map((part, i) => (
          <div key={part.key} className="grid gap-2 sm:grid-cols-[9rem_1fr_1fr_auto] sm:items-center">
            <input
              aria-label={`Part ${i + 1} amount`}
              inputMode="decimal"
              autoComplete="off"
              value={part.amount}
              onChange={(e) => change(part.key, { amount: e.target.value })}
              aria-invalid={!check.ok && check.index === i}
              className={`${field} font-mono tabular-nums`}
            />
            <select
              aria-label={`Part ${i + 1} category`}
              value={part.categoryId}
              onChange={(e) => change(part.key, { categoryId: e.target.value })}
              className={`w-full rounded-lg border border-slate-300 bg-white px-2 py-2 text-sm dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
            >
              <option value="">Uncategorised</option>
              {groups.map((group) => (
                <optgroup key={group.id} label={group.name}>
                  {group.categories.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
            <input
              aria-label={`Part ${i + 1} memo`}
              value={part.memo}
              onChange={(e) => change(part.key, { memo: e.target.value })}
              className={field}
            />
            <button
              type="button"
              disabled={parts.length <= 2}
              onClick={() => setParts((all) => all.filter((p) => p.key !== part.key))}
              className={secondaryButton}
            >
              Remove part {i + 1}
            </button>
          </div>
        ))}
      </fieldset>
      <p aria-live="polite" className="text-sm">
        {check.ok ? (
          <>
            Left to assign:{" "}
            <output id={`${ids}-remainder`} className="font-mono tabular-nums">
              {formatMoney({ amount: check.remainder, currency }, locale)}
            </output>
          </>
        ) : (
          <span className={errorText}>Part {check.index + 1} is not an amount such as -12.30.</span>
        )}
      </p>
      {problems.splits && (
        <p role="alert" className={errorText}>
          {problems.splits}
        </p>
      )}
      {problems[""] && (
        <p role="alert" className={errorText}>
          {problems[""]}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={() =>
            setParts((all) => [
              ...all,
              {
                key: Math.max(...all.map((p) => p.key)) + 1,
                amount: check.ok && !check.balanced ? check.remainder : "",
                categoryId: "",
                memo: "",
              },
            ])
          }
          className={secondaryButton}
        >
          Add a part
        </button>
        <button type="submit" disabled={fetching} className={primaryButton}>
          {fetching ? "Saving…" : "Save split"}
        </button>
        <button type="button" onClick={onClose} className={secondaryButton}>
          Cancel
        </button>
        {transaction.isSplit && (
          <button type="button" onClick={() => void unsplit()} disabled={fetching} className={linkButton}>
            Remove the split
          </button>
        )}
      </div>
    </form>
  );
}
