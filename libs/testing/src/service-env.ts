import { collectionPrefix, streamName, subjectPrefix } from './names.js';

/** The test database (never the app database `equihome`). Override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';
/** The local NATS server (NATS_URL, else nats://127.0.0.1:4222). */
export const TEST_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * The environment a service reads in a test (platform's base config, storage's and
 * messaging's shapes), isolated by one prefix. No JWT_SECRET: outside production the
 * service then verifies with LOCAL_DEV_JWT_SECRET, which `tokens()` signs with. Keys of
 * the service's own config (`FUND_EVENTS_DURABLE`, …) go in `env`.
 */
export interface TestServiceEnv {
  NODE_ENV: 'test';
  LOG_LEVEL: 'silent';
  /** 0: the service picks a free port when it listens. */
  PORT: string;
  HOST: string;
  /** High enough that no test but a rate-limit test meets it. */
  RATE_LIMIT_MAX: string;
  DATABASE_URL: string;
  DOCUMENT_STORE: string;
  /** `<prefix>_`: the service's collections become `<prefix>_funds`, … */
  DOCUMENT_COLLECTION_PREFIX: string;
  NATS_URL: string;
  /** `<prefix>`: `equihome.fund.created` is `<prefix>.fund.created` on the wire. */
  NATS_SUBJECT_PREFIX: string;
  /** `<PREFIX>`: the test's own stream. */
  NATS_STREAM: string;
  [name: string]: string;
}

export interface TestServiceEnvOptions {
  /** The test's prefix (`randomPrefix('fund')`): collections, subjects and stream derive from it. */
  prefix: string;
  /** Added last: extra variables, or overrides (`undefined` removes a variable). */
  env?: Record<string, string | undefined>;
}

/**
 * Env for a service under test: `NODE_ENV=test`, `LOG_LEVEL=silent`, `PORT=0`,
 * `HOST=127.0.0.1`, `RATE_LIMIT_MAX=100000`,
 * `DATABASE_URL` = TEST_DATABASE_URL (`equihome_test`), `DOCUMENT_STORE=postgresql`,
 * `DOCUMENT_COLLECTION_PREFIX=<prefix>_`, `NATS_URL` = TEST_NATS_URL,
 * `NATS_SUBJECT_PREFIX=<prefix>`, `NATS_STREAM=<PREFIX>`; then `options.env`.
 */
export function testServiceEnv(options: TestServiceEnvOptions): TestServiceEnv {
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    RATE_LIMIT_MAX: '100000',
    DATABASE_URL: TEST_DATABASE_URL,
    DOCUMENT_STORE: 'postgresql',
    DOCUMENT_COLLECTION_PREFIX: collectionPrefix(options.prefix),
    NATS_URL: TEST_NATS_URL,
    NATS_SUBJECT_PREFIX: subjectPrefix(options.prefix),
    NATS_STREAM: streamName(options.prefix),
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as TestServiceEnv;
}
