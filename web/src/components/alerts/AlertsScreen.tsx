"use client";

import Link from "next/link";
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { AddChannel } from "@/components/alerts/AddChannel";
import { DeliveryLog } from "@/components/alerts/DeliveryLog";
import { card, errorText, field, focusRing, label, muted, primaryButton, secondaryButton, tableHead } from "@/components/ui";
import { EVENT_TYPES, isClockTime, toggled, type EventTypeValue } from "@/lib/alerts";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import {
  ChannelDeleteMutation,
  ChannelsQuery,
  ChannelUpdateMutation,
  NotificationPreferencesQuery,
  NotificationPreferencesSetMutation,
  NotificationSettingsQuery,
  NotificationSettingsUpdateMutation,
} from "@/lib/notification-operations";

type Channel = { id: string; kind: string; label: string; name: string; target?: string | null; verified: boolean; active: boolean };

const section = `${card} p-4 sm:p-6 space-y-4`;

function messageOf(result: { error?: Parameters<typeof describeError>[0] }, errors: { message: string }[] | undefined) {
  if (result.error) return describeError(result.error);
  return errors?.length ? errors.map((e) => e.message).join(" ") : null;
}

/** /alerts: the household's channels (with their delivery logs), where each event type goes, quiet hours and cap. */
export function AlertsScreen() {
  const { householdId } = useApp();
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ChannelsQuery,
    variables: { householdId },
    requestPolicy: "cache-and-network",
  });
  const reload = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  const channels = data?.channels.nodes ?? [];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Alerts and channels</h1>
          <p className={`mt-1 text-sm ${muted}`}>Where FinCloud tells you what happened, and what it tells you.</p>
        </div>
        <Link href="/alerts/inbox" className={secondaryButton}>
          Open the inbox
        </Link>
      </div>

      <section aria-labelledby="channels-heading" className={section}>
        <div className="flex items-center justify-between gap-2">
          <h2 id="channels-heading" className="text-lg font-semibold">
            Channels
          </h2>
          <button type="button" className={secondaryButton} onClick={reload} disabled={fetching}>
            Check again
          </button>
        </div>
        {error && !data && (
          <p role="alert" className={errorText}>
            {describeError(error)}
          </p>
        )}
        {channels.length === 0 ? (
          <p className={`text-sm ${muted}`}>{fetching && !data ? "Loading…" : "No channels yet: notifications go to the inbox only."}</p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {channels.map((channel) => (
              <ChannelItem key={channel.id} channel={channel} onChanged={reload} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="add-heading" className={section}>
        <h2 id="add-heading" className="text-lg font-semibold">
          Add a channel
        </h2>
        <AddChannel onAdded={reload} />
      </section>

      {householdId && <Preferences householdId={householdId} channels={channels} />}
      <DeliverySettings />
    </div>
  );
}

function ChannelItem({ channel, onChanged }: { channel: Channel; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [updating, update] = useMutation(ChannelUpdateMutation);
  const [deleting, remove] = useMutation(ChannelDeleteMutation);
  const logId = useId();
  const telegram = channel.kind === "telegram";
  const status = telegram
    ? channel.verified
      ? "Linked"
      : "Not linked yet"
    : channel.verified
      ? "Verified"
      : "Waiting for verification";

  const toggle = async () => {
    const result = await update({ input: { id: channel.id, active: !channel.active } });
    setProblem(messageOf(result, result.data?.channelUpdate.errors));
    onChanged();
  };
  const drop = async () => {
    if (!window.confirm(`Remove ${channel.name} and its delivery log?`)) return;
    const result = await remove({ input: { id: channel.id } });
    setProblem(messageOf(result, result.data?.channelDelete.errors));
    onChanged();
  };

  return (
    <li className="space-y-3 py-3" data-testid="channel">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <p className="font-medium">
            {channel.name} <span className={`text-sm font-normal ${muted}`}>· {channel.label}</span>
          </p>
          <p className={`break-all text-sm ${muted}`}>{channel.target ?? (telegram ? "No chat linked" : "")}</p>
          <p className="mt-1 flex flex-wrap gap-2 text-xs">
            <span
              className={`rounded-full px-2 py-0.5 ${channel.verified ? "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200" : "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
            >
              {status}
            </span>
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-800 dark:bg-slate-800 dark:text-slate-200">
              {channel.active ? "On" : "Off"}
            </span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={secondaryButton}
            aria-expanded={open}
            aria-controls={logId}
            onClick={() => setOpen((o) => !o)}
          >
            Delivery log<span className="sr-only"> of {channel.name}</span>
          </button>
          <button type="button" className={secondaryButton} disabled={updating.fetching} onClick={() => void toggle()}>
            {channel.active ? "Switch off" : "Switch on"}
            <span className="sr-only"> {channel.name}</span>
          </button>
          <button type="button" className={secondaryButton} disabled={deleting.fetching} onClick={() => void drop()}>
            Remove<span className="sr-only"> {channel.name}</span>
          </button>
        </div>
      </div>
      {problem && (
        <p role="alert" className={errorText}>
          {problem}
        </p>
      )}
      <div id={logId} hidden={!open}>
        {open && <DeliveryLog channelId={channel.id} channelName={channel.name} />}
      </div>
    </li>
  );
}

/** Per event type: the inbox and which channels. */
function Preferences({ householdId, channels }: { householdId: string; channels: Channel[] }) {
  const [{ data, error }] = useQuery({
    query: NotificationPreferencesQuery,
    variables: { householdId },
    requestPolicy: "cache-and-network",
  });
  const preferences = data?.notificationPreferences ?? [];
  return (
    <section aria-labelledby="prefs-heading" className={section}>
      <div>
        <h2 id="prefs-heading" className="text-lg font-semibold">
          What goes where
        </h2>
        <p className={`text-sm ${muted}`}>
          For each kind of event in this household: keep it in the inbox, and send it to which channels.
        </p>
      </div>
      {error && !data && (
        <p role="alert" className={errorText}>
          {describeError(error)}
        </p>
      )}
      {/* More channels than a phone is wide: the table scrolls in its own region, never the page. */}
      <div role="region" aria-labelledby="prefs-heading" tabIndex={0} className={`relative overflow-x-auto rounded ${focusRing}`}>
        <table className="w-full text-left text-sm">
          <thead className={tableHead}>
            <tr>
              <th className="py-2 pr-3 font-medium">Event</th>
              <th className="py-2 pr-3 font-medium">Inbox</th>
              {channels.map((c) => (
                <th key={c.id} className="py-2 pr-3 font-medium">
                  {c.name}
                </th>
              ))}
              <th className="py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {EVENT_TYPES.map((event) => {
              const current = preferences.find((p) => p.eventType === event.value);
              return (
                <PreferenceRow
                  key={`${event.value}:${current?.isDefault}:${current?.inbox}:${current?.channelIds.join(",")}`}
                  householdId={householdId}
                  eventType={event.value}
                  eventLabel={event.label}
                  channels={channels}
                  initial={current ? { inbox: current.inbox, channelIds: current.channelIds, isDefault: current.isDefault } : null}
                />
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PreferenceRow({
  householdId,
  eventType,
  eventLabel,
  channels,
  initial,
}: {
  householdId: string;
  eventType: EventTypeValue;
  eventLabel: string;
  channels: Channel[];
  initial: { inbox: boolean; channelIds: string[]; isDefault: boolean } | null;
}) {
  const [inbox, setInbox] = useState(initial?.inbox ?? true);
  const [channelIds, setChannelIds] = useState<string[]>(initial?.channelIds ?? []);
  const [saved, setSaved] = useState<string | null>(null);
  const [{ fetching }, save] = useMutation(NotificationPreferencesSetMutation);
  const changed = !initial || inbox !== initial.inbox || channelIds.join(",") !== initial.channelIds.join(",");

  const submit = async (useDefault = false) => {
    const result = await save({ input: { householdId, eventType, inbox, channelIds, useDefault } });
    setSaved(messageOf(result, result.data?.notificationPreferencesSet.errors) ?? "Saved");
  };

  return (
    <tr>
      <th scope="row" className="py-2 pr-3 font-medium">
        {eventLabel}
        {initial?.isDefault && <span className={`block text-xs font-normal ${muted}`}>Default</span>}
      </th>
      <td className="py-2 pr-3">
        <input
          type="checkbox"
          aria-label={`${eventLabel}: inbox`}
          checked={inbox}
          onChange={(e) => setInbox(e.target.checked)}
        />
      </td>
      {channels.map((c) => (
        <td key={c.id} className="py-2 pr-3">
          <input
            type="checkbox"
            aria-label={`${eventLabel}: ${c.name}`}
            checked={channelIds.includes(c.id)}
            onChange={() => setChannelIds((ids) => toggled(ids, c.id))}
          />
        </td>
      ))}
      <td className="py-2">
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <button
            type="button"
            className={secondaryButton}
            disabled={fetching || !changed}
            onClick={() => void submit()}
          >
            Save<span className="sr-only"> {eventLabel}</span>
          </button>
          {initial && !initial.isDefault && (
            <button type="button" className={secondaryButton} disabled={fetching} onClick={() => void submit(true)}>
              Use default<span className="sr-only"> for {eventLabel}</span>
            </button>
          )}
          {saved && (
            <span role="status" className={`text-xs ${muted}`}>
              {saved}
            </span>
          )}
        </div>
      </td>
    </tr>
  );
}

/** Quiet hours and the hourly cap (for every household). */
function DeliverySettings() {
  const [{ data }] = useQuery({ query: NotificationSettingsQuery });
  const settings = data?.notificationSettings;
  return (
    <section aria-labelledby="quiet-heading" className={section}>
      <div>
        <h2 id="quiet-heading" className="text-lg font-semibold">
          Quiet hours and limits
        </h2>
        <p className={`text-sm ${muted}`}>
          During quiet hours deliveries wait and arrive as one digest when they end; so do deliveries beyond the hourly
          cap of a channel. The inbox always gets everything at once.
        </p>
      </div>
      {settings ? (
        <DeliverySettingsForm key={JSON.stringify(settings)} settings={settings} />
      ) : (
        <p className={`text-sm ${muted}`}>Loading…</p>
      )}
    </section>
  );
}

function DeliverySettingsForm({
  settings,
}: {
  settings: { timeZone: string; quietStart?: string | null; quietEnd?: string | null; hourlyCap: number };
}) {
  const ids = useId();
  const [quietStart, setQuietStart] = useState(settings.quietStart ?? "");
  const [quietEnd, setQuietEnd] = useState(settings.quietEnd ?? "");
  const [hourlyCap, setHourlyCap] = useState(String(settings.hourlyCap));
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [{ fetching }, update] = useMutation(NotificationSettingsUpdateMutation);
  const [zones, setZones] = useState<string[]>([]);
  useEffect(() => {
    const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
    setZones(supported ? supported("timeZone") : []);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if ((quietStart === "") !== (quietEnd === "") || [quietStart, quietEnd].some((t) => t && !isClockTime(t)))
      return setMessage({ error: true, text: "Give both the start and the end of the quiet hours (HH:MM), or neither." });
    const cap = Number(hourlyCap);
    if (!Number.isInteger(cap) || cap < 1 || cap > 1000)
      return setMessage({ error: true, text: "The hourly cap is a whole number from 1 to 1000." });
    const result = await update({
      input: { quietStart: quietStart || null, quietEnd: quietEnd || null, hourlyCap: cap, timeZone },
    });
    const problem = messageOf(result, result.data?.notificationSettingsUpdate.errors);
    setMessage(problem ? { error: true, text: problem } : { error: false, text: "Saved" });
  };

  return (
    <form onSubmit={(e) => void submit(e)} className="grid gap-4 sm:grid-cols-2">
      <div>
        <label htmlFor={`${ids}-start`} className={label}>
          Quiet from
        </label>
        <input id={`${ids}-start`} type="time" value={quietStart} onChange={(e) => setQuietStart(e.target.value)} className={`mt-1 ${field}`} />
      </div>
      <div>
        <label htmlFor={`${ids}-end`} className={label}>
          Quiet until
        </label>
        <input id={`${ids}-end`} type="time" value={quietEnd} onChange={(e) => setQuietEnd(e.target.value)} className={`mt-1 ${field}`} />
      </div>
      <div>
        <label htmlFor={`${ids}-cap`} className={label}>
          At most this many per channel and hour
        </label>
        <input
          id={`${ids}-cap`}
          type="number"
          min={1}
          max={1000}
          required
          value={hourlyCap}
          onChange={(e) => setHourlyCap(e.target.value)}
          className={`mt-1 ${field}`}
        />
      </div>
      <div>
        <label htmlFor={`${ids}-zone`} className={label}>
          Time zone
        </label>
        <input
          id={`${ids}-zone`}
          list={`${ids}-zones`}
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          className={`mt-1 ${field}`}
        />
        <datalist id={`${ids}-zones`}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <div className="flex items-center gap-3 sm:col-span-2">
        <button type="submit" className={primaryButton} disabled={fetching}>
          Save quiet hours
        </button>
        {message && (
          <p role={message.error ? "alert" : "status"} className={message.error ? errorText : `text-sm ${muted}`}>
            {message.text}
          </p>
        )}
      </div>
    </form>
  );
}
