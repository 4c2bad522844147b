import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from './config.js';
import { PlatformProblems } from './platform-problems.js';
import { HttpProblem } from './problem.js';
import { cacheVerifiedTokens, type TokenCacheOptions, type VerifiedToken } from './token-cache.js';

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
    /** Set on every `/api/*` route once the bearer token is verified (null elsewhere); frozen. */
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

export interface TokenVerifierOptions {
  /** The verified-token cache (`cacheVerifiedTokens`): size, lifetime; `{ maxEntries: 0 }` turns it off. */
  cache?: Omit<TokenCacheOptions, 'now'>;
  /** Clock in ms since the epoch, for token times and the cache (default `Date.now`); for tests. */
  now?: () => number;
}

/** A 401 `TOKEN_INVALID` with `WWW-Authenticate: Bearer realm="equihome", error="invalid_token"`. */
function invalidToken(detail: string) {
  return PlatformProblems.TokenInvalid.create(detail, { headers: { 'www-authenticate': 'Bearer realm="equihome", error="invalid_token"' } });
}

/**
 * Verifier from config: against `JWT_JWKS_URL` (remote key set, cached by jose) when set,
 * else HS256 with `JWT_SECRET` (imported once as a key). Checks the signature, `exp`/`nbf`,
 * `iss`/`aud` when configured, a non-empty `sub` and a `role` in `ROLES`; throws a 401
 * `TOKEN_INVALID` HttpProblem otherwise (`alg: none` and algorithms other than HS256 with
 * a secret are rejected). Successes are remembered by `cacheVerifiedTokens` (never past the
 * token's `exp`); the `AuthUser` returned is frozen and may be shared between requests.
 */
export function createTokenVerifier(
  config: Pick<Config, 'JWT_SECRET' | 'JWT_JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const now = options.now ?? Date.now;
  const claims = {
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  const jwks: JWTVerifyGetKey | undefined = config.JWT_JWKS_URL ? createRemoteJWKSet(new URL(config.JWT_JWKS_URL)) : undefined;
  // jose would import a raw secret into a CryptoKey on every call: do it once.
  const secret = jwks ? undefined : crypto.subtle.importKey('raw', new TextEncoder().encode(config.JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verify = async (token: string): Promise<VerifiedToken<AuthUser>> => {
    let payload: JWTPayload;
    try {
      const currentDate = new Date(now());
      const result = jwks
        ? await jwtVerify(token, jwks, { ...claims, currentDate })
        : await jwtVerify(token, await secret!, { ...claims, currentDate, algorithms: ['HS256'] });
      payload = result.payload;
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'token expired' : error instanceof joseErrors.JOSEError ? `invalid token (${error.code})` : 'invalid token';
      throw invalidToken(reason);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidToken('invalid token: missing sub claim');
    if (!isRole(payload.role)) throw invalidToken(`invalid token: role claim must be one of ${ROLES.join(', ')}`);
    return { value: Object.freeze({ sub: payload.sub, role: payload.role }), ...(payload.exp !== undefined ? { exp: payload.exp } : {}) };
  };
  return cacheVerifiedTokens(verify, { ...options.cache, now });
}

/** True for paths that require a bearer token: `/api` and everything under `/api/`. */
export function isProtectedPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/api' || url.startsWith('/api/'));
}

/** True for routes that require a bearer token: every route under `/api`. */
export function isProtectedRoute(request: FastifyRequest): boolean {
  return isProtectedPath(request.routeOptions.url);
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
/** The auth outcome of a request, between the verifying and the enforcing hook. */
const kAuthFailure = Symbol('equihome.authFailure');
type WithAuthFailure = FastifyRequest & { [kAuthFailure]?: HttpProblem };

/**
 * Auth on every `/api/*` route, in two steps so that the rate limiter can sit between them
 * and key on the verified caller:
 * 1. `onRequest` (instance hook, so before the rate limiter's route-level `onRequest`):
 *    reads `Authorization: Bearer <jwt>`, verifies it and sets `request.user`; a missing or
 *    bad token is remembered, not thrown yet;
 * 2. `preParsing` (before the body is read): a missing token → 401 `TOKEN_MISSING`, a bad one
 *    → 401 `TOKEN_INVALID` (both with `WWW-Authenticate: Bearer`); a role below the route's
 *    `config.role` (default `viewer`) → 403 `ROLE_TOO_LOW`.
 * Requests with a bad or no token are thus rate-limited by client address like any other
 * unauthenticated request.
 */
export function installAuth(app: FastifyInstance, verify: TokenVerifier): void {
  app.decorateRequest('user', null as unknown as AuthUser);
  app.decorateRequest(kAuthFailure, undefined);
  app.addHook('onRequest', async (request: WithAuthFailure) => {
    if (!isProtectedRoute(request)) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      request[kAuthFailure] = PlatformProblems.TokenMissing.create('missing bearer token', { headers: { 'www-authenticate': 'Bearer realm="equihome"' } });
      return;
    }
    const match = BEARER.exec(header);
    if (match === null) {
      request[kAuthFailure] = invalidToken('authorization header must be "Bearer <token>"');
      return;
    }
    try {
      request.user = await verify(match[1]);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      request[kAuthFailure] = error;
    }
  });
  app.addHook('preParsing', async (request: WithAuthFailure) => {
    const failure = request[kAuthFailure];
    if (failure !== undefined) throw failure;
    const user = request.user;
    if (user === null) return;
    const needed = request.routeOptions.config.role ?? 'viewer';
    if (!roleAtLeast(user.role, needed)) throw PlatformProblems.RoleTooLow.create(`role ${user.role} is below the required role ${needed}`);
  });
}
