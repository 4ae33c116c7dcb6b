"use client";

import Link from "next/link";
import { useCallback, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import {
  card,
  errorText,
  field,
  focusRing,
  label,
  linkButton,
  muted,
  primaryButton,
  secondaryButton,
  tableHead,
} from "@/components/ui";
import { graphql } from "@/gql";
import type { TransactionFilter } from "@/gql/graphql";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatAccountType, formatDate, formatMoney, isNegative } from "@/lib/format";
import { useRefetchOnResume } from "@/lib/refetch-context";

/** Transactions per page of an account's list. */
export const TRANSACTIONS_PAGE_SIZE = 25;

const AccountQuery = graphql(`
  query Account($id: ID!) {
    account(id: $id) {
      id
      householdId
      name
      type
      currency
      balance {
        amount
        currency
      }
    }
  }
`);

const AccountTransactionsQuery = graphql(`
  query AccountTransactions($householdId: ID!, $filter: TransactionFilter, $first: Int, $after: String) {
    transactions(householdId: $householdId, filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          date
          payee
          memo
          status
          amount {
            amount
            currency
          }
          category {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CategoriesQuery = graphql(`
  query Categories($householdId: ID) {
    categoryGroups(householdId: $householdId, first: 100) {
      nodes {
        id
        name
        categories(includeHidden: false) {
          id
          name
        }
      }
    }
  }
`);

const TransactionCategoriseMutation = graphql(`
  mutation TransactionCategorise($input: TransactionUpdateInput!) {
    transactionUpdate(input: $input) {
      transaction {
        id
        category {
          id
          name
        }
      }
      errors {
        __typename
        message
      }
    }
  }
`);

type CategoryGroups = { id: string; name: string; categories: { id: string; name: string }[] }[];

/** One account: its balance and its transactions, searchable by text and date range, one page at a time. */
export function AccountScreen({ accountId }: { accountId: string }) {
  const { locale } = useApp();
  const [{ data, fetching, error }] = useQuery({ query: AccountQuery, variables: { id: accountId } });
  const account = data?.account;

  if (!account) {
    return (
      <div aria-busy={fetching} className="space-y-4">
        <Link href="/accounts" className={linkButton}>
          ← Accounts
        </Link>
        <p className={error ? errorText : muted} role={error ? "alert" : undefined}>
          {error ? describeError(error) : fetching ? "Loading the account…" : "There is no such account."}
        </p>
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href="/accounts" className={`text-sm ${linkButton}`}>
            ← Accounts
          </Link>
          <h1 className="mt-2 text-2xl font-semibold tracking-tight">{account.name}</h1>
          <p className={`mt-1 text-sm ${muted}`}>
            {formatAccountType(account.type)} · {account.currency}
          </p>
        </div>
        <div className="text-right">
          <p className={`text-xs uppercase tracking-wide ${muted}`}>Balance</p>
          <p
            className={`font-mono text-2xl tabular-nums ${isNegative(account.balance) ? "text-red-700 dark:text-red-300" : ""}`}
          >
            {formatMoney(account.balance, locale)}
          </p>
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        <Link href={`/import?account=${encodeURIComponent(account.id)}`} className={secondaryButton}>
          Import a statement into this account
        </Link>
      </div>
      <Transactions accountId={account.id} householdId={account.householdId} />
    </div>
  );
}

function Transactions({ accountId, householdId }: { accountId: string; householdId: string }) {
  const ids = useId();
  const [filter, setFilter] = useState<TransactionFilter>({ accountIds: [accountId] });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [{ data: categoryData }] = useQuery({ query: CategoriesQuery, variables: { householdId } });
  const groups: CategoryGroups = categoryData?.categoryGroups.nodes ?? [];

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = String(form.get("text") ?? "").trim();
    const from = String(form.get("from") ?? "");
    const to = String(form.get("to") ?? "");
    setFilter({ accountIds: [accountId], text: text || null, from: from || null, to: to || null });
    setCursors([null]);
  }

  const filterKey = JSON.stringify(filter);
  return (
    <section aria-labelledby={`${ids}-heading`} className="space-y-4">
      <h2 id={`${ids}-heading`} className="text-lg font-semibold tracking-tight">
        Transactions
      </h2>
      <form
        role="search"
        aria-label="Search transactions"
        onSubmit={search}
        className={`${card} grid gap-3 p-4 sm:grid-cols-[1fr_10rem_10rem_auto] sm:items-end`}
      >
        <div>
          <label htmlFor={`${ids}-text`} className={label}>
            Search
          </label>
          <input id={`${ids}-text`} name="text" type="search" placeholder="Payee, memo, notes, tags" className={`${field} mt-1`} />
        </div>
        <div>
          <label htmlFor={`${ids}-from`} className={label}>
            From
          </label>
          <input id={`${ids}-from`} name="from" type="date" className={`${field} mt-1`} />
        </div>
        <div>
          <label htmlFor={`${ids}-to`} className={label}>
            To
          </label>
          <input id={`${ids}-to`} name="to" type="date" className={`${field} mt-1`} />
        </div>
        <button type="submit" className={primaryButton}>
          Search
        </button>
      </form>
      <div className={`${card} overflow-x-auto`}>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Transactions of the account, newest first</caption>
          <thead className={tableHead}>
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">
                Date
              </th>
              <th scope="col" className="px-4 py-3 font-medium">
                Payee
              </th>
              <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">
                Category
              </th>
              <th scope="col" className="px-4 py-3 text-right font-medium">
                Amount
              </th>
            </tr>
          </thead>
          {cursors.map((after, i) => (
            <TransactionsPage
              key={`${filterKey}:${after ?? "first"}`}
              householdId={householdId}
              filter={filter}
              after={after}
              isFirst={i === 0}
              isLast={i === cursors.length - 1}
              groups={groups}
              onLoadMore={(cursor) => setCursors((all) => [...all, cursor])}
            />
          ))}
        </table>
      </div>
    </section>
  );
}

function TransactionsPage({
  householdId,
  filter,
  after,
  isFirst,
  isLast,
  groups,
  onLoadMore,
}: {
  householdId: string;
  filter: TransactionFilter;
  after: string | null;
  isFirst: boolean;
  isLast: boolean;
  groups: CategoryGroups;
  onLoadMore: (cursor: string) => void;
}) {
  const { locale } = useApp();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AccountTransactionsQuery,
    variables: { householdId, filter, first: TRANSACTIONS_PAGE_SIZE, after },
    // Imports and other devices add transactions: show what is cached, then what the server has now.
    requestPolicy: "cache-and-network",
  });
  useRefetchOnResume(useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]));
  const connection = data?.transactions;

  if (!connection) {
    return (
      <tbody>
        <tr>
          <td colSpan={4} className={`px-4 py-6 text-center ${muted}`} aria-busy={fetching}>
            {error ? (
              <span role="alert" className={errorText}>
                {describeError(error)}
              </span>
            ) : (
              "Loading transactions…"
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
          <td colSpan={4} className={`px-4 py-6 text-center ${muted}`}>
            No transactions found.
          </td>
        </tr>
      )}
      {edges.map(({ node }) => {
        const picker = (
          <CategoryPicker
            transactionId={node.id}
            payee={node.payee ?? formatDate(node.date, locale)}
            category={node.category ?? null}
            groups={groups}
          />
        );
        return (
          <tr key={node.id}>
            <td className="px-4 py-3 text-slate-600 sm:whitespace-nowrap dark:text-slate-300">
              <time dateTime={node.date}>{formatDate(node.date, locale)}</time>
            </td>
            <th scope="row" className="px-4 py-3 font-medium">
              {node.payee ?? <span className={muted}>—</span>}
              {node.memo && <span className={`block text-xs font-normal ${muted}`}>{node.memo}</span>}
              {/* Phones: the category under the payee, so the amount stays in view. */}
              <div className="mt-1 font-normal sm:hidden">{picker}</div>
            </th>
            <td className="hidden px-4 py-2 sm:table-cell">{picker}</td>
            <td
              className={`whitespace-nowrap px-4 py-3 text-right font-mono tabular-nums ${
                isNegative(node.amount) ? "text-red-700 dark:text-red-300" : ""
              }`}
            >
              {formatMoney(node.amount, locale)}
            </td>
          </tr>
        );
      })}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor && (
        <tr>
          <td colSpan={4} className="px-4 py-3 text-center">
            <button type="button" onClick={() => onLoadMore(pageInfo.endCursor!)} className={linkButton}>
              Load more transactions
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** Sorts a transaction into a category in place; the answer updates the cached transaction everywhere. */
function CategoryPicker({
  transactionId,
  payee,
  category,
  groups,
}: {
  transactionId: string;
  payee: string;
  category: { id: string; name: string } | null;
  groups: CategoryGroups;
}) {
  const [{ fetching }, categorise] = useMutation(TransactionCategoriseMutation);
  const [problem, setProblem] = useState<string | null>(null);

  async function choose(categoryId: string) {
    if (!categoryId) return;
    setProblem(null);
    const result = await categorise({ input: { id: transactionId, categoryId } });
    const errors = result.data?.transactionUpdate.errors ?? [];
    if (result.error) setProblem(describeError(result.error));
    else if (errors.length) setProblem(errors.map((e) => e.message).join(" "));
  }

  if (groups.length === 0) return <span className={muted}>{category?.name ?? "—"}</span>;
  return (
    <div>
      <select
        aria-label={`Category of ${payee}`}
        value={category?.id ?? ""}
        disabled={fetching}
        onChange={(event) => void choose(event.target.value)}
        className={`w-full min-w-32 rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-950 ${focusRing}`}
      >
        <option value="" disabled>
          Uncategorised
        </option>
        {groups.map((group) => (
          <optgroup key={group.id} label={group.name}>
            {group.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </optgroup>
        ))}
        {category && !groups.some((g) => g.categories.some((c) => c.id === category.id)) && (
          <option value={category.id}>{category.name}</option>
        )}
      </select>
      {problem && (
        <p role="alert" className={`mt-1 ${errorText}`}>
          {problem}
        </p>
      )}
    </div>
  );
}
