/**
 * The first render's data, fetched by the Next server from the router with the visitor's own cookies: who is
 * signed in, their households, and the first page of the chosen household's accounts. The results seed the
 * browser's cache (urql's ssrExchange), so the page arrives filled in and the app goes live from there without
 * asking again.
 */
import { Client, fetchExchange, ssrExchange, type SSRData } from "@urql/core";

import { CSRF_HEADER, GRAPHQL_PATH } from "@/lib/client";
import { AccountsQuery, MeQuery, chooseHousehold, firstAccountsPage } from "@/lib/operations";

export type Household = { id: string; name: string; role?: string | null };
export type Viewer = { id: string; name: string; email: string; households: Household[] };
export type InitialState = { viewer: Viewer; householdId: string | null; data: SSRData };

export const ACCESS_COOKIE = "fincloud_access";

/** The router, as the web server reaches it (server.mjs sets FINCLOUD_ROUTER_URL; this is its default). */
export function routerGraphqlUrl(env: Record<string, string | undefined> = process.env): string {
  return new URL(GRAPHQL_PATH, env.FINCLOUD_ROUTER_URL || "http://127.0.0.1:4000").toString();
}

/**
 * The signed-in viewer and the first page of their accounts, or null: no access cookie (the browser then refreshes
 * the session itself: a server render cannot hand it the rotated cookies), the token was refused, or the router
 * could not be reached.
 */
export async function loadInitialState({
  cookie,
  forwardedFor,
  hasAccessCookie,
  household,
}: {
  /** The visitor's Cookie header, passed on as it came. */
  cookie: string | null;
  /** X-Forwarded-For as the web server set it (the visitor's address last), so the router sees the visitor. */
  forwardedFor: string | null;
  hasAccessCookie: boolean;
  /** The household the viewer chose last time (its cookie), if any. */
  household?: string | null;
}): Promise<InitialState | null> {
  if (!cookie || !hasAccessCookie) return null;
  const ssr = ssrExchange({ isClient: false });
  const client = new Client({
    url: routerGraphqlUrl(),
    exchanges: [ssr, fetchExchange],
    preferGetMethod: false,
    fetchOptions: {
      cache: "no-store",
      headers: {
        cookie,
        [CSRF_HEADER]: "1",
        ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
      },
    },
  });
  try {
    const me = await client.query(MeQuery, {}).toPromise();
    const viewer = me.data?.me;
    if (!viewer) return null;
    const householdId = chooseHousehold(viewer.households, household);
    await client.query(AccountsQuery, firstAccountsPage(householdId)).toPromise();
    return { viewer, householdId, data: ssr.extractData() };
  } catch {
    return null;
  }
}
