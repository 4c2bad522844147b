import { randomBytes } from 'node:crypto';
import type { EventEnvelope } from '@equihome/domain';
import { connectMessaging, type Messaging, type MessagingLogger, type PublishAck } from '@equihome/messaging';
import { documentStoreFromEnv, type Doc, type DocumentStoreFactory } from '@equihome/storage';
import { commitChange, type ChangeContext } from '../src/index.js';

/** The test database (never the app database). Override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export const randomToken = (): string => randomBytes(6).toString('hex');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Logger that records lines instead of printing them. */
export function recordingLogger(): MessagingLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (fields, message) => lines.push({ level: 'info', message, fields }),
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
    error: (fields, message) => lines.push({ level: 'error', message, fields }),
  };
}

/** The fields of a fund document the tests store (schema defaults fill the rest in the event). */
export interface FundData {
  name: string;
  size: number;
  vintage_year: number;
}

/**
 * A private world on the real servers: subject prefix `t<token>`, stream `T_<token>`, a
 * funds collection `c_<token>` in the test database. `cleanup` deletes the stream, the
 * collection and the outbox rows of the prefix, and closes every connection.
 */
export interface TestWorld {
  token: string;
  prefix: string;
  stream: string;
  collection: string;
  store: DocumentStoreFactory;
  logger: ReturnType<typeof recordingLogger>;
  /** Opens a messaging connection of this world (fast reconnects, 1 s JetStream timeout). */
  connect(name?: string): Promise<Messaging>;
  messaging: Messaging;
  /** Rows of the outbox under this world's prefix. */
  outboxRows(): Promise<Array<{ id: string; aggregate: string; sent_at: Date | null }>>;
  cleanup(): Promise<void>;
}

export async function testWorld(): Promise<TestWorld> {
  const token = randomToken();
  const prefix = `t${token}`;
  const stream = `T_${token}`;
  const collection = `c_${token}`;
  const store = documentStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL });
  await store.migrate();
  const logger = recordingLogger();
  const opened: Messaging[] = [];
  const connect = async (name = 'outbox-test') => {
    const m = await connectMessaging({ name, servers: NATS_URL, subjectPrefix: prefix, stream, logger: recordingLogger(), reconnectTimeWaitMs: 100, jetStreamTimeoutMs: 1_000 });
    opened.push(m);
    return m;
  };
  const messaging = await connect('fund-service');
  await messaging.ensureStream();
  return {
    token,
    prefix,
    stream,
    collection,
    store,
    logger,
    connect,
    messaging,
    async outboxRows() {
      const { rows } = await store.pool!.query('select id, aggregate, sent_at from outbox where starts_with(subject, $1) order by seq', [`${prefix}.`]);
      return rows;
    },
    async cleanup() {
      const live = opened.find((m) => !m.nc.isClosed());
      if (live) await live.jsm.streams.delete(stream).catch(() => undefined);
      await Promise.all(opened.map((m) => m.close({ graceMs: 1_000 })));
      await store.pool!.query('delete from outbox where starts_with(subject, $1)', [`${prefix}.`]);
      await store.collection(collection).deleteWhere({});
      await store.close();
    },
  };
}

/** One stored message of a stream. */
export interface StoredEvent {
  seq: number;
  msgId: string | undefined;
  envelope: EventEnvelope<{ fund: Doc<FundData> }>;
}

/** Every message of the stream, in stream order. */
export async function readStream(m: Messaging, stream: string): Promise<StoredEvent[]> {
  const { state } = await m.jsm.streams.info(stream);
  const events: StoredEvent[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await m.jsm.streams.getMessage(stream, { seq });
    if (msg === null) continue;
    events.push({ seq, msgId: msg.header.get('Nats-Msg-Id'), envelope: msg.json() });
  }
  return events;
}

/**
 * Per aggregate, the fund versions in stream order — [1, 2, 3 …] when every event of the
 * aggregate arrived once and in commit order.
 */
export function versionsByFund(events: StoredEvent[]): Map<string, number[]> {
  const byFund = new Map<string, number[]>();
  for (const { envelope } of events) {
    const fund = envelope.data.fund;
    byFund.set(fund.id, [...(byFund.get(fund.id) ?? []), fund.version]);
  }
  return byFund;
}

/** Messaging whose `publishEnvelope` goes through `around` (count, delay or fail publishes). */
export function wrapPublish(
  m: Messaging,
  around: (envelope: EventEnvelope, publish: () => Promise<PublishAck>) => Promise<PublishAck>,
): Pick<Messaging, 'publishEnvelope' | 'subjects'> {
  return { subjects: m.subjects, publishEnvelope: (envelope) => around(envelope, () => m.publishEnvelope(envelope)) };
}

/** Polls `probe` until it returns a value; rejects after `ms` so a missing condition fails the test. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await sleep(25);
  }
}

/** Creates a fund through `commitChange`: document, audit entry and `fund.created`, one transaction. */
export async function createFund(context: ChangeContext, world: Pick<TestWorld, 'collection'>, name: string): Promise<Doc<FundData>> {
  return commitChange(context, async (tx) => {
    const { doc } = await tx.collection<FundData>(world.collection).create({ name, size: 100_000_000, vintage_year: 2026 });
    await tx.appendAudit({ actor: 'u1', role: 'admin', action: 'create', resource: 'fund', resource_id: doc.id, version: doc.version });
    await tx.emit('equihome.fund.created', { fund: doc, actor: { sub: 'u1', role: 'admin' } }, { aggregate: doc.id });
    return doc;
  });
}

/** Renames a fund through `commitChange` (version compare-and-set) and emits `fund.updated`. */
export async function renameFund(context: ChangeContext, world: Pick<TestWorld, 'collection'>, fund: Doc<FundData>, name: string): Promise<Doc<FundData>> {
  return commitChange(context, async (tx) => {
    const doc = await tx.collection<FundData>(world.collection).update(fund.id, { name, size: fund.size, vintage_year: fund.vintage_year }, fund.version);
    await tx.appendAudit({ actor: 'u1', role: 'admin', action: 'update', resource: 'fund', resource_id: doc.id, version: doc.version });
    await tx.emit('equihome.fund.updated', { fund: doc, actor: { sub: 'u1', role: 'admin' } }, { aggregate: doc.id });
    return doc;
  });
}
