import { describe, expect, it } from 'vitest';
import { randomPrefix, TEST_DATABASE_URL, testServiceEnv } from '../src/index.js';

// Loaded lazily, as the kit does (see tokens.ts).
const { LOCAL_DEV_JWT_SECRET, loadConfig } = await import('@equihome/platform');

describe('testServiceEnv', () => {
  it('isolates a service by one prefix on the test database and the local NATS server', () => {
    const prefix = randomPrefix('fund');
    const env = testServiceEnv({ prefix });
    expect(env).toEqual({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      HOST: '127.0.0.1',
      RATE_LIMIT_MAX: '100000',
      DATABASE_URL: TEST_DATABASE_URL,
      DOCUMENT_STORE: 'postgresql',
      DOCUMENT_COLLECTION_PREFIX: `${prefix}_`,
      NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
      NATS_SUBJECT_PREFIX: prefix,
      NATS_STREAM: prefix.toUpperCase(),
    });
    expect(TEST_DATABASE_URL).toMatch(/\/equihome_test$/);
  });

  it("is what platform's base config parses, unchanged", () => {
    const config = loadConfig({}, testServiceEnv({ prefix: randomPrefix('portfolio') }));
    expect(config).toMatchObject({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: 0, HOST: '127.0.0.1', RATE_LIMIT_MAX: 100_000, JWT_SECRET: LOCAL_DEV_JWT_SECRET });
  });

  it('adds a service’s own variables and overrides or removes defaults', () => {
    const prefix = randomPrefix('p');
    const env = testServiceEnv({ prefix, env: { FUND_EVENTS_DURABLE: `${prefix}_fund-deleted`, RATE_LIMIT_MAX: '3', DOCUMENT_STORE: undefined } });
    expect(env.FUND_EVENTS_DURABLE).toBe(`${prefix}_fund-deleted`);
    expect(env.RATE_LIMIT_MAX).toBe('3');
    expect('DOCUMENT_STORE' in env).toBe(false);
  });

  it('refuses a prefix that is not safe for every name', () => {
    expect(() => testServiceEnv({ prefix: 'Fund.X' })).toThrow(TypeError);
  });
});
