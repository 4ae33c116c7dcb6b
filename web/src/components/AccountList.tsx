"use client";

import Link from "next/link";
import { useCallback, useState } from "react";
import { useQuery } from "urql";

import { focusRing } from "@/components/ui";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatAccountType, formatMoney, isNegative } from "@/lib/format";
import { ACCOUNTS_PAGE_SIZE, AccountsQuery } from "@/lib/operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

/**
 * The chosen household's accounts, one page per cursor; "Load more" appends the next page. Balances change in place
 * as transactions are recorded anywhere (the app shell's `accountBalanceChanged` subscription writes into the
 * normalised cache). Each name leads to the account's transactions.
 */
export function AccountList() {
  const { householdId } = useApp();
  // Pages of the household shown; another household starts again at its first page.
  const [pages, setPages] = useState<{ householdId: string | null; cursors: (string | null)[] }>({
    householdId,
    cursors: [null],
  });
  const cursors = pages.householdId === householdId ? pages.cursors : [null];
  return (
    <section aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="text-lg font-semibold tracking-tight">
        Accounts
      </h2>
      <div className="relative mt-4 overflow-x-auto rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Type
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
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
              householdId={householdId}
              after={after}
              isFirst={i === 0}
              isLast={i === cursors.length - 1}
              onLoadMore={(cursor) => setPages({ householdId, cursors: [...cursors, cursor] })}
            />
          ))}
        </table>
      </div>
    </section>
  );
}

function AccountsPage({
  householdId,
  after,
  isFirst,
  isLast,
  onLoadMore,
}: {
  householdId: string | null;
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  onLoadMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AccountsQuery,
    variables: { householdId, first: ACCOUNTS_PAGE_SIZE, after },
  });
  useRefetchOnResume(useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]));
  const { locale } = useApp();
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
            <Link
              href={`/accounts/${node.id}`}
              className={`rounded text-emerald-800 hover:underline dark:text-emerald-300 ${focusRing}`}
            >
              {node.name}
            </Link>
          </th>
          <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{formatAccountType(node.type)}</td>
          <td className="hidden px-4 py-3 text-slate-600 sm:table-cell dark:text-slate-300">
            {node.portfolio?.name ?? "—"}
          </td>
          <td
            className={`whitespace-nowrap px-4 py-3 text-right font-mono tabular-nums ${
              isNegative(node.balance) ? "text-red-700 dark:text-red-300" : ""
            }`}
          >
            {formatMoney(node.balance, locale)}
          </td>
        </tr>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor && (
        <tr>
          <td colSpan={4} className="px-4 py-3 text-center">
            <button
              type="button"
              onClick={() => onLoadMore(pageInfo.endCursor!)}
              className={`rounded font-medium text-emerald-700 hover:underline dark:text-emerald-400 ${focusRing}`}
            >
              Load more accounts
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
