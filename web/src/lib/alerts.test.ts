import { describe, expect, it } from "vitest";

import {
  base64UrlToBytes,
  eventTypeLabel,
  formatDateTime,
  formatLatency,
  isClockTime,
  isReplayable,
  pushSupport,
  toggled,
} from "@/lib/alerts";

describe("alerts helpers", () => {
  it("names event types and leaves unknown ones as they are", () => {
    expect(eventTypeLabel("TRANSACTION_CREATED")).toBe("Transaction created");
    expect(eventTypeLabel("SOMETHING_NEW")).toBe("SOMETHING_NEW");
  });

  it("writes date-times in the locale and passes anything else through", () => {
    expect(formatDateTime("2026-03-04T12:05:00Z", "en-US", "UTC")).toBe("Mar 4, 2026, 12:05 PM");
    expect(formatDateTime("2026-03-04T12:05:00Z", "de-DE", "UTC")).toBe("04.03.2026, 12:05");
    expect(formatDateTime("not a date", "en-US")).toBe("not a date");
    expect(formatDateTime(null, "en-US")).toBe("");
  });

  it("writes latencies", () => {
    expect(formatLatency(null)).toBe("—");
    expect(formatLatency(850)).toBe("850 ms");
    expect(formatLatency(2400)).toBe("2.4 s");
  });

  it("replays only dead and failed deliveries", () => {
    expect(isReplayable("DEAD")).toBe(true);
    expect(isReplayable("FAILED")).toBe(true);
    expect(isReplayable("SENT")).toBe(false);
    expect(isReplayable("PENDING")).toBe(false);
  });

  it("tells what push support the browser has", () => {
    const full = { isSecureContext: true, navigator: { serviceWorker: {} }, PushManager: {} };
    expect(pushSupport({ navigator: {} })).toBe("unsupported");
    expect(pushSupport({ ...full })).toBe("unsupported");
    expect(pushSupport({ ...full, isSecureContext: false, Notification: { permission: "default" } })).toBe("insecure");
    expect(pushSupport({ ...full, Notification: { permission: "denied" } })).toBe("denied");
    expect(pushSupport({ ...full, Notification: { permission: "granted" } })).toBe("granted");
    expect(pushSupport({ ...full, Notification: { permission: "default" } })).toBe("default");
  });

  it("decodes a base64url VAPID key", () => {
    expect([...base64UrlToBytes("AQID_-8")]).toEqual([1, 2, 3, 255, 239]);
    expect(base64UrlToBytes("BA").length).toBe(1);
  });

  it("checks quiet-hour times", () => {
    expect(isClockTime("22:00")).toBe(true);
    expect(isClockTime("7:00")).toBe(false);
    expect(isClockTime("24:00")).toBe(false);
  });

  it("toggles a channel in a list", () => {
    expect(toggled(["a", "b"], "a")).toEqual(["b"]);
    expect(toggled(["a"], "b")).toEqual(["a", "b"]);
  });
});
