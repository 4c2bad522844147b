import type { Role } from '@equihome/platform';

/** One signed bearer token per role. */
export type RoleTokens = Record<Role, string>;

export interface TokenOptions {
  /** `sub` of the tokens is `<prefix>-<role>` (default prefix `test`), so a test's rows can be found by actor. */
  prefix?: string;
  /** HS256 secret (default LOCAL_DEV_JWT_SECRET, which a service under test uses when JWT_SECRET is unset). */
  secret?: string;
  issuer?: string;
  audience?: string;
  /** jose time span or seconds (default `'1h'`). */
  expiresIn?: string | number;
}

/**
 * platform, loaded on first use: a lib whose tests use the kit for names, loggers or
 * `waitFor` (libs/messaging) does not load fastify and the platform at all.
 */
const platform = () => import('@equihome/platform');

/** The `sub` claim `tokens()` gives a role: `<prefix>-<role>`. */
export function tokenSubject(role: Role, prefix = 'test'): string {
  return `${prefix}-${role}`;
}

/** Signs an HS256 token for one role with platform's `signDevToken` (what `npm run token` does). */
export async function signTestToken(role: Role, options: TokenOptions = {}): Promise<string> {
  const { LOCAL_DEV_JWT_SECRET, signDevToken } = await platform();
  return signDevToken({
    role,
    sub: tokenSubject(role, options.prefix),
    secret: options.secret ?? LOCAL_DEV_JWT_SECRET,
    expiresIn: options.expiresIn ?? '1h',
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
  });
}

/** `{ viewer, analyst, admin }`: a signed token for every role. */
export async function tokens(options: TokenOptions = {}): Promise<RoleTokens> {
  const { ROLES } = await platform();
  const signed = await Promise.all(ROLES.map((role) => signTestToken(role, options)));
  return Object.fromEntries(ROLES.map((role, i) => [role, signed[i]])) as RoleTokens;
}

/** `Bearer <token>`: the `authorization` header value of a role. */
export async function authHeader(role: Role, options: TokenOptions = {}): Promise<string> {
  return `Bearer ${await signTestToken(role, options)}`;
}

/** `{ viewer: 'Bearer …', analyst: …, admin: … }`: sign once, then `headers[role]` synchronously. */
export async function authHeaders(options: TokenOptions = {}): Promise<RoleTokens> {
  const signed = await tokens(options);
  return Object.fromEntries(Object.entries(signed).map(([role, token]) => [role, `Bearer ${token}`])) as RoleTokens;
}
