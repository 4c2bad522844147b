/**
 * Benchmark of the outbox on the real local PostgreSQL (equihome_test, or TEST_DATABASE_URL)
 * and NATS (127.0.0.1:4222, or NATS_URL):
 * 1. drain: BENCH_N (default 5 000) queued `fund.updated` events (a full fund, ~1.6 KB each,
 *    over 50 funds) relayed by one relay — events per second, at batch sizes 100 and 500;
 * 2. delay from commit to JetStream ack: BENCH_M (default 500) changes committed one after
 *    the other through `commitChange` (fund update + audit entry + event, one transaction)
 *    with `wake()` — p50/p99 of the time from `commitChange` resolving to the PubAck of its
 *    event; then the same with 10 writers at once;
 * 3. the cost of the transaction itself (commit p50/p99).
 * Starts with `VACUUM (ANALYZE) outbox` (the local PostgreSQL runs with autovacuum off).
 * Run: `node --conditions=@equihome/source --import tsx libs/outbox/bench/relay.bench.ts`.
 * Uses a private stream, subject prefix and collection, deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { connectMessaging, type MessagingLogger } from '@equihome/messaging';
import { documentStoreFromEnv, type Doc } from '@equihome/storage';
import { commitChange, startOutboxRelay } from '../src/index.js';

const N = Number(process.env['BENCH_N'] ?? 5_000);
const M = Number(process.env['BENCH_M'] ?? 500);
const FUNDS = 50;
const silent: MessagingLogger = { info: () => undefined, warn: (f, m) => console.warn(m, f), error: (f, m) => console.error(m, f) };
const token = randomBytes(5).toString('hex');
const prefix = `b${token}`;
const collection = `bench_${token}`;

interface FundData {
  name: string;
  size: number;
  vintage_year: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const latency = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(2)} ms  p99 ${pct(s, 99).toFixed(2)} ms  max ${s[s.length - 1].toFixed(2)} ms`;
};

const store = documentStoreFromEnv({ DATABASE_URL: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/equihome_test' });
await store.migrate();
// The local server runs with autovacuum off: without this, the dead rows of earlier runs (and
// tests) make every claim scan past them, and the figures drift down run after run.
await store.pool!.query('vacuum (analyze) outbox');
const messaging = await connectMessaging({ name: 'bench', subjectPrefix: prefix, stream: `B_${token}`, logger: silent });
try {
  await messaging.ensureStream();
  const funds: Doc<FundData>[] = [];
  for (let i = 0; i < FUNDS; i++) funds.push((await store.collection<FundData>(collection).create({ name: `Bench Fund ${i}`, size: 1e8, vintage_year: 2026 })).doc);
  const sample = messaging.createEnvelope('equihome.fund.updated', { fund: funds[0] });
  console.log(`outbox bench: ${N} queued events of ${Buffer.byteLength(JSON.stringify(sample))} bytes over ${FUNDS} funds; ${M} sequential commits`);

  // 1. Drain a backlog.
  for (const batchSize of [100, 500]) {
    for (let i = 0; i < N; i += 100) {
      await store.transaction(async (tx) => {
        for (let k = i; k < Math.min(N, i + 100); k++) {
          const fund = funds[k % FUNDS];
          await tx.enqueueEvent({ aggregate: fund.id, envelope: messaging.createEnvelope('equihome.fund.updated', { fund }) });
        }
      });
    }
    const t0 = performance.now();
    const relay = startOutboxRelay({ messaging, outbox: store.outbox, logger: silent, batchSize });
    await relay.flush();
    const ms = performance.now() - t0;
    await relay.stop();
    console.log(`drain ${N} queued events, one relay, batch ${String(batchSize).padEnd(4)} ${ms.toFixed(0)} ms = ${Math.round((N / ms) * 1000)} events/s`);
  }

  // 2./3. Commit → PubAck delay with wake().
  const acked = new Map<string, number>();
  const relay = startOutboxRelay({
    messaging: {
      subjects: messaging.subjects,
      async publishEnvelope(envelope) {
        const ack = await messaging.publishEnvelope(envelope);
        acked.set(envelope.id, performance.now());
        return ack;
      },
    },
    outbox: store.outbox,
    logger: silent,
  });
  const context = { store, events: messaging, relay };
  const change = async (i: number) => {
    const fund = funds[i % FUNDS];
    const started = performance.now();
    let eventId = '';
    const updated = await commitChange(context, async (tx) => {
      const current = (await tx.collection<FundData>(collection).get(fund.id))!;
      const doc = await tx.collection<FundData>(collection).update(fund.id, { name: `Bench Fund ${i}`, size: 1e8, vintage_year: 2026 }, current.version);
      await tx.appendAudit({ actor: 'bench', role: 'admin', action: 'update', resource: 'bench', resource_id: doc.id, version: doc.version });
      eventId = (await tx.emit('equihome.fund.updated', { fund: doc }, { aggregate: doc.id })).id;
      return doc;
    });
    return { eventId, committed: performance.now(), commitMs: performance.now() - started, updated };
  };
  for (const writers of [1, 10]) {
    const commits: Array<{ eventId: string; committed: number; commitMs: number }> = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = w; i < M; i += writers) commits.push(await change(i));
      }),
    );
    await relay.flush();
    const ms = performance.now() - t0;
    const delays = commits.map((c) => acked.get(c.eventId)! - c.committed);
    console.log(`${M} changes, ${String(writers).padStart(2)} writer(s): ${Math.round((M / ms) * 1000)} changes/s`);
    console.log(`  transaction (read + update + audit + outbox)  ${latency(commits.map((c) => c.commitMs))}`);
    console.log(`  commit → JetStream ack, with wake()            ${latency(delays)}`);
  }
  await relay.stop();
} finally {
  await messaging.jsm.streams.delete(`B_${token}`).catch(() => undefined);
  await messaging.close();
  await store.pool!.query('delete from outbox where starts_with(subject, $1)', [`${prefix}.`]);
  await store.pool!.query(`delete from audit_log where resource = 'bench'`);
  await store.collection(collection).deleteWhere({});
  await store.close();
}
