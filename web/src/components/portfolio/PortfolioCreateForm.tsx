"use client";

import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { card, errorText, field, label, primaryButton } from "@/components/ui";
import type { CostMethod } from "@/gql/graphql";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { PortfolioCostMethodMutation, PortfolioCreateMutation } from "@/lib/portfolio-operations";

/**
 * A new portfolio in the chosen household: name, base currency and cost method. `portfolioCreate` starts every
 * portfolio on FIFO, so AVERAGE is set with `portfolioUpdate` right after.
 */
export function PortfolioCreateForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { householdId } = useApp();
  const ids = useId();
  const [, create] = useMutation(PortfolioCreateMutation);
  const [, update] = useMutation(PortfolioCostMethodMutation);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    const name = String(values.get("name") ?? "").trim();
    const baseCurrency = String(values.get("baseCurrency") ?? "").trim().toUpperCase();
    const costMethod = String(values.get("costMethod")) as CostMethod;
    const problems = [
      ...(name ? [] : ["Give the portfolio a name."]),
      ...(/^[A-Z]{3}$/.test(baseCurrency) ? [] : ["The base currency is a three-letter ISO 4217 code, such as EUR."]),
    ];
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      const result = await create({ input: { name, baseCurrency, householdId } });
      const payload = result.data?.portfolioCreate;
      if (result.error) return setErrors([describeError(result.error)]);
      if (payload?.errors.length) return setErrors(payload.errors.map((e) => e.message));
      const id = payload?.portfolio?.id;
      if (!id) return;
      if (costMethod !== payload.portfolio?.costMethod) {
        const updated = await update({ input: { id, costMethod } });
        const problems = updated.error
          ? [describeError(updated.error)]
          : (updated.data?.portfolioUpdate.errors.map((e) => e.message) ?? []);
        if (problems.length) setErrors(problems);
      }
      onCreated(id);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} max-w-md p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        New portfolio
      </h2>
      <form onSubmit={submit} noValidate className="mt-4 space-y-4" aria-describedby={`${ids}-status`}>
        <div>
          <label htmlFor={`${ids}-name`} className={label}>
            Portfolio name
          </label>
          <input id={`${ids}-name`} name="name" autoComplete="off" className={`${field} mt-1`} />
        </div>
        <div className="grid grid-cols-[7rem_1fr] gap-3">
          <div>
            <label htmlFor={`${ids}-currency`} className={label}>
              Base currency
            </label>
            <input
              id={`${ids}-currency`}
              name="baseCurrency"
              defaultValue="EUR"
              maxLength={3}
              autoCapitalize="characters"
              className={`${field} mt-1 uppercase`}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-cost`} className={label}>
              Cost method
            </label>
            <select id={`${ids}-cost`} name="costMethod" defaultValue="FIFO" className={`${field} mt-1`}>
              <option value="FIFO">First in, first out</option>
              <option value="AVERAGE">Average cost</option>
            </select>
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
        </div>
        <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
          {busy ? "Creating…" : "Create portfolio"}
        </button>
      </form>
    </section>
  );
}
