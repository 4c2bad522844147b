import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Config } from './config.js';
import { forbidden, unauthorized } from './problem.js';

/** Roles in increasing order of privilege: viewer < analyst < admin. */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller, from the token's `sub` and `role` claims. */
export interface AuthUser {
  sub: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Minimum role for this route (default `viewer`). Only `/api/*` routes are authenticated. */
    role?: Role;
  }
  interface FastifyRequest {
    /** Set on every `/api/*` route after the bearer token is verified (null elsewhere). */
    user: AuthUser;
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when role `a` has at least the privileges of role `b` (`roleAtLeast('admin', 'analyst')`). */
export function roleAtLeast(a: Role, b: Role): boolean {
  return ROLES.indexOf(a) >= ROLES.indexOf(b);
}

export interface DevTokenOptions {
  role: Role;
  /** Subject; default `dev-<role>`. */
  sub?: string;
  /** HS256 secret (JWT_SECRET or LOCAL_DEV_JWT_SECRET). */
  secret: string;
  /** jose time span (`'1h'`, `'15m'`) or seconds; default `'12h'`. */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 JWT `{ sub, role }` for local development and tests. */
export async function signDevToken(options: DevTokenOptions): Promise<string> {
  const { role, secret } = options;
  if (!isRole(role)) throw new TypeError(`role: expected one of ${ROLES.join(', ')}, got ${String(role)}`);
  const expiresIn = options.expiresIn ?? '12h';
  let jwt = new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? `dev-${role}`)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

export type TokenVerifier = (token: string) => Promise<AuthUser>;

/**
 * Verifier from config: against `JWT_JWKS_URL` (remote key set, cached by jose) when set,
 * else HS256 with `JWT_SECRET`. Checks `exp`/`nbf`, and `iss`/`aud` when configured.
 * Throws a 401 HttpProblem for any invalid token.
 */
export function createTokenVerifier(config: Pick<Config, 'JWT_SECRET' | 'JWT_JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>): TokenVerifier {
  const options = {
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  const jwks: JWTVerifyGetKey | undefined = config.JWT_JWKS_URL ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL)) : undefined;
  const secret = new TextEncoder().encode(config.JWT_SECRET);
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      const result = jwks
        ? await jwtVerify(token, jwks, options)
        : await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] });
      payload = result.payload;
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'token expired' : error instanceof joseErrors.JOSEError ? `invalid token (${error.code})` : 'invalid token';
      throw unauthorized(reason, 'TOKEN_INVALID');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('invalid token: missing sub claim', 'TOKEN_INVALID');
    if (!isRole(payload.role)) throw unauthorized(`invalid token: role claim must be one of ${ROLES.join(', ')}`, 'TOKEN_INVALID');
    return { sub: payload.sub, role: payload.role };
  };
}

/** True for routes that require a bearer token: every route under `/api`. */
export function isProtectedRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return url !== undefined && (url === '/api' || url.startsWith('/api/'));
}

/**
 * onRequest hook: every `/api/*` route needs `Authorization: Bearer <jwt>` (401 otherwise,
 * with `WWW-Authenticate: Bearer`) and at least the route's `config.role` (403 otherwise).
 */
export function installAuth(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('user', null as unknown as AuthUser);
  app.addHook('onRequest', async (request) => {
    if (!isProtectedRoute(request)) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized(header === undefined ? 'missing bearer token' : 'authorization header must be "Bearer <token>"', header === undefined ? 'TOKEN_MISSING' : 'TOKEN_INVALID');
    const user = await verify(match[1]);
    const needed = request.routeOptions.config.role ?? 'viewer';
    if (!roleAtLeast(user.role, needed)) throw forbidden(`role ${user.role} is below the required role ${needed}`, 'ROLE_TOO_LOW');
    request.user = user;
  });
}
