import type { MessagingLogger } from '@equihome/messaging';
import { createRedis } from '@equihome/storage';
import type { Redis } from 'ioredis';

/** Redis refused at start-up (eviction policy) or unreachable. */
export class RedisSetupError extends Error {
  override readonly name = 'RedisSetupError';
}

/**
 * The two kinds of ioredis connection BullMQ's production checklist asks for, both with an
 * `error` listener (an ioredis client without one crashes the process on "Unhandled error
 * event") and capped reconnect back-off (storage's `createRedis`):
 * - `worker`: `maxRetriesPerRequest: null` — Workers and QueueEvents block on Redis and must
 *   wait through reconnects instead of failing a command after 20 retries;
 * - `producer`: `enableOfflineQueue: false` and `maxRetriesPerRequest: 1` — a Queue /
 *   FlowProducer used by HTTP handlers fails fast while Redis is down rather than piling
 *   commands up in memory (the run is in PostgreSQL; the reconciler enqueues it later).
 * `connectionName` shows the role in `CLIENT LIST`.
 */
export function redisConnection(url: string, role: 'worker' | 'producer', name: string, log: MessagingLogger): Redis {
  let lastLogged = 0;
  return createRedis(url, {
    connectionName: `${name}:${role}`,
    onError: (err) => {
      // One line per 5 s per connection while Redis is down, not one per reconnect attempt.
      if (Date.now() - lastLogged > 5_000) {
        lastLogged = Date.now();
        log.warn({ err: err.message, role }, 'redis connection error');
      }
    },
    redisOptions: role === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null },
  });
}

/** Resolves once `client` is connected (`ready`), or rejects after `timeoutMs`. */
export async function redisReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RedisSetupError(`redis not ready within ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

/**
 * BullMQ needs `maxmemory-policy noeviction`: under any evicting policy Redis may drop job
 * keys under memory pressure and runs would lose shards silently. Read from `INFO memory`
 * (works where `CONFIG GET` is disabled, e.g. managed Redis). `require` → refuse to start;
 * otherwise a warning.
 */
export async function checkEvictionPolicy(client: Redis, require: boolean, log: MessagingLogger): Promise<string> {
  const info = await client.info('memory');
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? 'unknown';
  if (policy !== 'noeviction') {
    const message = `redis maxmemory-policy is ${policy}; BullMQ needs noeviction (jobs could be evicted)`;
    if (require) throw new RedisSetupError(`${message}: refusing to start (REDIS_REQUIRE_NOEVICTION / NODE_ENV=production)`);
    log.warn({ policy }, message);
  }
  return policy;
}
