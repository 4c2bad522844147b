/**
 * Encryption in transit for the storage clients. The rule is the same for PostgreSQL and
 * Redis: the URL says whether TLS is used, a CA file may pin the server's authority, and the
 * server's certificate is always verified when TLS is on. In production (NODE_ENV=production)
 * PostgreSQL must use TLS with verification: no `sslmode` means `verify-full`, and a mode that
 * does not verify the server (`disable`, `allow`, `prefer`, `require`, `no-verify`) is refused
 * at start-up. MongoDB takes its TLS settings in MONGODB_URL (`tls=true&tlsCAFile=…`, driver
 * default: verify). At rest, the databases must provide encryption (encrypted volumes or the
 * managed service's encryption); job payloads and events carry ids and figures, no secrets.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

export interface TlsEnv {
  /** PEM file of the CA that signed the PostgreSQL server's certificate. */
  DATABASE_SSL_CA_FILE?: string | undefined;
  /** PEM file of the CA that signed the Redis server's certificate (`rediss://` URLs). */
  REDIS_TLS_CA_FILE?: string | undefined;
  NODE_ENV?: string | undefined;
}

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`config error: ${variable}: ${message}`);
  }
}

const UNVERIFIED_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'no-verify']);

/** The environment's TLS settings (empty strings count as unset). */
export function tlsEnv(env: Record<string, string | undefined> = process.env): TlsEnv {
  const v = (k: string) => (env[k] === '' ? undefined : env[k]);
  return { DATABASE_SSL_CA_FILE: v('DATABASE_SSL_CA_FILE'), REDIS_TLS_CA_FILE: v('REDIS_TLS_CA_FILE'), NODE_ENV: v('NODE_ENV') };
}

/**
 * The `ssl` option of a `pg.Pool` for `url`, and the connection string to pass with it (the
 * `sslmode`/`sslrootcert` parameters removed, so that pg's own parser does not override it):
 * - `sslmode=verify-full` or `verify-ca` (or, in production, no sslmode) → TLS, server
 *   certificate verified (`verify-ca` skips the host-name check), CA from `sslrootcert` or
 *   DATABASE_SSL_CA_FILE, else the system's CAs;
 * - `sslmode=disable` or none (outside production) → no TLS; `require`/`prefer`/`no-verify`
 *   → TLS without verification, refused in production.
 */
export function postgresTls(url: string, env: TlsEnv = tlsEnv()): { connectionString: string; ssl: false | ConnectionOptions } {
  const production = env.NODE_ENV === 'production';
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null; // a key=value string or socket path: leave it to pg
  }
  if (parsed === null) {
    if (production) throw new TlsConfigError('DATABASE_URL', 'must be a postgres:// URL in production (so that its sslmode can be checked)');
    return { connectionString: url, ssl: false };
  }
  const mode = parsed.searchParams.get('sslmode') ?? (production ? 'verify-full' : 'disable');
  const caFile = parsed.searchParams.get('sslrootcert') ?? env.DATABASE_SSL_CA_FILE;
  parsed.searchParams.delete('sslmode');
  parsed.searchParams.delete('sslrootcert');
  const connectionString = parsed.toString();
  if (production && UNVERIFIED_MODES.has(mode)) {
    throw new TlsConfigError('DATABASE_URL', `sslmode=${mode} does not verify the server; use sslmode=verify-full in production (CA: sslrootcert or DATABASE_SSL_CA_FILE)`);
  }
  if (mode === 'disable') return { connectionString, ssl: false };
  if (mode === 'verify-full' || mode === 'verify-ca') {
    const ssl: ConnectionOptions = { rejectUnauthorized: true, ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}) };
    if (mode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
    return { connectionString, ssl };
  }
  if (UNVERIFIED_MODES.has(mode)) return { connectionString, ssl: { rejectUnauthorized: false } };
  throw new TlsConfigError('DATABASE_URL', `unknown sslmode=${mode}`);
}

/**
 * ioredis' `tls` option for `url`: `rediss://` → TLS with the server verified (CA from
 * REDIS_TLS_CA_FILE, else the system's); `redis://` → none, and a CA file with a `redis://`
 * URL is refused (it would silently not be used).
 */
export function redisTls(url: string, env: TlsEnv = tlsEnv()): ConnectionOptions | undefined {
  const secure = url.startsWith('rediss://');
  if (!secure) {
    if (env.REDIS_TLS_CA_FILE) throw new TlsConfigError('REDIS_TLS_CA_FILE', 'is set but REDIS_URL is not rediss:// (TLS)');
    return undefined;
  }
  return { rejectUnauthorized: true, ...(env.REDIS_TLS_CA_FILE ? { ca: readFileSync(env.REDIS_TLS_CA_FILE, 'utf8') } : {}) };
}
