/** Where the app finds a FinCloud server's GraphQL endpoint. */

export const DEFAULT_API_URL = "http://127.0.0.1:4000/graphql";

/** True for an absolute http(s) URL; anything else (relative paths, `javascript:`, typos) is refused. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * The endpoint to offer in the "Server" field: the `?api=` query parameter, else the build's
 * `NEXT_PUBLIC_FINCLOUD_API_URL`, else the local default. Values that are not http(s) URLs are skipped, so a
 * malformed link falls back to the configured server instead of breaking the sign-in form.
 */
export function resolveApiUrl({ query, env }: { query?: string | null; env?: string | null }): string {
  for (const candidate of [query, env]) {
    const value = candidate?.trim();
    if (value && isHttpUrl(value)) return value;
  }
  return DEFAULT_API_URL;
}
