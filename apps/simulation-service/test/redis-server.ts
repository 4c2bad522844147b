/**
 * A redis-server of the test's own (real binary, free loopback port, no persistence), so a
 * fault test can FLUSHALL or restart it without touching the shared Redis of other suites.
 * (Should move to libs/testing beside `startPrivateNatsServer`.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from '@equihome/testing';

export const REDIS_SERVER_BINARY = '/usr/bin/redis-server';

export interface PrivateRedisServer {
  readonly url: string;
  readonly port: number;
  /** A fresh client (callers quit it). */
  client(): Redis;
  /** Deletes every key (what a Redis restart without persistence leaves behind). */
  flushAll(): Promise<void>;
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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
