"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import { useRefreshUnreadCount } from "@/components/alerts/InboxBell";
import { card, errorText, muted, secondaryButton } from "@/components/ui";
import { eventTypeLabel, formatDateTime } from "@/lib/alerts";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import {
  INBOX_PAGE_SIZE,
  InboxMarkReadMutation,
  InboxMarkUnreadMutation,
  InboxQuery,
  NotificationReceivedSubscription,
} from "@/lib/notification-operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

/** The inbox: the viewer's notifications of every household, newest first, read or not, live. */
export function Inbox() {
  const { viewer, locale } = useApp();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [first, setFirst] = useState(INBOX_PAGE_SIZE);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: InboxQuery,
    variables: { householdId: null, unreadOnly, first },
    requestPolicy: "cache-and-network",
  });
  const refreshCount = useRefreshUnreadCount();
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const [{ data: received }] = useSubscription({ query: NotificationReceivedSubscription, variables: {} });
  useEffect(() => {
    if (received) reload();
  }, [received, reload]);
  useRefetchOnResume(reload);

  const [markReadState, markRead] = useMutation(InboxMarkReadMutation);
  const [marking, markUnread] = useMutation(InboxMarkUnreadMutation);
  const [problem, setProblem] = useState<string | null>(null);

  const after = async (result: { error?: Parameters<typeof describeError>[0]; errors?: { message: string }[] }) => {
    if (result.error) setProblem(describeError(result.error));
    else if (result.errors?.length) setProblem(result.errors.map((e) => e.message).join(" "));
    else setProblem(null);
    refreshCount();
    reload();
  };
  const read = async (ids: string[], all = false) => {
    const result = await markRead({ input: { ids, all } });
    await after({ error: result.error, errors: result.data?.inboxMarkRead.errors });
  };
  const unread = async (ids: string[]) => {
    const result = await markUnread({ input: { ids } });
    await after({ error: result.error, errors: result.data?.inboxMarkUnread.errors });
  };
  const busy = markReadState.fetching || marking.fetching;
  const householdName = (id: string) => viewer.households.find((h) => h.id === id)?.name;
  const notifications = data?.inbox.nodes ?? [];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Inbox</h1>
          <p className={`mt-1 text-sm ${muted}`} aria-live="polite">
            {data ? `${data.inbox.unreadCount} unread` : " "}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={secondaryButton}
            aria-pressed={unreadOnly}
            onClick={() => setUnreadOnly((only) => !only)}
          >
            {unreadOnly ? "Show all" : "Show unread only"}
          </button>
          <button
            type="button"
            className={secondaryButton}
            disabled={busy || !data?.inbox.unreadCount}
            onClick={() => void read([], true)}
          >
            Mark all read
          </button>
          <Link href="/alerts" className={secondaryButton}>
            Alerts and channels
          </Link>
        </div>
      </div>
      {problem && (
        <p role="alert" className={errorText}>
          {problem}
        </p>
      )}
      {error && !data && (
        <p role="alert" className={errorText}>
          {describeError(error)}
        </p>
      )}
      <section aria-label="Notifications" className={card}>
        {notifications.length === 0 ? (
          <p className={`p-6 text-sm ${muted}`}>
            {fetching ? "Loading…" : unreadOnly ? "Nothing unread." : "No notifications yet."}
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {notifications.map((n) => {
              const isUnread = !n.readAt;
              return (
                <li key={n.id} className="flex flex-col gap-2 p-4 sm:flex-row sm:items-start sm:justify-between">
                  <div className="min-w-0">
                    <p className="flex items-center gap-2">
                      {isUnread && (
                        <span aria-hidden="true" className="h-2 w-2 shrink-0 rounded-full bg-emerald-600" />
                      )}
                      <span className={isUnread ? "font-semibold" : "font-normal"}>{n.title}</span>
                      <span className="sr-only">{isUnread ? "(unread)" : "(read)"}</span>
                    </p>
                    {n.body && n.body !== n.title && (
                      <p className={`mt-1 whitespace-pre-line text-sm ${muted}`}>{n.body}</p>
                    )}
                    <p className={`mt-1 text-xs ${muted}`}>
                      {eventTypeLabel(n.eventType)}
                      {householdName(n.householdId) ? ` · ${householdName(n.householdId)}` : ""} ·{" "}
                      <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, locale)}</time>
                    </p>
                  </div>
                  <button
                    type="button"
                    className={`${secondaryButton} shrink-0 self-start`}
                    disabled={busy}
                    onClick={() => void (isUnread ? read([n.id]) : unread([n.id]))}
                  >
                    {isUnread ? "Mark read" : "Mark unread"}
                    <span className="sr-only">: {n.title}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {data?.inbox.pageInfo.hasNextPage && first < 100 && (
        <button type="button" className={secondaryButton} onClick={() => setFirst(100)}>
          Show more
        </button>
      )}
    </div>
  );
}
