"use client";

import { useContext, useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { card, errorText, field, label, muted, primaryButton } from "@/components/ui";
import { graphql } from "@/gql";
import type { AccountType } from "@/gql/graphql";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatAccountType, isDecimal } from "@/lib/format";
import { RefetchContext } from "@/lib/refetch-context";

const AccountCreateMutation = graphql(`
  mutation AccountCreate($input: AccountCreateInput!) {
    accountCreate(input: $input) {
      account {
        id
        name
        type
        currency
        balance {
          amount
          currency
        }
      }
      errors {
        __typename
        message
      }
    }
  }
`);

const ACCOUNT_TYPES: readonly AccountType[] = [
  "CHECKING",
  "SAVINGS",
  "CREDIT_CARD",
  "CASH",
  "INVESTMENT",
  "LOAN",
  "OTHER",
];

/**
 * A new account in the chosen household: name, type, currency and opening balance (a decimal string, sent as
 * typed). The account lists reload once it exists.
 */
export function AccountCreateForm() {
  const { householdId } = useApp();
  const refetch = useContext(RefetchContext);
  const [, create] = useMutation(AccountCreateMutation);
  const [errors, setErrors] = useState<string[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "").trim();
    const currency = String(data.get("currency") ?? "").trim().toUpperCase();
    const openingBalance = String(data.get("openingBalance") ?? "").trim() || "0";
    const problems = [
      ...(name ? [] : ["Give the account a name."]),
      ...(/^[A-Z]{3}$/.test(currency) ? [] : ["The currency is a three-letter ISO 4217 code, such as EUR."]),
      ...(isDecimal(openingBalance) ? [] : ["The opening balance is a number such as 1250.00 or -40.5."]),
    ];
    setCreated(null);
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      const result = await create({
        input: { name, type: String(data.get("type")) as AccountType, currency, openingBalance, householdId },
      });
      const payload = result.data?.accountCreate;
      if (result.error) setErrors([describeError(result.error)]);
      else if (payload?.errors.length) setErrors(payload.errors.map((e) => e.message));
      else if (payload?.account) {
        setCreated(payload.account.name);
        form.reset();
        refetch.emit();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} h-fit p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        New account
      </h2>
      <form onSubmit={submit} noValidate className="mt-4 space-y-4" aria-describedby={`${ids}-status`}>
        <div>
          <label htmlFor={`${ids}-name`} className={label}>
            Account name
          </label>
          <input id={`${ids}-name`} name="name" required autoComplete="off" className={`${field} mt-1`} />
        </div>
        <div>
          <label htmlFor={`${ids}-type`} className={label}>
            Type
          </label>
          <select id={`${ids}-type`} name="type" defaultValue="CHECKING" className={`${field} mt-1`}>
            {ACCOUNT_TYPES.map((type) => (
              <option key={type} value={type}>
                {formatAccountType(type)}
              </option>
            ))}
          </select>
        </div>
        <div className="grid grid-cols-[6rem_1fr] gap-3">
          <div>
            <label htmlFor={`${ids}-currency`} className={label}>
              Currency
            </label>
            <input
              id={`${ids}-currency`}
              name="currency"
              defaultValue="EUR"
              maxLength={3}
              required
              autoCapitalize="characters"
              className={`${field} mt-1 uppercase`}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-opening`} className={label}>
              Opening balance
            </label>
            <input
              id={`${ids}-opening`}
              name="openingBalance"
              inputMode="decimal"
              placeholder="0.00"
              className={`${field} mt-1 font-mono`}
            />
          </div>
        </div>
        <div id={`${ids}-status`} aria-live="polite">
          {errors.length > 0 && (
            <ul role="alert" className={`${errorText} space-y-1`}>
              {errors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
          {created && <p className={`text-sm ${muted}`}>Created “{created}”.</p>}
        </div>
        <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
          {busy ? "Creating…" : "Create account"}
        </button>
      </form>
    </section>
  );
}
