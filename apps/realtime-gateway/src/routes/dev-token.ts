import { LOCAL_DEV_JWT_SECRET, ROLES, signDevToken, type FastifyZodInstance } from '@equihome/platform';
import { z } from 'zod';
import type { GatewayConfig } from '../config.js';

/** True when this gateway may hand out tokens: it verifies with the public local secret and is not in production. */
export function devTokensEnabled(config: GatewayConfig): boolean {
  return config.NODE_ENV !== 'production' && !config.JWT_JWKS_URL && config.JWT_SECRET === LOCAL_DEV_JWT_SECRET;
}

const DevTokenQuery = z.strictObject({
  role: z.enum(ROLES).default('analyst'),
  /** Subject of the token (default `dev-<role>`), e.g. to try presence as two users. */
  sub: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _.@- (at most 64)').optional(),
});
const DevToken = z.object({ token: z.string(), sub: z.string(), role: z.enum(ROLES), expires_in_s: z.number().int() });

/**
 * `GET /auth/dev-token?role=analyst[&sub=…]` → `{ token, sub, role, expires_in_s }`: a
 * 12-hour HS256 token signed with the LOCAL development secret, so the results page signs in
 * by itself on a developer's machine. Registered ONLY when the gateway runs with that secret
 * (no JWT_SECRET, no JWT_JWKS_URL) and NODE_ENV is not `production`; everywhere else the route
 * does not exist (404) and the page asks for a token.
 */
export function devTokenRoutes(app: FastifyZodInstance, config: GatewayConfig): void {
  if (!devTokensEnabled(config)) return;
  const expiresInS = 12 * 3_600;
  app.get(
    '/auth/dev-token',
    {
      schema: { tags: ['auth'], summary: 'A local development token (only with the local secret, never in production)', querystring: DevTokenQuery, response: { 200: DevToken } },
    },
    async (request, reply) => {
      const { role } = request.query;
      const sub = request.query.sub ?? `dev-${role}`;
      reply.header('cache-control', 'no-store');
      return { token: await signDevToken({ role, sub, secret: LOCAL_DEV_JWT_SECRET, expiresIn: expiresInS }), sub, role, expires_in_s: expiresInS };
    },
  );
}
