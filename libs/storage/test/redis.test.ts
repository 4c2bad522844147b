import { describe, expect, it } from 'vitest';
import { createRedis, pingRedis, StoreError } from '../src/index.js';
import { uniqueName } from './test-database.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('createRedis', () => {
  it('connects to the real Redis, answers ping and round-trips a value', async () => {
    const client = createRedis(REDIS_URL, { connectionName: 'storage-test' });
    const key = uniqueName('storage-test');
    try {
      await pingRedis(client);
      await client.set(key, 'v', 'EX', 60);
      expect(await client.get(key)).toBe('v');
      expect(client.options.maxRetriesPerRequest).toBeNull(); // BullMQ requirement
    } finally {
      await client.del(key);
      await client.quit();
    }
  });

  it('does not connect until first use when lazyConnect is set', async () => {
    const client = createRedis(REDIS_URL, { lazyConnect: true });
    try {
      expect(client.status).toBe('wait');
      await pingRedis(client);
      expect(client.status).toBe('ready');
    } finally {
      await client.quit();
    }
  });

  it('reports an unreachable Redis as UNAVAILABLE within the ping timeout and routes errors to the hook', async () => {
    const errors: Error[] = [];
    // port 1 on loopback: nothing listens there, connections are refused
    const client = createRedis('redis://127.0.0.1:1', { onError: (err) => errors.push(err) });
    try {
      const err = await pingRedis(client, 300).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('UNAVAILABLE');
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });
});
