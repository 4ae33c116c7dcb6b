"use client";

import { useId, useMemo, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import type { PortfolioData } from "@/components/portfolio/types";
import { card, errorText, field, label, muted, primaryButton } from "@/components/ui";
import type { ActivityKind } from "@/gql/graphql";
import { describeError } from "@/lib/client";
import { isDecimal } from "@/lib/format";
import { ActivityCreateMutation, InstrumentsQuery } from "@/lib/portfolio-operations";

const KINDS: readonly { kind: ActivityKind; label: string }[] = [
  { kind: "BUY", label: "Buy" },
  { kind: "SELL", label: "Sell" },
  { kind: "DIVIDEND", label: "Dividend" },
];

/** Today as a `Date` scalar in the visitor's own calendar. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

/**
 * Record a purchase, a sale or a dividend. Amounts go to the API as the decimal strings typed (never numbers);
 * the portfolio's figures reload once it is stored.
 */
export function ActivityForm({ portfolio, onRecorded }: { portfolio: PortfolioData; onRecorded: () => void }) {
  const ids = useId();
  const [kind, setKind] = useState<ActivityKind>("BUY");
  const [errors, setErrors] = useState<string[]>([]);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, create] = useMutation(ActivityCreateMutation);
  const [{ data }] = useQuery({ query: InstrumentsQuery, variables: { search: null } });
  const instruments = useMemo(() => {
    const byId = new Map<string, { id: string; symbol: string; name: string }>();
    for (const h of portfolio.holdings) if (h.instrument) byId.set(h.instrument.id, h.instrument);
    for (const i of data?.instruments.nodes ?? []) byId.set(i.id, i);
    return [...byId.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  }, [portfolio.holdings, data]);
  const trade = kind !== "DIVIDEND";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const text = (name: string) => String(values.get(name) ?? "").trim();
    const instrumentId = text("instrumentId");
    const date = text("date");
    const decimals = trade
      ? { quantity: text("quantity"), price: text("price"), fee: text("fee") || "0" }
      : { amount: text("amount"), tax: text("tax") || "0" };
    const problems = [
      ...(instrumentId ? [] : ["Choose an instrument."]),
      ...(/^\d{4}-\d{2}-\d{2}$/.test(date) ? [] : ["Give the date."]),
      ...Object.entries(decimals)
        .filter(([, value]) => !isDecimal(value))
        .map(([name]) => `The ${name} is a number such as 12 or 101.25.`),
    ];
    setRecorded(null);
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      const result = await create({ input: { portfolioId: portfolio.id, kind, instrumentId, date, ...decimals } });
      const payload = result.data?.activityCreate;
      if (result.error) setErrors([describeError(result.error)]);
      else if (payload?.errors.length) setErrors(payload.errors.map((e) => e.message));
      else if (payload?.activity) {
        setRecorded(KINDS.find((k) => k.kind === kind)?.label ?? kind);
        form.reset();
        onRecorded();
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        Record an activity
      </h2>
      <form onSubmit={submit} noValidate className="mt-4 grid gap-4 sm:grid-cols-2" aria-describedby={`${ids}-status`}>
        <fieldset className="sm:col-span-2">
          <legend className={label}>Kind</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {KINDS.map((k) => (
              <label key={k.kind} className="inline-flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="kind"
                  value={k.kind}
                  checked={kind === k.kind}
                  onChange={() => setKind(k.kind)}
                  className="accent-emerald-700"
                />
                {k.label}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor={`${ids}-instrument`} className={label}>
            Instrument
          </label>
          <select id={`${ids}-instrument`} name="instrumentId" className={`${field} mt-1`} defaultValue="">
            <option value="" disabled>
              Choose…
            </option>
            {instruments.map((i) => (
              <option key={i.id} value={i.id}>
                {i.symbol} · {i.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${ids}-date`} className={label}>
            Date
          </label>
          <input id={`${ids}-date`} name="date" type="date" defaultValue={today()} className={`${field} mt-1`} />
        </div>
        {trade ? (
          <>
            <div>
              <label htmlFor={`${ids}-quantity`} className={label}>
                Units
              </label>
              <input id={`${ids}-quantity`} name="quantity" inputMode="decimal" className={`${field} mt-1 font-mono`} />
            </div>
            <div>
              <label htmlFor={`${ids}-price`} className={label}>
                Price per unit
              </label>
              <input id={`${ids}-price`} name="price" inputMode="decimal" className={`${field} mt-1 font-mono`} />
            </div>
            <div>
              <label htmlFor={`${ids}-fee`} className={label}>
                Fee
              </label>
              <input id={`${ids}-fee`} name="fee" inputMode="decimal" placeholder="0" className={`${field} mt-1 font-mono`} />
            </div>
          </>
        ) : (
          <>
            <div>
              <label htmlFor={`${ids}-amount`} className={label}>
                Amount received (gross)
              </label>
              <input id={`${ids}-amount`} name="amount" inputMode="decimal" className={`${field} mt-1 font-mono`} />
            </div>
            <div>
              <label htmlFor={`${ids}-tax`} className={label}>
                Tax withheld
              </label>
              <input id={`${ids}-tax`} name="tax" inputMode="decimal" placeholder="0" className={`${field} mt-1 font-mono`} />
            </div>
          </>
        )}
        <p className={`text-xs ${muted} sm:col-span-2`}>Amounts are in the instrument’s currency.</p>
        <div id={`${ids}-status`} aria-live="polite" className="sm:col-span-2">
          {errors.length > 0 && (
            <ul role="alert" className={`${errorText} space-y-1`}>
              {errors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
          {recorded && <p className={`text-sm ${muted}`}>{recorded} recorded.</p>}
        </div>
        <button type="submit" disabled={busy} className={`${primaryButton} sm:col-span-2 sm:w-fit`}>
          {busy ? "Recording…" : "Record activity"}
        </button>
      </form>
    </section>
  );
}
