"use client";

import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useQuery, useSubscription } from "urql";

import { ActivityForm } from "@/components/portfolio/ActivityForm";
import { AllocationChart, NoValueHistory, ReturnsChart } from "@/components/portfolio/Charts";
import { HoldingsTable } from "@/components/portfolio/HoldingsTable";
import { PerformanceTable } from "@/components/portfolio/PerformanceTable";
import { PortfolioCreateForm } from "@/components/portfolio/PortfolioCreateForm";
import { DividendsPanel, NewsPanel, RebalancingPanel } from "@/components/portfolio/PortfolioDetails";
import { card, errorText, field, label, muted } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatDate, formatMoney } from "@/lib/format";
import { PortfolioDetailQuery, PortfoliosQuery, PricesUpdatedSubscription } from "@/lib/portfolio-operations";
import { trimDecimal } from "@/lib/portfolio";
import { useRefetchOnResume } from "@/lib/refetch-context";

/** Price events often come in bursts (the hourly update prices every instrument): one reload per burst. */
const RELOAD_AFTER_PRICE_MS = 250;

/** The household's portfolios: pick one (or create the first) and see its figures. */
export function PortfolioScreen() {
  const { householdId } = useApp();
  const ids = useId();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: PortfoliosQuery });
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const mine = (data?.portfolios.nodes ?? []).filter((p) => p.householdId === householdId);
  const selected = mine.find((p) => p.id === chosen) ?? mine[0] ?? null;
  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnResume(reload);

  const created = (id: string) => {
    setChosen(id);
    setCreating(false);
    reload();
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Portfolio</h1>
          {selected && (
            <p className={`mt-1 text-sm ${muted}`}>
              Base currency {selected.baseCurrency} · {selected.costMethod === "FIFO" ? "first in, first out" : "average cost"}
            </p>
          )}
        </div>
        {mine.length > 0 && (
          <div className="flex flex-wrap items-end gap-3">
            {mine.length > 1 && (
              <div>
                <label htmlFor={`${ids}-choose`} className={label}>
                  Portfolio
                </label>
                <select
                  id={`${ids}-choose`}
                  value={selected?.id ?? ""}
                  onChange={(event) => setChosen(event.target.value)}
                  className={`${field} mt-1`}
                >
                  {mine.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            <button
              type="button"
              aria-expanded={creating}
              onClick={() => setCreating((open) => !open)}
              className="inline-flex items-center justify-center rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
            >
              New portfolio
            </button>
          </div>
        )}
      </div>
      {error && (
        <p role="alert" className={errorText}>
          {describeError(error)}
        </p>
      )}
      {(creating || (data && mine.length === 0)) && <PortfolioCreateForm onCreated={created} />}
      {!data && fetching && <p className={muted}>Loading portfolios…</p>}
      {selected && <PortfolioView key={selected.id} portfolioId={selected.id} />}
    </div>
  );
}

/** One portfolio's figures, reloaded whenever a price of something it holds changes. */
function PortfolioView({ portfolioId }: { portfolioId: string }) {
  const { locale } = useApp();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: PortfolioDetailQuery,
    variables: { id: portfolioId },
  });
  const reload = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  useRefetchOnResume(reload);

  // Prices live: holdings are not entities of their own (no id), so a new price reloads the portfolio's figures.
  const [{ data: price }] = useSubscription({ query: PricesUpdatedSubscription });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!price) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(reload, RELOAD_AFTER_PRICE_MS);
  }, [price, reload]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const portfolio = data?.portfolio;
  if (!portfolio) {
    return (
      <div aria-busy={fetching}>
        {error ? (
          <p role="alert" className={errorText}>
            {describeError(error)}
          </p>
        ) : (
          <p className={muted}>{fetching ? "Loading the portfolio…" : "This portfolio is not available."}</p>
        )}
      </div>
    );
  }
  const { valuation } = portfolio;
  const lastPrice = price?.pricesUpdated;
  const symbol = portfolio.holdings.find((h) => h.instrumentId === lastPrice?.instrumentId)?.instrument?.symbol;
  const benchmark = portfolio.benchmark ? portfolio.benchmark.symbol : null;

  return (
    <div className="space-y-6" aria-busy={fetching}>
      <section aria-label="Value" className={`${card} flex flex-wrap items-end justify-between gap-4 p-5`}>
        <div>
          <h2 className={`text-sm ${muted}`}>{portfolio.name}</h2>
          <p className="text-3xl font-semibold tracking-tight tabular-nums" data-testid="portfolio-total">
            {formatMoney(valuation.total, locale)}
          </p>
          <p className={`text-sm ${muted}`}>
            Securities {formatMoney(valuation.securities, locale)} · cash {formatMoney(valuation.cashTotal, locale)} · on{" "}
            {formatDate(valuation.date, locale)}
          </p>
          {!valuation.complete && (
            <p className={`text-sm ${muted}`}>Incomplete: some holdings have no price or currency rate.</p>
          )}
        </div>
        <p role="status" aria-live="polite" className={`text-xs ${muted}`}>
          <span aria-hidden="true" className="mr-1 inline-block h-2 w-2 rounded-full bg-emerald-500" />
          Prices live
          {lastPrice
            ? ` · ${symbol ?? "an instrument"} ${formatMoney({ ...lastPrice.price, amount: trimDecimal(lastPrice.price.amount) }, locale)} on ${formatDate(lastPrice.date, locale)}`
            : ""}
        </p>
      </section>
      <HoldingsTable holdings={portfolio.holdings} baseCurrency={portfolio.baseCurrency} />
      <PerformanceTable rows={portfolio.performance} benchmark={benchmark} />
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby={`${portfolioId}-returns`} className={`${card} p-5`}>
          <h2 id={`${portfolioId}-returns`} className="text-lg font-semibold tracking-tight">
            Returns
          </h2>
          {portfolio.performance.length > 0 ? (
            <ReturnsChart rows={portfolio.performance} benchmark={benchmark} />
          ) : (
            <p className={`mt-2 text-sm ${muted}`}>No activity yet.</p>
          )}
          <NoValueHistory />
        </section>
        <section aria-labelledby={`${portfolioId}-allocation`} className={`${card} p-5`}>
          <h2 id={`${portfolioId}-allocation`} className="text-lg font-semibold tracking-tight">
            Allocation
          </h2>
          {portfolio.allocation.length > 0 ? (
            <AllocationChart slices={portfolio.allocation} />
          ) : (
            <p className={`mt-2 text-sm ${muted}`}>Nothing held yet.</p>
          )}
          <RebalancingPanel portfolio={portfolio} />
        </section>
      </div>
      <DividendsPanel portfolio={portfolio} />
      <ActivityForm portfolio={portfolio} onRecorded={reload} />
      <NewsPanel portfolio={portfolio} />
    </div>
  );
}
