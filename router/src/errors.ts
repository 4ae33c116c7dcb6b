// The errors the router itself answers with. Every one carries `extensions.code`; `extensions.http` sets the HTTP
// status and headers of the response and is not sent to the client.

import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';

/** No usable credential where one is needed: 401 with `WWW-Authenticate: Bearer`. */
export function unauthenticated(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      ...extensions,
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
    },
  });
}

/** Too many requests in the current window: 429 with `Retry-After`, and `retryAfter` (seconds) for GraphQL
 * clients that never see the headers (WebSocket). */
export function rateLimited(retryAfter: number): GraphQLError {
  return new GraphQLError(`Too many requests: try again in ${retryAfter} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter,
      http: { status: 429, headers: { 'Retry-After': String(retryAfter) } },
    },
  });
}

/** A dependency the router needs for this request is down (identity, for an API key): 503, worth retrying. */
export function unavailable(message: string, retryAfter = 5): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      retryAfter,
      http: { status: 503, headers: { 'Retry-After': String(retryAfter) } },
    },
  });
}

/** Extension keys that carry debugging internals (Apollo's `exception`, Strawberry/Graphene-style `stacktrace`...). */
const INTERNAL_EXTENSIONS = ['stacktrace', 'exception', 'originalError', 'traceback'];
/** The code Hive gives a subgraph error that came without one of its own. */
const UNCODED_SUBGRAPH_ERROR = 'DOWNSTREAM_SERVICE_ERROR';
const MASKED_MESSAGE = 'Unexpected error.';

/** Outside development, what a subgraph lets slip is masked too (the router's own unexpected errors are masked by
 * Yoga's `maskedErrors`, and the subgraphs mask theirs with Strawberry's MaskErrors): debugging extensions are
 * dropped, and an error the subgraph sent without an `extensions.code` — so not one it raised on purpose, every one
 * of which has a code — reads "Unexpected error." (its text goes to the router's log instead). */
export function useMaskSubgraphInternals({ log }: { log: { warn(attrs: object, msg: string): void } }): GatewayPlugin {
  const clean = (error: GraphQLError): GraphQLError => {
    const extensions = error.extensions ?? {};
    const uncoded = extensions.code === UNCODED_SUBGRAPH_ERROR && error.message !== MASKED_MESSAGE;
    if (!uncoded && !INTERNAL_EXTENSIONS.some((key) => key in extensions)) return error;
    if (uncoded) log.warn({ message: error.message, path: error.path, extensions }, '[errors] masked a subgraph error');
    const kept = Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.includes(key)));
    return new GraphQLError(uncoded ? MASKED_MESSAGE : error.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: kept,
    });
  };
  const cleanResult = <T extends { errors?: readonly GraphQLError[] }>(result: T): T =>
    result.errors?.length ? { ...result, errors: result.errors.map(clean) } : result;
  return {
    onExecutionResult({ result, setResult }) {
      // Streams (subscriptions) come from Strawberry's WebSocket, which masks the same way.
      if (!result || Symbol.asyncIterator in result) return;
      setResult(cleanResult(result));
    },
  };
}
