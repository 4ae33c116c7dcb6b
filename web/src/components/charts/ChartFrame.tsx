"use client";

import { useId, useSyncExternalStore, type ReactNode } from "react";

import { card, muted } from "@/components/ui";

/** One row of a chart's accessible table: a label and its exact figures, as the server sent them. */
export type ChartRow = { key: string; label: string; values: string[] };

const noSubscription = () => () => {};

/** False while rendering on the server and hydrating, true afterwards: charts measure the page, so they draw then. */
export function useMounted(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * A chart with what makes it accessible: a title (the figure's name), a one-line summary in words, and the same
 * figures as a visually hidden table for screen readers. The drawing itself is hidden from them (`aria-hidden`):
 * the table says everything it shows, exactly.
 */
export function ChartFrame({
  title,
  summary,
  columns,
  rows,
  empty,
  testId,
  children,
}: {
  title: string;
  summary: string;
  /** Headings of the table: the label column first, then one per value. */
  columns: string[];
  rows: ChartRow[];
  /** Shown instead of the drawing when there is nothing to draw. */
  empty?: string;
  testId?: string;
  children: ReactNode;
}) {
  const ids = useId();
  const mounted = useMounted();
  return (
    <figure
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-summary`}
      data-testid={testId}
      className={`${card} min-w-0 p-4`}
    >
      <h2 id={`${ids}-title`} className="text-base font-semibold tracking-tight">
        {title}
      </h2>
      <p id={`${ids}-summary`} className={`mt-1 text-sm ${muted}`} data-testid={testId && `${testId}-summary`}>
        {summary}
      </p>
      <div aria-hidden="true" className="mt-3 h-56 text-slate-500 dark:text-slate-400">
        {rows.length === 0 ? (
          <p className={`flex h-full items-center justify-center text-sm ${muted}`}>{empty ?? "Nothing to show yet."}</p>
        ) : (
          mounted && children
        )}
      </div>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              {row.values.map((value, i) => (
                <td key={columns[i + 1] ?? i}>{value}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A tooltip in the app's colours, both themes, showing the exact figures it is handed. */
export function ChartTooltip({ title, lines }: { title: string; lines: { name: string; value: string; color: string }[] }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-xs text-slate-900 shadow-md dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
      <p className="font-medium">{title}</p>
      {lines.map((line) => (
        <p key={line.name} className="mt-1 flex items-center gap-2 font-mono tabular-nums">
          <span aria-hidden="true" className="inline-block size-2 rounded-full" style={{ background: line.color }} />
          {line.name}: {line.value}
        </p>
      ))}
    </div>
  );
}

/** Series colours that read on white and on slate-900. */
export const SERIES = { positive: "#10b981", negative: "#f43f5e", neutral: "#0ea5e9" } as const;
