"use client";

import Link from "next/link";
import { useEffect, useId, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { errorText, field, label, linkButton, muted, primaryButton, secondaryButton } from "@/components/ui";
import { base64UrlToBytes, pushSupport, type PushSupport } from "@/lib/alerts";
import { useApp } from "@/lib/app-context";
import { describeError } from "@/lib/client";
import {
  ChannelCreateMutation,
  ChannelVerifyMutation,
  NotificationSettingsQuery,
} from "@/lib/notification-operations";

type Kind = "WEBHOOK" | "EMAIL" | "TELEGRAM" | "WEBPUSH";

const KINDS: { value: Kind; label: string }[] = [
  { value: "WEBHOOK", label: "Webhook" },
  { value: "EMAIL", label: "Email" },
  { value: "TELEGRAM", label: "Telegram" },
  { value: "WEBPUSH", label: "This browser" },
];

/** The outcome of a create that is worth showing after the form: a secret or a link shown only now, a code step. */
type Created =
  | { kind: "WEBHOOK"; secret: string }
  | { kind: "TELEGRAM"; linkUrl: string }
  | { kind: "EMAIL"; channelId: string; verified: boolean }
  | { kind: "WEBPUSH" };

/** Adding a channel to the chosen household: a webhook, an email address, a Telegram chat or this browser. */
export function AddChannel({ onAdded }: { onAdded: () => void }) {
  const { householdId } = useApp();
  const ids = useId();
  const [kind, setKind] = useState<Kind>("WEBHOOK");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [address, setAddress] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [{ fetching }, create] = useMutation(ChannelCreateMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setCreated(null);
    const input = {
      kind,
      householdId,
      name: name.trim() || null,
      ...(kind === "WEBHOOK" ? { url: url.trim() } : {}),
      ...(kind === "EMAIL" ? { address: address.trim() } : {}),
    };
    const result = await create({ input });
    const payload = result.data?.channelCreate;
    if (result.error) return setProblem(describeError(result.error));
    if (!payload || payload.errors.length) return setProblem(payload?.errors.map((e) => e.message).join(" ") ?? null);
    if (kind === "WEBHOOK" && payload.secret) setCreated({ kind, secret: payload.secret });
    if (kind === "TELEGRAM" && payload.linkUrl) setCreated({ kind, linkUrl: payload.linkUrl });
    if (kind === "EMAIL" && payload.channel)
      setCreated({ kind, channelId: payload.channel.id, verified: payload.channel.verified });
    setName("");
    setUrl("");
    setAddress("");
    onAdded();
  };

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className={label}>Kind of channel</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {KINDS.map((k) => (
            <label
              key={k.value}
              className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-300 px-3 py-1.5 text-sm has-checked:border-emerald-600 has-checked:bg-emerald-50 dark:border-slate-600 dark:has-checked:bg-emerald-950"
            >
              <input
                type="radio"
                name={`${ids}-kind`}
                value={k.value}
                checked={kind === k.value}
                onChange={() => {
                  setKind(k.value);
                  setProblem(null);
                  setCreated(null);
                }}
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>

      {kind === "WEBPUSH" ? (
        <WebPushOptIn onAdded={onAdded} />
      ) : (
        <form onSubmit={(e) => void submit(e)} className="space-y-3">
          {kind === "WEBHOOK" && (
            <div>
              <label htmlFor={`${ids}-url`} className={label}>
                Webhook URL
              </label>
              <input
                id={`${ids}-url`}
                type="url"
                required
                placeholder="https://example.org/fincloud"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                className={`mt-1 ${field}`}
              />
              <p className={`mt-1 text-xs ${muted}`}>
                Each notification is POSTed there as JSON, signed with a secret shown once.{" "}
                <Link href="/alerts/webhooks" className={linkButton}>
                  How to check the signature
                </Link>
              </p>
            </div>
          )}
          {kind === "EMAIL" && (
            <div>
              <label htmlFor={`${ids}-address`} className={label}>
                Email address
              </label>
              <input
                id={`${ids}-address`}
                type="email"
                required
                value={address}
                onChange={(e) => setAddress(e.target.value)}
                className={`mt-1 ${field}`}
              />
            </div>
          )}
          {kind === "TELEGRAM" && (
            <p className={`text-sm ${muted}`}>
              FinCloud gives you a link to its Telegram bot; open it and press Start to link your chat.
            </p>
          )}
          <div>
            <label htmlFor={`${ids}-name`} className={label}>
              Name <span className={muted}>(optional)</span>
            </label>
            <input
              id={`${ids}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              className={`mt-1 ${field}`}
            />
          </div>
          <button type="submit" className={primaryButton} disabled={fetching}>
            {kind === "WEBHOOK" ? "Add webhook" : kind === "EMAIL" ? "Add email" : "Link Telegram"}
          </button>
        </form>
      )}
      {problem && (
        <p role="alert" className={errorText}>
          {problem}
        </p>
      )}
      {created?.kind === "WEBHOOK" && <ShownOnce secret={created.secret} />}
      {created?.kind === "TELEGRAM" && (
        <div role="status" className="rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950">
          <p>
            <a href={created.linkUrl} target="_blank" rel="noreferrer" className={linkButton}>
              Open Telegram and press Start
            </a>{" "}
            to link your chat. The channel shows “Linked” once it is.
          </p>
        </div>
      )}
      {created?.kind === "EMAIL" &&
        (created.verified ? (
          <p role="status" className="text-sm">
            Added: this is your verified sign-in address.
          </p>
        ) : (
          <VerifyEmail channelId={created.channelId} onVerified={onAdded} />
        ))}
    </div>
  );
}

/** A webhook's signing secret, shown once. */
function ShownOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
      <p className="font-medium">Webhook added. Its signing secret is shown only now: keep it.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="webhook-secret" className="break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900">
          {secret}
        </code>
        <button
          type="button"
          className={secondaryButton}
          onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p>
        <Link href="/alerts/webhooks" className={linkButton}>
          How to check the X-FinCloud-Signature header
        </Link>
      </p>
    </div>
  );
}

/** The code step of a new email channel. */
function VerifyEmail({ channelId, onVerified }: { channelId: string; onVerified: () => void }) {
  const ids = useId();
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [{ fetching }, verify] = useMutation(ChannelVerifyMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await verify({ input: { id: channelId, code: code.trim() } });
    const errors = result.data?.channelVerify.errors ?? [];
    if (result.error) return setProblem(describeError(result.error));
    if (errors.length) return setProblem(errors.map((e) => e.message).join(" "));
    setDone(true);
    onVerified();
  };
  if (done) return <p role="status" className="text-sm">Email address verified.</p>;
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-700">
      <label htmlFor={`${ids}-code`} className={label}>
        We mailed a six-digit code to the address. Enter it here
      </label>
      <div className="flex gap-2">
        <input
          id={`${ids}-code`}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          className={`${field} max-w-40`}
        />
        <button type="submit" className={primaryButton} disabled={fetching}>
          Verify
        </button>
      </div>
      {problem && (
        <p role="alert" className={errorText}>
          {problem}
        </p>
      )}
    </form>
  );
}

const PUSH_MESSAGES: Record<Exclude<PushSupport, "default" | "granted">, string> = {
  unsupported: "This browser cannot receive push notifications (no Push API or service worker here).",
  insecure: "Push notifications need a secure page: open FinCloud over https (or on localhost).",
  denied:
    "Notifications are blocked for this site. Allow them in the browser's site settings, then come back here.",
};

/** Opting this browser in to push notifications with the server's VAPID key. */
function WebPushOptIn({ onAdded }: { onAdded: () => void }) {
  const { householdId } = useApp();
  const [{ data }] = useQuery({ query: NotificationSettingsQuery });
  const [support, setSupport] = useState<PushSupport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [working, setWorking] = useState(false);
  const [, create] = useMutation(ChannelCreateMutation);
  useEffect(() => setSupport(pushSupport(window as unknown as Parameters<typeof pushSupport>[0])), []);
  const key = data?.notificationSettings.webPushKey;

  const optIn = async () => {
    if (!key) return;
    setWorking(true);
    setProblem(null);
    try {
      const permission = await Notification.requestPermission();
      setSupport(pushSupport(window as unknown as Parameters<typeof pushSupport>[0]));
      if (permission !== "granted") return;
      const registration = await navigator.serviceWorker.getRegistration();
      if (!registration) {
        setProblem("The app's service worker is not running (it is installed by production builds). Reload and try again.");
        return;
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(key),
      });
      const result = await create({
        input: { kind: "WEBPUSH", householdId, name: "This browser", subscription: subscription.toJSON() },
      });
      const errors = result.data?.channelCreate.errors ?? [];
      if (result.error) setProblem(describeError(result.error));
      else if (errors.length) setProblem(errors.map((e) => e.message).join(" "));
      else {
        setDone(true);
        onAdded();
      }
    } catch (error) {
      setProblem(`The browser refused the push subscription: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setWorking(false);
    }
  };

  if (support === null || !data) return <p className={`text-sm ${muted}`}>Checking this browser…</p>;
  if (!key)
    return (
      <p role="status" className={`text-sm ${muted}`}>
        Browser notifications are not set up on this FinCloud server.
      </p>
    );
  if (support === "unsupported" || support === "insecure" || support === "denied")
    return (
      <p role="status" data-testid="webpush-status" className="text-sm">
        {PUSH_MESSAGES[support]}
      </p>
    );
  if (done) return <p role="status" className="text-sm">This browser will receive notifications.</p>;
  return (
    <div className="space-y-2">
      <p className={`text-sm ${muted}`}>
        The browser asks whether FinCloud may show notifications; they arrive even when the app is closed.
      </p>
      <button type="button" className={primaryButton} disabled={working} onClick={() => void optIn()}>
        Turn on notifications in this browser
      </button>
      {problem && (
        <p role="alert" className={errorText}>
          {problem}
        </p>
      )}
    </div>
  );
}
