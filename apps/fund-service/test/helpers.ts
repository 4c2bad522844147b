/**
 * fund-service under test: built through the SAME wiring as main.ts (`loadConfig` once →
 * `connectInfrastructure` → `buildApp`) on the real PostgreSQL (`equihome_test`) and NATS,
 * isolated by one random prefix (collections `<prefix>_funds`, subjects `<prefix>.fund.*`,
 * stream `<PREFIX>`), so parallel test files never collide.
 */
import type { FundInput } from '@equihome/domain';
import { loadConfig, type Role, type Service } from '@equihome/platform';
import { createPool } from '@equihome/storage';
import { authHeaders, randomPrefix, silentLogger, testServiceEnv, tokenSubject, type TestServiceEnv } from '@equihome/testing';
import { buildApp } from '../src/app.js';
import { fundServiceConfigShape, type FundServiceConfig } from '../src/config.js';
import { connectInfrastructure, type FundServiceInfrastructure } from '../src/infrastructure.js';

export interface TestService {
  service: Service<FundServiceConfig>;
  infrastructure: FundServiceInfrastructure;
  config: FundServiceConfig;
  /** The random prefix of this instance. */
  prefix: string;
  env: TestServiceEnv;
  /** `authorization` header value for a role; the token's sub is `sub(role)`. */
  auth(role: Role): string;
  /** The `sub` of a role's token (the audit `actor`, the events' `actor.sub`). */
  sub(role: Role): string;
  /** Deletes this instance's funds, audit rows, outbox rows and stream; closes everything. */
  cleanup(): Promise<void>;
}

export async function startTestService(extraEnv: Record<string, string> = {}): Promise<TestService> {
  const prefix = randomPrefix('fund');
  const env = testServiceEnv({ prefix, env: extraEnv });
  const config = loadConfig(fundServiceConfigShape, env);
  const infrastructure = await connectInfrastructure(config, silentLogger);
  const service = await buildApp(config, infrastructure);
  const headers = await authHeaders({ prefix });
  return {
    service,
    infrastructure,
    config,
    prefix,
    env,
    auth: (role) => headers[role],
    sub: (role) => tokenSubject(role, prefix),
    async cleanup() {
      await infrastructure.messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
      await service.close();
      const pool = createPool(env.DATABASE_URL);
      try {
        await pool.query('delete from documents where collection = $1', [infrastructure.fundsCollection]);
        await pool.query('delete from audit_log where actor like $1', [`${prefix}-%`]);
        await pool.query('delete from outbox where subject like $1', [`${env.NATS_SUBJECT_PREFIX}.%`]);
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
