import { authExchange } from "@urql/exchange-auth";
import { Client, cacheExchange, fetchExchange, type CombinedError } from "urql";

import { graphql } from "@/gql";

/**
 * Sent with every request. The router refuses cookie-authenticated requests that a cross-site page could forge
 * (a form post, a "simple" fetch); a custom header forces a CORS preflight, which other origins do not pass.
 */
export const CSRF_HEADER = "x-fincloud-csrf";

const RefreshMutation = graphql(`
  mutation SilentRefresh {
    tokenRefresh(input: { useCookies: true }) {
      user {
        id
      }
    }
  }
`);

/** The router said the caller is not signed in (no cookie, or an expired access token). */
export function isUnauthenticated(error: CombinedError): boolean {
  const status = (error.response as Response | undefined)?.status;
  return status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/**
 * A urql client of one FinCloud router. The browser holds the session as two httpOnly cookies the router sets
 * (a short-lived access token and a rotating refresh token); scripts never see them. When the access token has
 * expired the client silently asks for new cookies (`tokenRefresh`) and retries once; `onSignedOut` runs when
 * that fails too, so the app can show the sign-in form.
 */
export function createApiClient(url: string, { onSignedOut }: { onSignedOut?: () => void } = {}): Client {
  return new Client({
    url,
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        // The cookies travel on their own (credentials: "include" below).
        addAuthToOperation: (operation) => operation,
        didAuthError: isUnauthenticated,
        async refreshAuth() {
          const refreshed = await utils.mutate(RefreshMutation, {});
          if (!refreshed.data?.tokenRefresh.user) onSignedOut?.();
        },
      })),
      fetchExchange,
    ],
    // POST every operation: variables (account names, amounts) stay out of URLs and access logs.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: { credentials: "include", headers: { [CSRF_HEADER]: "1" } },
  });
}

/** A message a person can act on, from urql's combined network / GraphQL error. */
export function describeError(error: { networkError?: Error; graphQLErrors: { message: string }[] }, url: string) {
  if (error.networkError) return `Could not reach the FinCloud server at ${url}. Check the Server address.`;
  return error.graphQLErrors.map((e) => e.message).join(" ") || "The server could not answer.";
}
