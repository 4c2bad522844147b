/**
 * Test harness: portfolio-service built through the SAME wiring as main.ts (`loadConfig`
 * once → `connectInfrastructure` → `buildApp`) against the REAL local PostgreSQL
 * (`equihome_test`) and NATS/JetStream, isolated by one random prefix (collections,
 * subjects, stream, durable). A stand-in fund-service answers `equihome.rpc.fund.get` on a
 * separate NATS connection with funds parsed by the domain schemas (the contract is the
 * subject + schema).
 */
import { Fund, FundInput, FundProblems, type EventSubject, type Portfolio } from '@equihome/domain';
import { connectMessaging, uuidv7, type Messaging, type Responder } from '@equihome/messaging';
import { defineProblem, loadConfig, type Role, type Service } from '@equihome/platform';
import { createPool, documentStoreFromConfig, type AuditLog, type DocumentStore } from '@equihome/storage';
import { consumerName, randomPrefix, signTestToken, silentLogger, testServiceEnv, type TestServiceEnv } from '@equihome/testing';
import { buildApp } from '../src/app.js';
import { portfolioServiceConfigShape, type PortfolioServiceConfig } from '../src/config.js';
import { connectInfrastructure, type PortfolioServiceInfrastructure } from '../src/infrastructure.js';
import { createPortfolioStore, PORTFOLIOS_COLLECTION, type PortfolioStore, type StoredPortfolio } from '../src/portfolio-store.js';

const StandInFundNotFound = defineProblem(FundProblems.FundNotFound.status, FundProblems.FundNotFound.code);

export interface Harness {
  /** The running service (replaced by `startApp`). */
  app: Service<PortfolioServiceConfig>;
  /** Its infrastructure (replaced by `startApp`). */
  infrastructure: PortfolioServiceInfrastructure;
  prefix: string;
  env: TestServiceEnv;
  config: PortfolioServiceConfig;
  /** The test's own connection: fund-service stand-in and event publisher/reader. */
  client: Messaging;
  /** The portfolios, read and written by the harness's OWN connection (valid while the service is stopped). */
  store: PortfolioStore;
  /** The raw collection, same connection (e.g. to plant a legacy document). */
  docs: DocumentStore<StoredPortfolio>;
  /** The backend's audit log, same connection. */
  audit: AuditLog;
  /** The stored portfolio, or null when there is none. */
  find(id: string): Promise<Portfolio | null>;
  /** Funds the stand-in fund-service knows, by id. */
  funds: Map<string, Fund>;
  /** Parses `input` with `FundInput`, stores it in the stand-in and returns the stored Fund. */
  addFund(input: FundInput): Fund;
  /** Delay of the stand-in's replies, ms (to provoke a timeout). */
  fundDelayMs: number;
  /** When set, the stand-in answers every request with this error (a problem with its status). */
  fundError: Error | undefined;
  /** Starts / stops the stand-in responder on `equihome.rpc.fund.get`. */
  startFundService(): void;
  stopFundService(): Promise<void>;
  token(role: Role): Promise<string>;
  /** Builds a new service instance (own infrastructure: NATS connection, pool, relay; same env and durable). */
  startApp(): Promise<Service<PortfolioServiceConfig>>;
  /** The last event stored on the stream for a logical subject (after the relay has published what is pending), or null. */
  lastEvent(subject: EventSubject): Promise<{ id: string; type: string; data: unknown } | null>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const prefix = randomPrefix('pf');
  const env = testServiceEnv({ prefix, env: { FUND_EVENTS_DURABLE: consumerName(prefix, 'fund-deleted'), FUND_RPC_TIMEOUT_MS: '3000' } });
  const config = loadConfig(portfolioServiceConfigShape, env);
  const client = await connectMessaging({ name: 'fund-service-standin', servers: env.NATS_URL, subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silentLogger });
  await client.ensureStream({ storage: 'memory' });
  const reader = documentStoreFromConfig(config);
  const docs = reader.collection<StoredPortfolio>(`${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${PORTFOLIOS_COLLECTION}`);
  const funds = new Map<string, Fund>();
  let responder: Responder | undefined;
  const running: Array<Service<PortfolioServiceConfig>> = [];

  const harness: Harness = {
    app: undefined as unknown as Service<PortfolioServiceConfig>,
    infrastructure: undefined as unknown as PortfolioServiceInfrastructure,
    prefix,
    env,
    config,
    client,
    store: createPortfolioStore(docs),
    docs,
    audit: reader.audit,
    async find(id) {
      return (await docs.get(id)) === null ? null : harness.store.get(id);
    },
    funds,
    fundDelayMs: 0,
    fundError: undefined,
    addFund(input) {
      const now = new Date().toISOString();
      const fund = Fund.parse({ ...FundInput.parse(input), id: uuidv7(), version: 1, created_at: now, updated_at: now });
      funds.set(fund.id, fund);
      return fund;
    },
    startFundService() {
      responder = client.serve('equihome.rpc.fund.get', async ({ id }) => {
        if (harness.fundDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, harness.fundDelayMs));
        if (harness.fundError) throw harness.fundError;
        const fund = funds.get(id);
        if (fund === undefined) throw StandInFundNotFound.create(`fund ${id} does not exist`);
        return fund;
      });
    },
    async stopFundService() {
      await responder?.stop();
      responder = undefined;
      await client.nc.flush();
    },
    token: (role) => signTestToken(role, { prefix }),
    async startApp() {
      const infrastructure = await connectInfrastructure(config, silentLogger);
      const app = await buildApp(config, infrastructure);
      running.push(app);
      harness.app = app;
      harness.infrastructure = infrastructure;
      return app;
    },
    async lastEvent(subject) {
      await harness.infrastructure.relay?.flush({ timeoutMs: 10_000 }).catch(() => undefined);
      try {
        const msg = await client.jsm.streams.getMessage(env.NATS_STREAM, { last_by_subj: client.subjects.toWire(subject) });
        return msg === null ? null : (msg.json() as { id: string; type: string; data: unknown });
      } catch {
        return null;
      }
    },
    async close() {
      await harness.docs.deleteWhere({}).catch(() => undefined);
      for (const app of running) await app.close().catch(() => undefined);
      await responder?.stop().catch(() => undefined);
      await client.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
      await client.close();
      await reader.close();
      const pool = createPool(env.DATABASE_URL);
      try {
        await pool.query('delete from audit_log where actor like $1', [`${prefix}-%`]);
        await pool.query('delete from outbox where starts_with(subject, $1)', [`${env.NATS_SUBJECT_PREFIX}.`]);
      } finally {
        await pool.end();
      }
    },
  };
  harness.startFundService();
  await client.nc.flush();
  await harness.startApp();
  return harness;
}

/** A small valid fund: about `size × 0.85 / 250 000` loans with the default parameters. */
export function smallFundInput(overrides: Partial<FundInput> = {}): FundInput {
  return { name: 'Test Fund I', size: 20_000_000, vintage_year: 2026, ...overrides };
}

/** Polls `check` every 50 ms until it returns true or `timeoutMs` passes; returns the last result. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
