"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { ChartFrame, ChartTooltip, SERIES } from "@/components/charts/ChartFrame";
import { formatMonth } from "@/lib/budget";
import { chartValue } from "@/lib/decimal";
import { formatMoney, type Money } from "@/lib/format";

/** One month of cash flow: `month` is its first day ("2026-11-01"); spending is a positive figure. */
export type CashFlowMonth = { month: string; income: Money; expense: Money };

/** Income and spending side by side per month; the figures in words and in a hidden table. */
export function CashFlowChart({ months, locale, loading = false }: { loading?: boolean; months: CashFlowMonth[]; locale: string }) {
  const last = months.at(-1);
  const label = (m: CashFlowMonth, style: "long" | "short" = "long") => formatMonth(m.month.slice(0, 7), locale, style);
  const summary = last
    ? `${label(last)}: income ${formatMoney(last.income, locale)}, spending ${formatMoney(last.expense, locale)}.`
    : "No cash flow yet.";
  const data = months.map((m) => ({
    month: m.month,
    income: chartValue(m.income.amount),
    expense: chartValue(m.expense.amount),
    source: m,
  }));
  return (
    <ChartFrame
      title="Cash flow by month"
      summary={loading ? "Loading…" : summary}
      empty={loading ? "Loading…" : undefined}
      columns={["Month", "Income", "Spending"]}
      rows={months.map((m) => ({
        key: m.month,
        label: label(m),
        values: [formatMoney(m.income, locale), formatMoney(m.expense, locale)],
      }))}
      testId="cash-flow-chart"
    >
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 224 }}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barGap={2}>
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis
            dataKey="month"
            tick={{ fill: "currentColor", fontSize: 12 }}
            tickFormatter={(month: string) => formatMonth(month.slice(0, 7), locale, "short").split(" ")[0] ?? month}
            stroke="currentColor"
            strokeOpacity={0.3}
            minTickGap={8}
          />
          <YAxis tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} width={64} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Tooltip
            cursor={{ fill: "currentColor", fillOpacity: 0.08 }}
            content={({ active, payload }) => {
              const row = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
              return row ? (
                <ChartTooltip
                  title={label(row.source)}
                  lines={[
                    { name: "Income", value: formatMoney(row.source.income, locale), color: SERIES.positive },
                    { name: "Spending", value: formatMoney(row.source.expense, locale), color: SERIES.negative },
                  ]}
                />
              ) : null;
            }}
          />
          <Bar dataKey="income" name="Income" fill={SERIES.positive} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          <Bar dataKey="expense" name="Spending" fill={SERIES.negative} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
