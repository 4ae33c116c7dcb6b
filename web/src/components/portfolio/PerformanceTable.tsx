"use client";

import { useId } from "react";

import type { PerformanceRowData } from "@/components/portfolio/types";
import { card, focusRing, muted, tableHead } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { formatDate, formatMoney, isNegative } from "@/lib/format";
import { ABSOLUTE_GAIN_DEFINITION, FIGURES, formatPercent, periodLabel, reasonText } from "@/lib/portfolio";

type Figure = { value?: number | null; reason?: string | null } | null | undefined;

/** A column's name with its definition one click (or Enter) away: a disclosure, read by screen readers. */
export function Definition({ term, children }: { term: string; children: string }) {
  return (
    <details className="inline normal-case tracking-normal">
      <summary
        className={`ml-1 inline-flex h-5 w-5 cursor-pointer list-none items-center justify-center rounded-full border border-slate-300 text-[0.65rem] font-semibold text-slate-600 dark:border-slate-600 dark:text-slate-300 [&::-webkit-details-marker]:hidden ${focusRing}`}
      >
        <span aria-hidden="true">?</span>
        <span className="sr-only">What is {term}?</span>
      </summary>
      <p className="mt-1 ml-auto block w-48 whitespace-normal rounded-lg border border-slate-200 bg-white p-3 text-left text-xs font-normal text-slate-700 shadow-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200">
        {children}
      </p>
    </details>
  );
}

/** A return figure, or "n/a" with the reason it is undefined (never a made-up 0 %). */
function FigureCell({ figure }: { figure: Figure }) {
  const { locale } = useApp();
  const text = formatPercent(figure?.value, locale);
  if (text !== null) {
    return <span className={(figure?.value ?? 0) < 0 ? "text-red-700 dark:text-red-300" : undefined}>{text}</span>;
  }
  return (
    <span>
      <span aria-hidden="true">n/a</span>
      <span className={`block text-xs ${muted}`}>{reasonText(figure?.reason)}</span>
    </span>
  );
}

/** Every return figure for each period the API reports, side by side, with the benchmark's return. */
export function PerformanceTable({ rows, benchmark }: { rows: readonly PerformanceRowData[]; benchmark: string | null }) {
  const { locale } = useApp();
  const ids = useId();
  const estimated = rows.some((r) => r.estimatedPrices.length > 0);
  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        Performance
      </h2>
      <p className={`mt-1 text-sm ${muted}`}>
        Returns in the base currency for periods ending today
        {benchmark ? `, against ${benchmark}` : "; choose a benchmark to compare with"}.
      </p>
      {rows.length === 0 ? (
        <p className={`mt-4 text-sm ${muted}`}>No activity yet.</p>
      ) : (
        <div className="relative mt-4 overflow-x-auto" role="region" aria-labelledby={`${ids}-heading`} tabIndex={0}>
          <table className="w-full min-w-[56rem] text-left text-sm">
            <thead className={tableHead}>
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">Period</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">
                  Gain
                  <Definition term="the gain">{ABSOLUTE_GAIN_DEFINITION}</Definition>
                </th>
                {FIGURES.map((f) => (
                  <th key={f.key} scope="col" className="py-2 pr-3 text-right font-medium">
                    {f.label}
                    <Definition term={f.label}>{f.definition}</Definition>
                  </th>
                ))}
                <th scope="col" className="py-2 text-right font-medium">
                  Benchmark
                  <Definition term="the benchmark">
                    The benchmark instrument’s price return over the same period, in its own currency.
                  </Definition>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((row) => (
                <tr key={`${row.period}-${row.start}`} data-period={row.period}>
                  <th scope="row" className="py-2 pr-3 font-medium">
                    <span className="block">{periodLabel(row.period)}</span>
                    <span className={`block text-xs font-normal ${muted}`}>
                      from {formatDate(row.start, locale)}
                      {row.timeWeightedMethod === "MODIFIED_DIETZ" ? " · TWR by Modified Dietz" : ""}
                    </span>
                  </th>
                  <td className="whitespace-nowrap py-2 pr-3 text-right tabular-nums">
                    <span className={isNegative(row.absoluteGain) ? "text-red-700 dark:text-red-300" : undefined}>
                      {formatMoney(row.absoluteGain, locale)}
                    </span>
                  </td>
                  {FIGURES.map((f) => (
                    <td key={f.key} className="whitespace-nowrap py-2 pr-3 text-right tabular-nums" data-figure={f.key}>
                      <FigureCell figure={row[f.key]} />
                    </td>
                  ))}
                  <td className="whitespace-nowrap py-2 text-right tabular-nums">
                    {row.benchmark ? <FigureCell figure={row.benchmark} /> : <span className={muted}>None</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {estimated && (
        <p className={`text-xs ${muted}`}>Some days were valued at the last trade price, for want of a market price.</p>
      )}
    </section>
  );
}
