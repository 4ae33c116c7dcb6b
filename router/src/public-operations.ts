// Without a valid token a client may use only the operations that get it one (sign up, sign in, refresh, sign out,
// password reset, email verification) and the payload fields they answer with. Everything else is refused at the
// router with UNAUTHENTICATED before any subgraph is called; the subgraphs check again (zero trust).

import { useGenericAuth } from '@envelop/generic-auth';
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';

/** Schema coordinates an anonymous client may select. A coordinate missing from the schema is simply never met.
 * `__typename` is always allowed; introspection is governed separately (off outside dev). */
export const PUBLIC_COORDINATES: ReadonlySet<string> = new Set([
  'Mutation.register',
  'Mutation.login',
  'Mutation.tokenRefresh',
  'Mutation.logout',
  'Mutation.passwordResetRequest',
  'Mutation.passwordResetConfirm',
  'Mutation.emailVerify',
  // Their payloads.
  'AuthPayload.token',
  'AuthPayload.refreshToken',
  'AuthPayload.expiresAt',
  'AuthPayload.user',
  'AuthPayload.errors',
  'LogoutPayload.ok',
  'LogoutPayload.errors',
  'ActionPayload.ok',
  'ActionPayload.errors',
  // The user who just signed in, and their households (the PWA picks one right after sign-in).
  'User.id',
  'User.email',
  'User.name',
  'User.emailVerified',
  'User.households',
  'Household.id',
  'Household.name',
  'Household.role',
  // Typed user errors.
  'UserError.message',
  'ValidationError.message',
  'ValidationError.field',
  'NotFoundError.message',
  'NotFoundError.field',
  'AuthenticationError.message',
  'RateLimitedError.message',
  'RateLimitedError.retryAfter',
]);

/** `@envelop/generic-auth` in protect-all mode, the user being the verified JWT payload. Register it under
 * `plugins:` (after the JWT plugin): the config's `genericAuth:` key runs before it on WebSocket operations. */
export function usePublicOperationsOnly(): GatewayPlugin {
  return useGenericAuth<Record<string, unknown>, { jwt?: { payload?: Record<string, unknown> } }>({
    mode: 'protect-all',
    resolveUserFn: (context) => context.jwt?.payload ?? null,
    validateUser({ user, parentType, field, fieldNode, path }) {
      if (user) return undefined;
      const coordinate = `${parentType.name}.${field.name}`;
      if (PUBLIC_COORDINATES.has(coordinate)) return undefined;
      return new GraphQLError(`Sign in first: ${coordinate} needs an access token or API key`, {
        nodes: [fieldNode],
        path,
        extensions: {
          code: 'UNAUTHENTICATED',
          http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
        },
      });
    },
  }) as unknown as GatewayPlugin;
}
