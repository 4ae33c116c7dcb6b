import type { Metadata } from "next";
import Link from "next/link";

import { card, linkButton, muted } from "@/components/ui";

export const metadata: Metadata = { title: "Webhook signatures · FinCloud" };

const RECIPE = `import hashlib, hmac, time

def verify_fincloud_signature(secret: str, header: str, body: bytes) -> bool:
    """header: X-FinCloud-Signature; body: the raw request body, exactly as received."""
    fields = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > 300:  # refuse replays older than five minutes
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, v) for v in fields.get("v1", []))`;

/** The signature recipe of docs/WEBHOOKS.md, for people setting up a receiver. */
export default function WebhookSignaturePage() {
  return (
    <article className="space-y-4">
      <p>
        <Link href="/alerts" className={linkButton}>
          ← Alerts and channels
        </Link>
      </p>
      <h1 className="text-2xl font-semibold tracking-tight">Checking a webhook&apos;s signature</h1>
      <div className={`${card} space-y-3 p-4 text-sm sm:p-6`}>
        <p>
          Each notification is an HTTP <code>POST</code> of JSON (<code>version</code>, <code>id</code>,{" "}
          <code>event</code>, <code>occurredAt</code>, <code>householdId</code>, <code>data</code>) with the headers{" "}
          <code>X-FinCloud-Event</code>, <code>X-FinCloud-Delivery</code> (stable across retries: drop repeats) and{" "}
          <code>X-FinCloud-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</code>.
        </p>
        <p>
          <code>v1</code> is the HMAC-SHA256, keyed with the webhook&apos;s secret, of the timestamp, a dot and the raw
          body. Recompute it, compare in constant time, and refuse timestamps more than five minutes from your clock.
        </p>
        <pre className="overflow-x-auto rounded-lg bg-slate-100 p-3 text-xs dark:bg-slate-950">
          <code>{RECIPE}</code>
        </pre>
        <p className={muted}>
          Answer any 2xx to accept it. 408, 429, 5xx, timeouts and connection failures are retried later with growing
          waits; other 4xx and redirects end the delivery, and 410 Gone switches the webhook off. The full reference is
          docs/WEBHOOKS.md in the FinCloud repository.
        </p>
      </div>
    </article>
  );
}
