// Download links of the local-folder object store: GET /downloads/<token>/<file name> on the router is passed to the
// budget subgraph's download route with the service credential, and its answer (the file, or a 404 that says
// nothing) goes back to the browser as it streams. The token in the path is the permission: no access token, no
// cookie, nothing else of the request is forwarded. With S3 storage the links are presigned S3 URLs instead and
// never come here.

import { readFileSync } from 'node:fs';
import type { GatewayPlugin } from '@graphql-hive/gateway';

export const DOWNLOAD_PREFIX = '/downloads/';

/** `/downloads/<token>` or `/downloads/<token>/<percent-encoded file name>`; a token is a JWT (base64url and dots). */
const DOWNLOAD_PATH = /^\/downloads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(\/[A-Za-z0-9%._~!$&'()*+,;=:@-]*)?$/;

/** What the browser may see of the subgraph's answer. */
const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'cache-control',
  'x-content-type-options',
  'content-security-policy',
  'referrer-policy',
];

/** The base URL (scheme, host, port) of a subgraph: FINCLOUD_SUBGRAPH_URL_<NAME>, else its routing URL in the
 * supergraph file. */
export function subgraphBaseUrl(name: string, supergraph: string, fallback: string): string {
  const override = process.env[`FINCLOUD_SUBGRAPH_URL_${name.toUpperCase()}`];
  let url = override;
  if (!url) {
    try {
      const pattern = new RegExp(`@join__graph\\(name:\\s*"${name}",\\s*url:\\s*"([^"]+)"\\)`);
      url = pattern.exec(readFileSync(supergraph, 'utf8'))?.[1];
    } catch {
      // Not a readable file: the fallback.
    }
  }
  return new URL(url || fallback).origin;
}

export function useDownloads(options: {
  budgetBaseUrl: string;
  serviceToken: () => string;
  log?: { warn: (...args: unknown[]) => void };
}): GatewayPlugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(DOWNLOAD_PREFIX)) return;
      const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
        endResponse(
          new fetchAPI.Response(text, {
            status,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra },
          }),
        );
      if (request.method !== 'GET') {
        plain(405, 'Method not allowed', { allow: 'GET' });
        return;
      }
      if (!DOWNLOAD_PATH.test(url.pathname)) {
        plain(404, 'This download link is invalid or has expired. Ask FinCloud for a new one.');
        return;
      }
      let upstream: Response;
      try {
        upstream = await fetchAPI.fetch(`${options.budgetBaseUrl}${url.pathname}`, {
          method: 'GET',
          headers: { 'x-fincloud-service-token': options.serviceToken() },
          redirect: 'manual',
        });
      } catch (error) {
        options.log?.warn('download: the budget subgraph did not answer', error);
        plain(502, 'The file cannot be fetched right now; try again in a moment.');
        return;
      }
      const headers = new fetchAPI.Headers();
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      endResponse(new fetchAPI.Response(upstream.body, { status: upstream.status, headers }));
    },
  };
}
