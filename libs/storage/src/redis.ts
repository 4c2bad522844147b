/**
 * ioredis client factory with defaults that suit BullMQ and Kubernetes:
 * - `maxRetriesPerRequest: null` (BullMQ requires it for blocking commands; commands wait
 *   through reconnects instead of failing after 20 retries),
 * - capped exponential reconnect back-off (50 ms … 2 s),
 * - an `error` listener that logs (an ioredis client without one crashes the process
 *   with "Unhandled error event"),
 * - `lazyConnect` available so constructing a client never opens a socket.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { StoreError } from './errors.js';
import { probe } from './readiness.js';
import { redisTls, tlsEnv, type TlsEnv } from './tls.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface CreateRedisOptions {
  /** Do not connect until the first command or `connect()` (default false). */
  lazyConnect?: boolean;
  /** Called for every client `error` event (default: one console.error line per error). */
  onError?: (err: Error) => void;
  /** Shown in `CLIENT LIST`; useful to find a leaking pod. */
  connectionName?: string;
  /** TLS settings (default: from the environment, see tls.ts). */
  tls?: TlsEnv;
  /** Any other ioredis option; these win over the defaults above. */
  redisOptions?: RedisOptions;
}

export function createRedis(url: string = process.env.REDIS_URL ?? DEFAULT_REDIS_URL, options: CreateRedisOptions = {}): Redis {
  const tls = redisTls(url, options.tls ?? tlsEnv());
  const client = new Redis(url, {
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    connectionName: options.connectionName,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    ...options.redisOptions,
  });
  const onError = options.onError ?? ((err: Error) => console.error('[storage] redis error:', err.message));
  client.on('error', onError);
  return client;
}

/**
 * Readiness probe: resolves when PING answers PONG within `timeoutMs` (default 2000),
 * else rejects with StoreError `UNAVAILABLE` (with `maxRetriesPerRequest: null` a bare
 * PING would wait forever while Redis is down).
 */
export async function pingRedis(client: Redis, timeoutMs = 2000): Promise<void> {
  const reply = await probe('Redis', timeoutMs, () => client.ping());
  if (reply !== 'PONG') throw new StoreError('UNAVAILABLE', `Redis answered PING with ${String(reply)}`);
}
