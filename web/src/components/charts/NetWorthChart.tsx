"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { ChartFrame, ChartTooltip, SERIES } from "@/components/charts/ChartFrame";
import { chartValue } from "@/lib/decimal";
import { formatDate, formatMoney, type Money } from "@/lib/format";

export type NetWorthPoint = { date: string; netWorth: Money };

/** Net worth at the end of each month, as an area; the figures in words and in a hidden table. */
export function NetWorthChart({ points, locale, loading = false }: { loading?: boolean; points: NetWorthPoint[]; locale: string }) {
  const last = points.at(-1);
  const first = points[0];
  const summary =
    last && first
      ? `Net worth ${formatMoney(last.netWorth, locale)} on ${formatDate(last.date, locale)}, from ${formatMoney(first.netWorth, locale)} on ${formatDate(first.date, locale)}.`
      : "No net worth figures yet.";
  const data = points.map((p) => ({ date: p.date, value: chartValue(p.netWorth.amount), text: formatMoney(p.netWorth, locale) }));
  return (
    <ChartFrame
      title="Net worth"
      summary={loading ? "Loading…" : summary}
      empty={loading ? "Loading…" : undefined}
      columns={["Date", "Net worth"]}
      rows={points.map((p) => ({ key: p.date, label: formatDate(p.date, locale), values: [formatMoney(p.netWorth, locale)] }))}
      testId="net-worth-chart"
    >
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 224 }}>
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <defs>
            <linearGradient id="net-worth-fill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={SERIES.positive} stopOpacity={0.35} />
              <stop offset="100%" stopColor={SERIES.positive} stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis
            dataKey="date"
            tick={{ fill: "currentColor", fontSize: 12 }}
            tickFormatter={(date: string) => formatDate(date, locale).replace(/\s*\d{1,2},/, "")}
            stroke="currentColor"
            strokeOpacity={0.3}
            minTickGap={16}
          />
          <YAxis tick={{ fill: "currentColor", fontSize: 12 }} stroke="currentColor" strokeOpacity={0.3} width={64} />
          <Tooltip
            content={({ active, payload }) => {
              const point = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
              return point ? (
                <ChartTooltip
                  title={formatDate(point.date, locale)}
                  lines={[{ name: "Net worth", value: point.text, color: SERIES.positive }]}
                />
              ) : null;
            }}
          />
          <Area
            type="monotone"
            dataKey="value"
            stroke={SERIES.positive}
            strokeWidth={2}
            fill="url(#net-worth-fill)"
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
