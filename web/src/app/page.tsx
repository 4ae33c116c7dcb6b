import { cookies, headers } from "next/headers";

import { FinCloudApp } from "@/components/FinCloudApp";
import { ACCESS_COOKIE, loadInitialState } from "@/lib/server-data";

// Rendered per request, with the visitor's data.
export const dynamic = "force-dynamic";

export default async function Home() {
  const [cookieStore, requestHeaders] = await Promise.all([cookies(), headers()]);
  const initial = await loadInitialState({
    cookie: requestHeaders.get("cookie"),
    forwardedFor: requestHeaders.get("x-forwarded-for"),
    hasAccessCookie: cookieStore.has(ACCESS_COOKIE),
  });
  return <FinCloudApp initial={initial} />;
}
