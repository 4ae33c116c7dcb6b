import { Client, cacheExchange, fetchExchange } from "urql";

/** A urql client of one FinCloud router, signed in when given a token (`Authorization: Bearer <token>`). */
export function createApiClient(url: string, token?: string): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    // POST every operation: variables (account names, amounts) stay out of URLs and access logs.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

/** A message a person can act on, from urql's combined network / GraphQL error. */
export function describeError(error: { networkError?: Error; graphQLErrors: { message: string }[] }, url: string) {
  if (error.networkError) return `Could not reach the FinCloud server at ${url}. Check the Server address.`;
  return error.graphQLErrors.map((e) => e.message).join(" ") || "The server could not answer.";
}
