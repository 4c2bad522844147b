/**
 * Test harness: portfolio-service against the REAL local PostgreSQL (`equihome_test`) and
 * NATS/JetStream, isolated by a random subject prefix, stream, durable name and document
 * collection prefix. A stand-in fund-service answers `equihome.rpc.fund.get` on a separate
 * NATS connection with funds parsed by the domain `FundInput` schema (the contract is the
 * subject + schema).
 */
import { randomBytes } from 'node:crypto';
import { Fund, FundInput, type EventSubject } from '@equihome/domain';
import { connectMessaging, uuidv7, type Messaging, type MessagingLogger, type Responder } from '@equihome/messaging';
import { LOCAL_DEV_JWT_SECRET, notFound, signDevToken, type Role } from '@equihome/platform';
import { createAuditLog, documentStoreFromEnv, type AuditLog, type DocumentStoreFactory } from '@equihome/storage';
import { buildApp, type PortfolioService } from '../src/app.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';
const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Harness {
  /** The running app instance (replaced by `restartApp`). */
  app: PortfolioService;
  env: Record<string, string>;
  /** The test's own connection: fund-service stand-in and event publisher/reader. */
  client: Messaging;
  documents: DocumentStoreFactory;
  audit: AuditLog;
  /** Funds the stand-in fund-service knows, by id. */
  funds: Map<string, Fund>;
  /** Parses `input` with `FundInput`, stores it in the stand-in and returns the stored Fund. */
  addFund(input: FundInput): Fund;
  /** Delay of the stand-in's replies, ms (to provoke a timeout). */
  fundDelayMs: number;
  /** Starts / stops the stand-in responder on `equihome.rpc.fund.get`. */
  startFundService(): void;
  stopFundService(): Promise<void>;
  token(role: Role): Promise<string>;
  /** Builds a new app instance (own NATS connection, same env and durable name). */
  startApp(): Promise<PortfolioService>;
  /** The last event stored on the stream for a logical subject (its envelope), or null. */
  lastEvent(subject: EventSubject): Promise<{ id: string; type: string; data: unknown } | null>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const token = randomBytes(5).toString('hex');
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    NATS_SUBJECT_PREFIX: `ps${token}`,
    NATS_STREAM: `PS_${token}`,
    DOCUMENT_COLLECTION_PREFIX: `ps_${token}_`,
    FUND_EVENTS_DURABLE: `ps-fund-deleted-${token}`,
    FUND_RPC_TIMEOUT_MS: '3000',
    RATE_LIMIT_MAX: '100000',
  };
  const client = await connectMessaging({ name: 'fund-service-standin', subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silent });
  await client.ensureStream({ storage: 'memory' });
  const documents = documentStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL });
  await documents.migrate();
  const audit = createAuditLog(documents.pool!);
  const funds = new Map<string, Fund>();
  let responder: Responder | undefined;
  const apps: PortfolioService[] = [];

  const startApp = async () => {
    const messaging = await connectMessaging({ name: 'portfolio-service', subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silent });
    const app = await buildApp({ env, messaging, documents, audit, onClose: [() => messaging.close()] });
    apps.push(app);
    harness.app = app;
    return app;
  };

  const harness: Harness = {
    app: undefined as unknown as PortfolioService,
    env,
    client,
    documents,
    audit,
    funds,
    fundDelayMs: 0,
    addFund(input) {
      const now = new Date().toISOString();
      const fund = Fund.parse({ ...FundInput.parse(input), id: uuidv7(), version: 1, created_at: now, updated_at: now });
      funds.set(fund.id, fund);
      return fund;
    },
    startFundService() {
      responder = client.serve('equihome.rpc.fund.get', async ({ id }) => {
        if (harness.fundDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, harness.fundDelayMs));
        const fund = funds.get(id);
        if (fund === undefined) throw notFound(`fund ${id} does not exist`, 'FUND_NOT_FOUND');
        return fund;
      });
    },
    async stopFundService() {
      await responder?.stop();
      responder = undefined;
      await client.nc.flush();
    },
    token: (role) => signDevToken({ role, secret: LOCAL_DEV_JWT_SECRET, sub: `test-${role}` }),
    startApp,
    async lastEvent(subject) {
      try {
        const msg = await client.jsm.streams.getMessage(env.NATS_STREAM, { last_by_subj: client.subjects.toWire(subject) });
        return msg === null ? null : (msg.json() as { id: string; type: string; data: unknown });
      } catch {
        return null;
      }
    },
    async close() {
      for (const app of apps) await app.close().catch(() => undefined);
      await responder?.stop().catch(() => undefined);
      await client.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
      await harness.app?.store.docs.deleteWhere({}).catch(() => undefined);
      await client.close();
      await documents.close();
    },
  };
  harness.startFundService();
  await client.nc.flush();
  await startApp();
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
