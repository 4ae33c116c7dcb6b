"use client";

import Link from "next/link";
import { useCallback, useEffect } from "react";
import { useClient, useQuery, useSubscription } from "urql";

import { focusRing } from "@/components/ui";
import { InboxUnreadCountQuery, NotificationReceivedSubscription } from "@/lib/notification-operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

/** Asks the server for the unread count again; the bell (reading the cache) re-renders with it. */
export function useRefreshUnreadCount(): () => void {
  const client = useClient();
  return useCallback(() => {
    void client.query(InboxUnreadCountQuery, { householdId: null }, { requestPolicy: "network-only" }).toPromise();
  }, [client]);
}

/**
 * The inbox in the header: a bell with the number of unread notifications (of every household), kept live by
 * `notificationReceived`. The client starts the subscription again after an interruption (src/lib/live.ts) and
 * the count is asked for again then, since notifications of the gap were not heard.
 */
export function InboxBell() {
  const [{ data }] = useQuery({ query: InboxUnreadCountQuery, variables: { householdId: null } });
  const [{ data: received }] = useSubscription({ query: NotificationReceivedSubscription, variables: {} });
  const refresh = useRefreshUnreadCount();
  useEffect(() => {
    if (received) refresh();
  }, [received, refresh]);
  useRefetchOnResume(refresh);

  const unread = data?.inbox.unreadCount ?? 0;
  const label = unread === 0 ? "Inbox, no unread notifications" : `Inbox, ${unread} unread`;
  return (
    <Link
      href="/alerts/inbox"
      aria-label={label}
      title={label}
      className={`relative ml-auto inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-lg text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800 ${focusRing}`}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" strokeLinecap="round" strokeLinejoin="round" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {unread > 0 && (
        <span
          aria-hidden="true"
          data-testid="inbox-unread"
          className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-600 px-1.5 text-center text-xs font-semibold leading-5 text-white"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}
