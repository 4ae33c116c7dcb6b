"use client";

import { useCallback, useState } from "react";
import { useQuery, useSubscription } from "urql";

import { describeError } from "@/lib/client";
import { formatAccountType, formatMoney, isNegative } from "@/lib/format";
import { ACCOUNTS_PAGE_SIZE, AccountBalanceChangedSubscription, AccountsQuery } from "@/lib/operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

/**
 * The viewer's accounts, one page per cursor; "Load more" appends the next page. Balances change in place as
 * transactions are recorded anywhere (the `accountBalanceChanged` subscription writes into the normalised cache).
 */
export function AccountList() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  // Nothing to render: each event updates its Account in the cache, and the rows showing it re-render.
  useSubscription({ query: AccountBalanceChangedSubscription });
  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="text-lg font-semibold tracking-tight">
        Accounts
      </h2>
      <div className="mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Type
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Portfolio
              </th>
              <th scope="col" className="px-4 py-3 text-right font-medium">
                Balance
              </th>
            </tr>
          </thead>
          {cursors.map((after, i) => (
            <AccountsPage
              key={after ?? "first"}
              after={after}
              isFirst={i === 0}
              isLast={i === cursors.length - 1}
              onLoadMore={(cursor) => setCursors((all) => [...all, cursor])}
            />
          ))}
        </table>
      </div>
    </section>
  );
}

function AccountsPage({
  after,
  isFirst,
  isLast,
  onLoadMore,
}: {
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AccountsQuery,
    variables: { first: ACCOUNTS_PAGE_SIZE, after },
  });
  useRefetchOnResume(useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]));
  const connection = data?.accounts;

  if (!connection) {
    return (
      <tbody>
        <tr>
          <td colSpan={4} className="px-4 py-6 text-center text-slate-500 dark:text-slate-400" aria-busy={fetching}>
            {error ? (
              <span role="alert" className="text-red-700 dark:text-red-300">
                {describeError(error)}
              </span>
            ) : (
              "Loading accounts…"
            )}
          </td>
        </tr>
      </tbody>
    );
  }

  const { edges, pageInfo } = connection;
  return (
    <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
      {isFirst && edges.length === 0 && (
        <tr>
          <td colSpan={4} className="px-4 py-6 text-center text-slate-500 dark:text-slate-400">
            No accounts yet.
          </td>
        </tr>
      )}
      {edges.map(({ node }) => (
        <tr key={node.id}>
          <th scope="row" className="px-4 py-3 font-medium">
            {node.name}
          </th>
          <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{formatAccountType(node.type)}</td>
          <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{node.portfolio?.name ?? "—"}</td>
          <td
            className={`px-4 py-3 text-right font-mono tabular-nums ${
              isNegative(node.balance) ? "text-red-700 dark:text-red-300" : ""
            }`}
          >
            {formatMoney(node.balance)}
          </td>
        </tr>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor && (
        <tr>
          <td colSpan={4} className="px-4 py-3 text-center">
            <button
              type="button"
              onClick={() => onLoadMore(pageInfo.endCursor!)}
              className="font-medium text-emerald-700 hover:underline dark:text-emerald-400"
            >
              Load more accounts
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
