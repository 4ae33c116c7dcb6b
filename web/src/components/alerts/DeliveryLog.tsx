"use client";

import { useCallback, useEffect, useState } from "react";
import { useMutation, useQuery, useSubscription } from "urql";

import { errorText, focusRing, muted, secondaryButton, tableHead } from "@/components/ui";
import { formatDateTime, formatLatency, isReplayable } from "@/lib/alerts";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import { formatEnum } from "@/lib/format";
import {
  DeliveriesQuery,
  DeliveryReplayMutation,
  NotificationReceivedSubscription,
} from "@/lib/notification-operations";
import { useRefetchOnResume } from "@/lib/refetch-context";

/** Statuses that change on their own (the worker is on it): the log looks again every few seconds while any shows. */
const MOVING = new Set(["PENDING", "FAILED", "HELD"]);
const POLL_MS = 3000;

/** One channel's delivery log: every notification sent to it, with its status, tries, last error and latency. */
export function DeliveryLog({ channelId, channelName }: { channelId: string; channelName: string }) {
  const { locale } = useApp();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DeliveriesQuery,
    variables: { channelId, first: 20 },
    requestPolicy: "cache-and-network",
  });
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const [{ data: received }] = useSubscription({ query: NotificationReceivedSubscription, variables: {} });
  useEffect(() => {
    if (received) reload();
  }, [received, reload]);
  useRefetchOnResume(reload);

  const deliveries = data?.deliveries.nodes ?? [];
  const moving = deliveries.some((d) => MOVING.has(d.status));
  // A new notification was heard: its delivery may not be written yet, so keep looking for a short while too.
  const [lookAgain, setLookAgain] = useState(0);
  useEffect(() => {
    if (received) setLookAgain(5);
  }, [received]);
  useEffect(() => {
    if (!moving && lookAgain === 0) return;
    const timer = setTimeout(() => {
      setLookAgain((n) => Math.max(0, n - 1));
      reload();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, lookAgain, reload, data]);

  const [replaying, replay] = useMutation(DeliveryReplayMutation);
  const [problem, setProblem] = useState<string | null>(null);
  const replayOne = async (id: string) => {
    const result = await replay({ input: { id } });
    const errors = result.data?.deliveryReplay.errors ?? [];
    setProblem(result.error ? describeError(result.error) : errors.map((e) => e.message).join(" ") || null);
    reload();
  };

  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">Delivery log</h4>
        <button type="button" className={secondaryButton} onClick={reload} disabled={fetching}>
          Refresh<span className="sr-only"> the delivery log of {channelName}</span>
        </button>
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
      {deliveries.length === 0 ? (
        <p className={`text-sm ${muted}`}>{fetching && !data ? "Loading…" : "Nothing sent to this channel yet."}</p>
      ) : (
        // Seven columns do not fit a phone: the table scrolls in its own (focusable, named) region, never the page
        // (`relative` keeps the sr-only header inside it).
        <div
          role="region"
          aria-label={`Delivery log of ${channelName}, scrolls sideways`}
          tabIndex={0}
          className={`relative overflow-x-auto rounded ${focusRing}`}
        >
          <table className="w-full min-w-xl text-left text-sm" aria-label={`Delivery log of ${channelName}`}>
            <thead className={tableHead}>
              <tr>
                <th className="py-2 pr-3 font-medium">When</th>
                <th className="py-2 pr-3 font-medium">Notification</th>
                <th className="py-2 pr-3 font-medium">Status</th>
                <th className="py-2 pr-3 text-right font-medium">Attempts</th>
                <th className="py-2 pr-3 font-medium">Last error</th>
                <th className="py-2 pr-3 text-right font-medium">Latency</th>
                <th className="py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <time dateTime={d.createdAt}>{formatDateTime(d.createdAt, locale)}</time>
                  </td>
                  <td className="py-2 pr-3">{d.notification.title}</td>
                  <td className="py-2 pr-3">
                    <StatusBadge status={d.status} />
                    {d.nextAttemptAt && d.status !== "SENT" && (
                      <span className={`block text-xs ${muted}`}>next {formatDateTime(d.nextAttemptAt, locale)}</span>
                    )}
                  </td>
                  <td className="py-2 pr-3 text-right tabular-nums">{d.attempts}</td>
                  <td className="py-2 pr-3 break-words text-xs">{d.lastError ?? "—"}</td>
                  <td className="py-2 pr-3 text-right tabular-nums">{formatLatency(d.latencyMs)}</td>
                  <td className="py-2">
                    {isReplayable(d.status) && (
                      <button
                        type="button"
                        className={secondaryButton}
                        disabled={replaying.fetching}
                        onClick={() => void replayOne(d.id)}
                      >
                        Replay
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

const STATUS_STYLE: Record<string, string> = {
  SENT: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  DIGESTED: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  DEAD: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  FAILED: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

function StatusBadge({ status }: { status: string }) {
  const style = STATUS_STYLE[status] ?? "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-200";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${style}`}>{formatEnum(status)}</span>;
}
