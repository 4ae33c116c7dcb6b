// File uploads: GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec). The
// gateway parses them (`multipart: true`) and forwards the files to the subgraph as a multipart request of its own;
// this plugin refuses one that is too large before the gateway reads its body.
//
// A multipart POST is a "simple" request a cross-site form could send, so the CSRF rule applies: it must carry the
// x-fincloud-csrf header (any value), whether the caller uses the cookie or a Bearer token.

import type { GatewayPlugin } from '@graphql-hive/gateway';

/** Room for the `operations` and `map` parts and the part headers around a file of the largest allowed size; the
 * subgraphs allow the same (fincloud/uploads.py). */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

function describeSize(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    const mb = bytes / (1024 * 1024);
    return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

function refusal(status: number, code: string, message: string, ResponseCtor: typeof Response): Response {
  return new ResponseCtor(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A multipart request must declare its length (every browser and HTTP client does for a form), and the length
 * must fit one file of `maxBytes` plus the overhead: else 411 or 413, with a GraphQL error body. */
export function useUploadLimit({ maxBytes }: { maxBytes: number }): GatewayPlugin {
  const allowed = maxBytes + MULTIPART_OVERHEAD_BYTES;
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== 'POST') return;
      const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
      if (type !== 'multipart/form-data') return;
      const declared = request.headers.get('content-length');
      if (declared === null || !/^\d+$/.test(declared.trim())) {
        endResponse(
          refusal(411, 'LENGTH_REQUIRED', 'A file upload must declare its Content-Length', fetchAPI.Response),
        );
        return;
      }
      if (Number(declared) > allowed) {
        endResponse(
          refusal(
            413,
            'PAYLOAD_TOO_LARGE',
            `the upload is larger than ${describeSize(maxBytes)}, the most a file may be`,
            fetchAPI.Response,
          ),
        );
      }
    },
  };
}
