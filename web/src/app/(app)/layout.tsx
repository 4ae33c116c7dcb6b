import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";

import { FinCloudApp } from "@/components/FinCloudApp";
import { pickLocale } from "@/lib/format";
import { HOUSEHOLD_COOKIE } from "@/lib/operations";
import { ACCESS_COOKIE, loadInitialState } from "@/lib/server-data";

// Rendered per request, with the visitor's data.
export const dynamic = "force-dynamic";

/**
 * The signed-in app around every screen. The first load is rendered with the visitor's data (who they are, their
 * households and the chosen household's accounts); the layout stays mounted while the visitor moves between pages,
 * so the client, its cache and its live subscriptions carry over.
 */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const [cookieStore, requestHeaders] = await Promise.all([cookies(), headers()]);
  const initial = await loadInitialState({
    cookie: requestHeaders.get("cookie"),
    forwardedFor: requestHeaders.get("x-forwarded-for"),
    hasAccessCookie: cookieStore.has(ACCESS_COOKIE),
    household: cookieStore.get(HOUSEHOLD_COOKIE)?.value,
  });
  return (
    <FinCloudApp initial={initial} locale={pickLocale(requestHeaders.get("accept-language"))}>
      {children}
    </FinCloudApp>
  );
}
