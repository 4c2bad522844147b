import { randomBytes } from 'node:crypto';
import type { FundInput } from '@equihome/domain';
import type { MessagingLogger } from '@equihome/messaging';
import { LOCAL_DEV_JWT_SECRET, loadConfig, signDevToken, type Role, type Service } from '@equihome/platform';
import { createPool } from '@equihome/storage';
import { buildApp, connectInfrastructure, fundServiceConfig, type FundServiceConfigShape, type FundServiceInfrastructure } from '../src/index.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';

/** A logger for the messaging client that keeps quiet. */
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface TestService {
  service: Service<FundServiceConfigShape>;
  infrastructure: FundServiceInfrastructure;
  /** Random token of this instance: collection prefix `t<token>_`, subject prefix `t<token>`, stream `T_<token>`. */
  token: string;
  env: Record<string, string>;
  /** `authorization` header value for a role; the token's sub is `t<token>-<role>`. */
  auth(role: Role): string;
  /** Deletes this instance's funds, audit rows and stream; closes everything. */
  cleanup(): Promise<void>;
}

/**
 * fund-service on the real PostgreSQL (`equihome_test`) and NATS, isolated by a random
 * collection prefix, subject prefix and stream, so parallel test files never collide.
 */
export async function startTestService(): Promise<TestService> {
  const token = randomBytes(6).toString('hex');
  const env = {
    LOG_LEVEL: 'silent',
    PORT: '0',
    RATE_LIMIT_MAX: '100000',
    DATABASE_URL: TEST_DATABASE_URL,
    DOCUMENT_COLLECTION_PREFIX: `t${token}_`,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_SUBJECT_PREFIX: `t${token}`,
    NATS_STREAM: `T_${token}`,
  };
  const infrastructure = await connectInfrastructure(loadConfig(fundServiceConfig, env), quiet);
  const service = await buildApp({ env, ...infrastructure });
  const roles: Role[] = ['viewer', 'analyst', 'admin'];
  const tokens = Object.fromEntries(
    await Promise.all(roles.map(async (role) => [role, await signDevToken({ role, sub: `t${token}-${role}`, secret: LOCAL_DEV_JWT_SECRET })])),
  ) as Record<Role, string>;

  return {
    service,
    infrastructure,
    token,
    env,
    auth: (role) => `Bearer ${tokens[role]}`,
    async cleanup() {
      await infrastructure.messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
      await service.close();
      const pool = createPool(TEST_DATABASE_URL);
      try {
        await pool.query('delete from documents where collection = $1', [`t${token}_funds`]);
        await pool.query('delete from audit_log where actor like $1', [`t${token}-%`]);
      } finally {
        await pool.end();
      }
    },
  };
}

/** A valid fund body: only the required fields; the model parameters take their documented defaults. */
export function fundBody(overrides: Partial<FundInput> = {}): FundInput {
  return { name: 'Equihome Fund I', size: 100_000_000, vintage_year: 2026, ...overrides };
}

/** Polls `probe` until it returns a value; rejects after `ms` so a missing delivery fails the test. */
export async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
