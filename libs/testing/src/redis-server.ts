/**
 * A redis-server of the test's own (real binary, free loopback port, no persistence), so a
 * fault test can FLUSHALL or restart it without touching the shared Redis of other suites;
 * and the shared test Redis' URL with a by-pattern cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';
import { freePort } from './free-port.js';

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server';

/** The shared Redis of the tests (REDIS_URL, else the local one). */
export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every key matching the SCAN pattern `match` (a test's `{prefix}*`); returns how many. */
export async function deleteRedisKeys(match: string, url: string = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

export interface PrivateRedisServer {
  readonly url: string;
  readonly port: number;
  /** A fresh client (callers quit it). */
  client(): Redis;
  /** Deletes every key (what a Redis restart without persistence leaves behind). */
  flushAll(): Promise<void>;
  dispose(): Promise<void>;
}


/** `maxmemoryPolicy` other than noeviction: for the start-up check's test. */
export async function startPrivateRedisServer(options: { maxmemoryPolicy?: string } = {}): Promise<PrivateRedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_SERVER_BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = () => new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  await waitFor(
    async () => {
      const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    },
    { timeoutMs: 10_000, message: 'private redis-server reachable' },
  );
  return {
    url,
    port,
    client,
    async flushAll() {
      const c = client();
      try {
        await c.flushall();
      } finally {
        c.disconnect();
      }
    },
    async dispose() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
