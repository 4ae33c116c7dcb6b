import type { Metadata } from "next";

import { Dashboard } from "@/components/Dashboard";
import { FinCloudApp } from "@/components/FinCloudApp";
import { pickLocale } from "@/lib/format";

export const metadata: Metadata = { title: "FinCloud (offline)" };

/**
 * The app shell without anyone's data, prerendered at build time and precached by the service worker, which
 * answers a page load with it when the network is unavailable. The app then shows the dashboard from what it saw
 * last (its cache in IndexedDB), read-only, under the offline banner.
 */
export default function OfflineShell() {
  return (
    <FinCloudApp initial={null} locale={pickLocale(null)}>
      <Dashboard />
    </FinCloudApp>
  );
}
