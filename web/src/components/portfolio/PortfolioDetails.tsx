"use client";

import { useId } from "react";

import type { PortfolioData } from "@/components/portfolio/types";
import { symbolsById } from "@/components/portfolio/types";
import { card, linkButton, muted, tableHead } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { formatDate, formatDecimal, formatMoney, isNegative } from "@/lib/format";
import { formatPercent, trimDecimal } from "@/lib/portfolio";

/** Trades toward the instrument targets, or why there are none. */
export function RebalancingPanel({ portfolio }: { portfolio: PortfolioData }) {
  const { locale } = useApp();
  const ids = useId();
  const plan = portfolio.rebalancing;
  const symbols = symbolsById(portfolio.holdings);
  return (
    <section aria-labelledby={`${ids}-heading`} className="mt-6">
      <h3 id={`${ids}-heading`} className="text-base font-semibold">
        Rebalancing
      </h3>
      {!plan.targetsSet ? (
        <p className={`mt-1 text-sm ${muted}`}>
          No target weights per instrument are set, so there is nothing to rebalance toward.
        </p>
      ) : plan.trades.length === 0 ? (
        <p className={`mt-1 text-sm ${muted}`}>The portfolio is on target: no trades needed.</p>
      ) : (
        <>
          <div className="relative mt-2 overflow-x-auto" role="region" aria-labelledby={`${ids}-heading`} tabIndex={0}>
            <table className="w-full min-w-[32rem] text-left text-sm">
              <thead className={tableHead}>
                <tr>
                  <th scope="col" className="py-2 pr-3 font-medium">Instrument</th>
                  <th scope="col" className="py-2 pr-3 font-medium">Trade</th>
                  <th scope="col" className="py-2 pr-3 text-right font-medium">Amount</th>
                  <th scope="col" className="py-2 text-right font-medium">Weight → target</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                {plan.trades.map((t) => {
                  const sell = isNegative({ amount: t.quantity });
                  return (
                    <tr key={t.instrumentId}>
                      <th scope="row" className="py-2 pr-3 font-medium">{symbols.get(t.instrumentId) ?? t.instrumentId}</th>
                      <td className="py-2 pr-3">
                        {sell ? "Sell" : "Buy"} {formatDecimal(trimDecimal(t.quantity.replace(/^-/, ""), 0), locale)}
                      </td>
                      <td className="py-2 pr-3 text-right tabular-nums">{formatMoney(t.amount, locale)}</td>
                      <td className="py-2 text-right tabular-nums">
                        {formatPercent(t.weightBefore, locale)} → {formatPercent(t.weightAfter, locale)} (target{" "}
                        {formatPercent(t.target, locale)})
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className={`mt-2 text-sm ${muted}`}>
            Cash available {formatMoney(plan.cashBefore, locale)}; left after the trades {formatMoney(plan.cashLeft, locale)}.
          </p>
        </>
      )}
      {plan.unpriced.length > 0 && (
        <p className={`mt-1 text-sm ${muted}`}>
          Left out for want of a price: {plan.unpriced.map((id) => symbols.get(id) ?? id).join(", ")}.
        </p>
      )}
    </section>
  );
}

/** Dividends received: the trailing year, yield on cost, the projection and every payment. */
export function DividendsPanel({ portfolio }: { portfolio: PortfolioData }) {
  const { locale } = useApp();
  const ids = useId();
  const { dividends } = portfolio;
  const symbols = symbolsById(portfolio.holdings);
  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        Dividends
      </h2>
      <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className={muted}>Last 12 months</dt>
          <dd className="text-base font-semibold tabular-nums">{formatMoney(dividends.trailingTwelveMonths, locale)}</dd>
        </div>
        <div>
          <dt className={muted}>Yield on cost</dt>
          <dd className="text-base font-semibold tabular-nums">{formatPercent(dividends.yieldOnCost, locale) ?? "—"}</dd>
        </div>
        <div>
          <dt className={muted}>Next 12 months, if payments repeat</dt>
          <dd className="text-base font-semibold tabular-nums">{formatMoney(dividends.projectedAnnualIncome, locale)}</dd>
        </div>
      </dl>
      {dividends.payments.length === 0 ? (
        <p className={`mt-4 text-sm ${muted}`}>No dividends received yet.</p>
      ) : (
        <div className="relative mt-4 overflow-x-auto" role="region" aria-label="Dividend payments" tabIndex={0}>
          <table className="w-full min-w-[32rem] text-left text-sm">
            <caption className="sr-only">Dividend payments, newest first</caption>
            <thead className={tableHead}>
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">Date</th>
                <th scope="col" className="py-2 pr-3 font-medium">Instrument</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Gross</th>
                <th scope="col" className="py-2 pr-3 text-right font-medium">Tax</th>
                <th scope="col" className="py-2 text-right font-medium">Net ({portfolio.baseCurrency})</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {dividends.payments.map((p, index) => (
                <tr key={`${p.date}-${p.instrumentId}-${index}`}>
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDate(p.date, locale)}</td>
                  <td className="py-2 pr-3">
                    {symbols.get(p.instrumentId) ?? p.instrumentId}
                    {p.reinvested ? <span className={`ml-1 text-xs ${muted}`}>(reinvested)</span> : null}
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{formatMoney(p.gross, locale)}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{formatMoney(p.tax, locale)}</td>
                  <td className="py-2 text-right tabular-nums">{formatMoney(p.netBase, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** News about what the portfolio holds (listed instruments only). */
export function NewsPanel({ portfolio }: { portfolio: PortfolioData }) {
  const { locale } = useApp();
  const ids = useId();
  const items = portfolio.news.nodes;
  return (
    <section aria-labelledby={`${ids}-heading`} className={`${card} p-5`}>
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        News
      </h2>
      {items.length === 0 ? (
        <p className={`mt-2 text-sm ${muted}`}>No news about these holdings (news covers listed instruments only).</p>
      ) : (
        <ul className="mt-3 space-y-4">
          {items.map((item) => (
            <li key={item.id}>
              <p className="text-sm font-medium">
                {item.url ? (
                  <a href={item.url} target="_blank" rel="noopener noreferrer" className={linkButton}>
                    {item.title}
                  </a>
                ) : (
                  item.title
                )}
              </p>
              <p className={`text-xs ${muted}`}>
                {item.source}
                {item.publishedAt ? ` · ${formatDate(item.publishedAt.slice(0, 10), locale)}` : ""}
              </p>
              {item.summary && <p className="mt-1 line-clamp-3 text-sm">{item.summary}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
