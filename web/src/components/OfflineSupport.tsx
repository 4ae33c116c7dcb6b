"use client";

import { useEffect, useSyncExternalStore } from "react";

import { CHANGE_REFUSED, OFFLINE_BANNER, offlineStatus, type OfflineState } from "@/lib/offline";

/** The service worker's address (src/app/serwist/[path]/route.ts); it controls the whole origin. */
const SERVICE_WORKER_URL = "/serwist/sw.js";

/** A Performance API mark set once the page has hydrated and is interactive. */
export const HYDRATED_MARK = "fincloud:hydrated";

const ONLINE: OfflineState = { offline: false, refusedAt: null };

/**
 * Installability and offline use: registers the service worker (it precaches the app shell) and, while the browser
 * is offline, shows a banner saying the data is the last seen and changes are paused, and that a change just
 * attempted was not saved. It is a polite status region: screen readers announce it without moving focus.
 */
export function OfflineSupport() {
  useEffect(() => {
    // The page is hydrated (effects run after React's first commit): bench/web_dashboard.py reads this mark.
    performance.mark(HYDRATED_MARK);
    if (process.env.NODE_ENV === "production" && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: "/" }).catch((error: unknown) => {
        console.warn("FinCloud could not install its service worker; it will not work offline.", error);
      });
    }
    const update = () => offlineStatus.setOffline(!navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);

  const state = useSyncExternalStore(
    (listener) => offlineStatus.subscribe(listener),
    () => offlineStatus.current,
    () => ONLINE,
  );

  return (
    <div role="status" aria-live="polite" className="empty:hidden">
      {state.offline && (
        <div className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          <p>{OFFLINE_BANNER}</p>
          {state.refusedAt !== null && <p className="font-medium">{CHANGE_REFUSED}</p>}
        </div>
      )}
    </div>
  );
}
