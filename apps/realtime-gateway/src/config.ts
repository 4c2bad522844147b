import { natsConfigShape } from '@equihome/messaging';
import type { Config } from '@equihome/platform';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** An upstream base URL; the empty string (counted as unset by `loadConfig`) or `none` = not configured. */
const upstream = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => (s === 'none' ? undefined : s.replace(/\/+$/, '')))
    .pipe(z.url({ protocol: /^https?$/, error: 'an http(s) URL such as http://127.0.0.1:3001, or "none"' }).optional());

/**
 * realtime-gateway's environment, merged by platform's `loadConfig` with the base config
 * (PORT, HOST, LOG_LEVEL, JWT_*, RATE_LIMIT_MAX, BODY_LIMIT_BYTES, TRUST_PROXY, …) and
 * messaging's `natsConfigShape` (NATS_URL, NATS_SUBJECT_PREFIX, NATS_STREAM). Durations in
 * milliseconds, sizes in bytes. Empty strings count as unset. Parsed ONCE, in main.ts.
 */
export const gatewayConfigShape = {
  /** HTTP and WebSocket port: the one origin of the frontend (default 8080). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ...natsConfigShape,
  /** Upstream of `/api/funds*`. */
  FUND_SERVICE_URL: upstream('http://127.0.0.1:3001'),
  /** Upstream of `/api/portfolios*`. */
  PORTFOLIO_SERVICE_URL: upstream('http://127.0.0.1:3002'),
  /** Upstream of `/api/simulations*`. */
  SIMULATION_SERVICE_URL: upstream('http://127.0.0.1:3003'),
  /** Upstream of `/api/optimization*`; empty or `none`: not configured (routes answer 503, readiness skips it). */
  OPTIMIZATION_SERVICE_URL: upstream('http://127.0.0.1:3004'),
  /** TCP connect timeout to an upstream: a dead host answers 503 after at most this long. */
  UPSTREAM_CONNECT_TIMEOUT_MS: int(50, 60_000).default(2_000),
  /** Time for an upstream's reply headers (and between body chunks): then 504. */
  UPSTREAM_TIMEOUT_MS: int(100, 600_000).default(30_000),
  /** `Retry-After` (seconds) of a 503 for an unreachable upstream. */
  UPSTREAM_RETRY_AFTER_S: int(1, 3_600).default(5),
  /** Timeout of a snapshot fetched on subscribe. */
  SNAPSHOT_TIMEOUT_MS: int(100, 60_000).default(5_000),
  /** A socket must authenticate within this long (first message `auth`), else 4401. */
  WS_AUTH_TIMEOUT_MS: int(100, 60_000).default(5_000),
  /** Ping every this long; a socket that did not answer the previous ping is terminated. */
  WS_PING_INTERVAL_MS: int(100, 600_000).default(30_000),
  /** Channels one socket may be subscribed to (pending subscriptions included). */
  WS_MAX_SUBSCRIPTIONS: int(1, 10_000).default(100),
  /** Largest client message; larger closes the socket with 1009. */
  WS_MAX_MESSAGE_BYTES: int(256, 1_048_576).default(16_384),
  /** Bytes queued for a socket that is not reading; over it the socket is closed with 1013. */
  WS_SEND_BUFFER_BYTES: int(1_024, 256 * 1_048_576).default(4 * 1_048_576),
  /** Presence heartbeat of this replica (per fund channel with local users). */
  PRESENCE_HEARTBEAT_MS: int(50, 600_000).default(10_000),
  /** A replica's presence is dropped when no heartbeat came for this long (its users disappear). */
  PRESENCE_TTL_MS: int(100, 3_600_000).default(30_000),
} satisfies z.ZodRawShape;

export type GatewayConfig = Config<typeof gatewayConfigShape>;

/** The upstream URL variables, by the path prefix they serve. */
export const UPSTREAM_VARIABLES = ['FUND_SERVICE_URL', 'PORTFOLIO_SERVICE_URL', 'SIMULATION_SERVICE_URL', 'OPTIMIZATION_SERVICE_URL'] as const;

/**
 * The environment as the gateway reads it: an upstream variable set to the EMPTY string means
 * "not configured" (`none`), whereas `loadConfig` counts empty strings as unset (= default).
 * `OPTIMIZATION_SERVICE_URL= npm run …` thus runs the gateway without optimization-service.
 */
export function gatewayEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of UPSTREAM_VARIABLES) if (out[name] !== undefined && out[name]!.trim() === '') out[name] = 'none';
  return out;
}
