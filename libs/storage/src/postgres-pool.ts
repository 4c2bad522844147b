import pg from 'pg';
import { probe } from './readiness.js';
import { postgresTls, tlsEnv, type TlsEnv } from './tls.js';

/**
 * What the PostgreSQL adapters run their SQL on: a `pg.Pool` (each statement on any free
 * connection, autocommit) or the one client of a transaction (`pg.PoolClient`).
 */
export interface SqlExecutor {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/equihome';

export interface PoolOptions {
  /** Max connections (default 10). */
  max?: number;
  /** Milliseconds to wait for a free/new connection before failing (default 5000). */
  connectionTimeoutMillis?: number;
  /** Logs pool-level errors of idle clients (default: console.error). */
  onError?: (err: Error) => void;
  applicationName?: string;
  /** TLS settings (default: from the environment, see tls.ts). */
  tls?: TlsEnv;
}

/**
 * A `pg.Pool` for `url` with bounded waits. Idle-client errors (e.g. the server restarting)
 * are logged instead of crashing the process.
 */
export function createPool(url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, options: PoolOptions = {}): pg.Pool {
  const { connectionString, ssl } = postgresTls(url, options.tls ?? tlsEnv());
  const pool = new pg.Pool({
    connectionString,
    ssl,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'equihome',
  });
  const onError = options.onError ?? ((err: Error) => console.error('[storage] idle PostgreSQL client error:', err.message));
  pool.on('error', onError);
  return pool;
}

/**
 * Readiness probe: resolves when `select 1` answers within `timeoutMs` (default 2000),
 * else rejects with StoreError `UNAVAILABLE`.
 */
export async function pingPostgres(pool: pg.Pool, timeoutMs = 2000): Promise<void> {
  await probe('PostgreSQL', timeoutMs, () => pool.query('select 1 as ok'));
}
