/**
 * BullMQ's production checklist at start-up: a Redis that may evict keys is refused when
 * REDIS_REQUIRE_NOEVICTION (default: NODE_ENV=production) holds, and warned about otherwise.
 * On a private redis-server started with `maxmemory-policy allkeys-lru`.
 */
import { loadConfig } from '@equihome/platform';
import { randomPrefix, recordingLogger, startPrivateRedisServer, type PrivateRedisServer } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationServiceConfigShape } from '../src/config.js';
import { connectInfrastructure, connectWorkerInfrastructure } from '../src/infrastructure.js';
import { RedisSetupError } from '../src/redis-connections.js';
import { simulationEnv } from './helpers.js';

let redis: PrivateRedisServer;
beforeAll(async () => {
  redis = await startPrivateRedisServer({ maxmemoryPolicy: 'allkeys-lru' });
});
afterAll(async () => {
  await redis?.dispose();
});

const config = (extra: Record<string, string>) => loadConfig(simulationServiceConfigShape, simulationEnv(randomPrefix('simredis'), { REDIS_URL: redis.url, ...extra }));

describe('the Redis eviction policy', () => {
  it('refuses to start the API and a worker on an evicting Redis when noeviction is required', async () => {
    await expect(connectInfrastructure(config({ REDIS_REQUIRE_NOEVICTION: 'true' }), recordingLogger())).rejects.toThrow(RedisSetupError);
    await expect(connectWorkerInfrastructure(config({ REDIS_REQUIRE_NOEVICTION: 'true' }), recordingLogger())).rejects.toThrow(/maxmemory-policy is allkeys-lru/);
  });

  it('starts with a warning naming the policy when it is not required (local development)', async () => {
    const log = recordingLogger();
    const worker = await connectWorkerInfrastructure(config({ REDIS_REQUIRE_NOEVICTION: 'false' }), log);
    try {
      expect(log.find('warn', 'maxmemory-policy')).toHaveLength(1);
      expect(log.find('warn', 'maxmemory-policy')[0].fields).toMatchObject({ policy: 'allkeys-lru' });
    } finally {
      await worker.close();
    }
  });
});
