"use client";

import { useId, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { AllocationSliceData, PerformanceRowData } from "@/components/portfolio/types";
import { muted } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { formatMoney } from "@/lib/format";
import { assetClassLabel, formatPercent, periodLabel } from "@/lib/portfolio";

/** Mid-tone fills that read on both the light and the dark card. */
const ACTUAL = "#10b981";
const TARGET = "#94a3b8";

/**
 * A chart people can read without seeing it: a titled figure whose drawing carries a one-sentence summary
 * (`role="img"`) and whose figures are also in a table only screen readers get.
 */
function AccessibleChart({
  title,
  summary,
  table,
  children,
}: {
  title: string;
  summary: string;
  table: ReactNode;
  children: ReactNode;
}) {
  const ids = useId();
  return (
    <figure aria-labelledby={`${ids}-title`} className="mt-4">
      <figcaption id={`${ids}-title`} className="text-sm font-medium">
        {title}
      </figcaption>
      <div role="img" aria-label={summary} className="mt-2 h-64 w-full text-slate-600 dark:text-slate-300">
        {children}
      </div>
      <div className="sr-only">{table}</div>
    </figure>
  );
}

const tooltipStyle = { backgroundColor: "Canvas", color: "CanvasText", borderRadius: 8, fontSize: 12 };

/** The allocation by asset class, each slice's weight beside its target (when one is set). */
export function AllocationChart({ slices }: { slices: readonly AllocationSliceData[] }) {
  const { locale } = useApp();
  const percent = (v: number | null | undefined) => formatPercent(v, locale) ?? "no target";
  const data = slices.map((s) => ({ name: assetClassLabel(s.key), weight: s.weight, target: s.target ?? null }));
  const summary = `Allocation by asset class: ${slices
    .map((s) => `${assetClassLabel(s.key)} ${percent(s.weight)}${s.target === null || s.target === undefined ? "" : ` (target ${percent(s.target)})`}`)
    .join(", ")}.`;
  const hasTargets = slices.some((s) => s.target !== null && s.target !== undefined);
  return (
    <AccessibleChart
      title="Allocation by asset class"
      summary={summary}
      table={
        <table>
          <caption>Allocation by asset class</caption>
          <thead>
            <tr>
              <th scope="col">Asset class</th>
              <th scope="col">Value</th>
              <th scope="col">Weight</th>
              <th scope="col">Target</th>
              <th scope="col">Drift</th>
            </tr>
          </thead>
          <tbody>
            {slices.map((s) => (
              <tr key={s.key}>
                <th scope="row">{assetClassLabel(s.key)}</th>
                <td>{formatMoney(s.value, locale)}</td>
                <td>{percent(s.weight)}</td>
                <td>{percent(s.target)}</td>
                <td>{formatPercent(s.drift, locale, { signed: true }) ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} />
          <XAxis dataKey="name" tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" />
          <YAxis
            tickFormatter={(v: number) => formatPercent(v, locale)?.replace(/[.,]00/, "") ?? ""}
            tick={{ fill: "currentColor", fontSize: 12 }}
            stroke="currentColor"
            width={56}
            domain={[0, 1]}
          />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => (typeof v === "number" ? percent(v) : String(v))} />
          <Legend />
          <Bar dataKey="weight" name="Weight" fill={ACTUAL} isAnimationActive={false} />
          {hasTargets && <Bar dataKey="target" name="Target" fill={TARGET} isAnimationActive={false} />}
        </BarChart>
      </ResponsiveContainer>
    </AccessibleChart>
  );
}

/** The time-weighted return of each period beside the benchmark's. */
export function ReturnsChart({ rows, benchmark }: { rows: readonly PerformanceRowData[]; benchmark: string | null }) {
  const { locale } = useApp();
  const percent = (v: number | null | undefined) => formatPercent(v, locale) ?? "n/a";
  const data = rows.map((r) => ({
    name: r.period,
    twr: r.timeWeighted.value ?? null,
    benchmark: r.benchmark?.value ?? null,
  }));
  const summary = `Time-weighted return by period${benchmark ? ` against ${benchmark}` : ""}: ${rows
    .map((r) => `${periodLabel(r.period)} ${percent(r.timeWeighted.value)}${benchmark ? ` (benchmark ${percent(r.benchmark?.value)})` : ""}`)
    .join(", ")}.`;
  return (
    <AccessibleChart
      title={benchmark ? `Time-weighted return against ${benchmark}` : "Time-weighted return by period"}
      summary={summary}
      table={
        <table>
          <caption>Time-weighted return by period</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col">Portfolio</th>
              <th scope="col">Benchmark</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.period}-${r.start}`}>
                <th scope="row">{periodLabel(r.period)}</th>
                <td>{percent(r.timeWeighted.value)}</td>
                <td>{benchmark ? percent(r.benchmark?.value) : "none"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} />
          <XAxis dataKey="name" tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" />
          <YAxis
            tickFormatter={(v: number) => formatPercent(v, locale) ?? ""}
            tick={{ fill: "currentColor", fontSize: 12 }}
            stroke="currentColor"
            width={64}
          />
          <Tooltip contentStyle={tooltipStyle} formatter={(v) => (typeof v === "number" ? percent(v) : String(v))} />
          <Legend />
          <Bar dataKey="twr" name="Portfolio (TWR)" fill={ACTUAL} isAnimationActive={false} />
          {benchmark && <Bar dataKey="benchmark" name={benchmark} fill={TARGET} isAnimationActive={false} />}
        </BarChart>
      </ResponsiveContainer>
    </AccessibleChart>
  );
}

/** Said where a value-over-time chart would be: the API has no series of the portfolio's value. */
export function NoValueHistory() {
  return (
    <p className={`mt-4 text-xs ${muted}`}>
      A chart of the portfolio’s value over time needs a value history, which the API does not offer yet; the returns
      by period are charted instead.
    </p>
  );
}
