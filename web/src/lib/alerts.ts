/** Pure helpers of the Alerts and Settings screens (unit-tested in alerts.test.ts). */

/** Every event type a notification can be about, in the order the preferences table lists them, with its words. */
export const EVENT_TYPES = [
  { value: "TRANSACTION_CREATED", label: "Transaction created" },
  { value: "BUDGET_THRESHOLD_EXCEEDED", label: "Budget threshold reached" },
  { value: "IMPORT_COMPLETED", label: "Import completed" },
  { value: "RECURRING_DUE", label: "Recurring transaction due" },
  { value: "PRICE_ALERT", label: "Price alert" },
  { value: "PORTFOLIO_ALERT", label: "Portfolio alert" },
] as const;

export type EventTypeValue = (typeof EVENT_TYPES)[number]["value"];

export function eventTypeLabel(value: string): string {
  return EVENT_TYPES.find((e) => e.value === value)?.label ?? value;
}

/** A `DateTime` scalar ("2026-03-04T12:00:00Z") as the locale writes a short date and time; anything else as is. */
export function formatDateTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** Milliseconds as people read them: "850 ms", "2.4 s"; an em dash when unknown. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Deliveries `deliveryReplay` accepts: given up, or waiting for their next try. */
export function isReplayable(status: string): boolean {
  return status === "DEAD" || status === "FAILED";
}

/** What this browser can do about push notifications. */
export type PushSupport = "unsupported" | "insecure" | "denied" | "granted" | "default";

type PushEnvironment = {
  isSecureContext?: boolean;
  navigator?: { serviceWorker?: unknown };
  PushManager?: unknown;
  Notification?: { permission?: string };
};

/** Whether push can be turned on here: needs a secure context, a service worker, PushManager and Notification. */
export function pushSupport(env: PushEnvironment): PushSupport {
  if (!env.navigator?.serviceWorker || !env.PushManager || !env.Notification) return "unsupported";
  if (env.isSecureContext === false) return "insecure";
  const permission = env.Notification.permission;
  return permission === "denied" || permission === "granted" ? permission : "default";
}

/** A VAPID public key in base64url (as the server gives it) → the bytes `applicationServerKey` takes. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (value.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** "HH:MM" (24 h), the quiet hours' format; empty is allowed (no quiet hours). */
export function isClockTime(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

/** A channel list toggled: `id` added when absent, removed when present; order kept. */
export function toggled(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
}
