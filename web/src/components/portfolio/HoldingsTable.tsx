"use client";

import { useId } from "react";

import type { HoldingData } from "@/components/portfolio/types";
import { isZero } from "@/components/portfolio/types";
import { card, muted, tableHead } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { formatDecimal, formatMoney, isNegative, type Money } from "@/lib/format";
import { formatPercent, trimDecimal } from "@/lib/portfolio";

function MoneyCell({ money }: { money: Money | null | undefined }) {
  const { locale } = useApp();
  if (!money) return <span className={muted}>No price</span>;
  return <span className={isNegative(money) ? "text-red-700 dark:text-red-300" : undefined}>{formatMoney(money, locale)}</span>;
}

/** What the portfolio holds today: units, price, value, cost and unrealised gain (base currency), weight. */
export function HoldingsTable({ holdings, baseCurrency }: { holdings: readonly HoldingData[]; baseCurrency: string }) {
  const { locale } = useApp();
  const ids = useId();
  const open = holdings.filter((h) => !isZero(h.quantity));
  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        Holdings
      </h2>
      <p className={`mt-1 text-sm ${muted}`}>Value, cost and gain in {baseCurrency}; price in the instrument’s currency.</p>
      {open.length === 0 ? (
        <p className={`mt-4 text-sm ${muted}`}>Nothing held yet. Record a purchase below.</p>
      ) : (
        <div className="relative mt-4 overflow-x-auto" role="region" aria-labelledby={`${ids}-heading`} tabIndex={0}>
          <table className="w-full min-w-[40rem] text-left text-sm">
            <thead className={tableHead}>
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">Instrument</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Units</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Price</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Value</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Cost</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Unrealised gain</th>
                <th scope="col" className="py-2 text-right font-medium">Weight</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {open.map((h) => (
                <tr key={h.instrumentId} data-instrument={h.instrumentId}>
                  <th scope="row" className="py-2 pr-3 font-medium">
                    <span className="block">{h.instrument?.symbol ?? h.instrumentId}</span>
                    <span className={`block text-xs font-normal ${muted}`}>{h.instrument?.name}</span>
                  </th>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">{formatDecimal(trimDecimal(h.quantity, 0), locale)}</td>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                    <MoneyCell money={h.price && { ...h.price, amount: trimDecimal(h.price.amount) }} />
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                    <MoneyCell money={h.valueBase} />
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                    <MoneyCell money={h.costBasisBase} />
                  </td>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                    <MoneyCell money={h.unrealisedGainBase} />
                  </td>
                  <td className="whitespace-nowrap py-2 text-right tabular-nums">{formatPercent(h.weight, locale) ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
