"use client";

import Link from "next/link";
import { Fragment, useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
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
import { SplitEditor } from "@/components/ledger/SplitEditor";
import { TransactionEditor } from "@/components/ledger/TransactionEditor";
import { TransferForm } from "@/components/ledger/TransferForm";
import { graphql } from "@/gql";
import type { TransactionFilter, TransactionRowFieldsFragment } from "@/gql/graphql";
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
          ...TransactionRowFields
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
  const [transferring, setTransferring] = useState(false);
  // Bumped after a transfer: the list is asked again, as a new transaction is in no cached page.
  const [listVersion, setListVersion] = useState(0);

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
        <button
          type="button"
          aria-expanded={transferring}
          onClick={() => setTransferring((open) => !open)}
          className={secondaryButton}
        >
          Transfer to another account
        </button>
      </div>
      {transferring && (
        <TransferForm
          account={account}
          onCancel={() => setTransferring(false)}
          onDone={() => {
            setTransferring(false);
            setListVersion((v) => v + 1);
          }}
        />
      )}
      <Transactions key={listVersion} accountId={account.id} householdId={account.householdId} />
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
      {edges.map(({ node }) => (
        <TransactionRow key={node.id} transaction={node} groups={groups} />
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor && (
        <LoadMore onLoadMore={() => onLoadMore(pageInfo.endCursor!)} />
      )}
    </tbody>
  );
}

/**
 * "Load more transactions": a button for keyboards and screen readers, pressed by itself when it scrolls into view
 * (IntersectionObserver), so the list grows as the end of it is reached.
 */
function LoadMore({ onLoadMore }: { onLoadMore: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  const loaded = useRef(false);
  const load = useCallback(() => {
    if (loaded.current) return;
    loaded.current = true;
    onLoadMore();
  }, [onLoadMore]);
  useEffect(() => {
    const target = button.current;
    if (!target || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) load();
      },
      { rootMargin: "200px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [load]);
  return (
    <tr>
      <td colSpan={4} className="px-4 py-3 text-center">
        <button ref={button} type="button" onClick={load} className={linkButton}>
          Load more transactions
        </button>
      </td>
    </tr>
  );
}

/** One transaction: date, payee and memo, category (or its split parts, or the transfer's other account), amount. */
function TransactionRow({
  transaction: node,
  groups,
}: {
  transaction: TransactionRowFieldsFragment;
  groups: CategoryGroups;
}) {
  const { locale } = useApp();
  const [mode, setMode] = useState<"edit" | "split" | null>(null);
  const name = node.payee ?? formatDate(node.date, locale);
  const counterpart = node.transfer?.counterpartAccount?.name ?? "another account";
  const what = node.transfer ? (
    <span className="text-sm">
      {isNegative(node.amount) ? `Transfer to ${counterpart}` : `Transfer from ${counterpart}`}
    </span>
  ) : node.isSplit ? (
    <ul aria-label={`Split parts of ${name}`} className="space-y-0.5 text-sm">
      {node.splits.map((part) => (
        <li key={part.id} className="flex justify-between gap-2">
          <span>{part.category?.name ?? "Uncategorised"}</span>
          <span className="font-mono tabular-nums">{formatMoney(part.amount, locale)}</span>
        </li>
      ))}
    </ul>
  ) : (
    <CategoryPicker transactionId={node.id} payee={name} category={node.category ?? null} groups={groups} />
  );
  return (
    <Fragment>
      <tr>
        <td className="px-4 py-3 text-slate-600 sm:whitespace-nowrap dark:text-slate-300">
          <time dateTime={node.date}>{formatDate(node.date, locale)}</time>
        </td>
        <th scope="row" className="px-4 py-3 font-medium">
          {node.payee ?? <span className={muted}>—</span>}
          {node.memo && <span className={`block text-xs font-normal ${muted}`}>{node.memo}</span>}
          {/* Phones: the category under the payee, so the amount stays in view. */}
          <div className="mt-1 font-normal sm:hidden">{what}</div>
          <div className="mt-1 flex gap-3 text-xs font-normal">
            <button
              type="button"
              aria-expanded={mode === "edit"}
              aria-label={`Edit ${name}`}
              onClick={() => setMode(mode === "edit" ? null : "edit")}
              className={linkButton}
            >
              Edit
            </button>
            {!node.transfer && (
              <button
                type="button"
                aria-expanded={mode === "split"}
                aria-label={`Split ${name}`}
                onClick={() => setMode(mode === "split" ? null : "split")}
                className={linkButton}
              >
                Split
              </button>
            )}
          </div>
        </th>
        <td className="hidden px-4 py-2 sm:table-cell">{what}</td>
        <td
          className={`whitespace-nowrap px-4 py-3 text-right font-mono tabular-nums ${
            isNegative(node.amount) ? "text-red-700 dark:text-red-300" : ""
          }`}
        >
          {formatMoney(node.amount, locale)}
        </td>
      </tr>
      {mode && (
        <tr className="bg-slate-50 dark:bg-slate-950/40">
          <td colSpan={4} className="px-4 py-4">
            {mode === "edit" ? (
              <TransactionEditor transaction={node} onClose={() => setMode(null)} />
            ) : (
              <SplitEditor transaction={node} groups={groups} locale={locale} onClose={() => setMode(null)} />
            )}
          </td>
        </tr>
      )}
    </Fragment>
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
