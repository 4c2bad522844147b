/**
 * Benchmark against the real local NATS 2.9 (127.0.0.1:4222, or NATS_URL): JetStream publish
 * with PubAck (sequential and 100 in flight), consume throughput through a durable pull
 * consumer (handler + confirmed ack per event), and request/reply round trips.
 * Run: `node --conditions=@equihome/source --import tsx libs/messaging/bench/messaging.bench.ts`.
 * Uses a private stream and subject prefix, deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { connectMessaging, type MessagingLogger } from '../src/index.js';

const N = Number(process.env['BENCH_N'] ?? 2_000);
const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const token = randomBytes(5).toString('hex');
const fund = { id: 'f1', version: 1, created_at: '2026-01-31T00:00:00Z', updated_at: '2026-01-31T00:00:00Z', name: 'Bench Fund', size: 1e8, vintage_year: 2026 };
const status = (i: number) => ({ id: 'run', state: 'running' as const, paths_done: i, paths_total: N, eta_seconds: 1 });

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const report = (label: string, count: number, ms: number, lat?: number[]) => {
  const s = lat ? [...lat].sort((a, b) => a - b) : undefined;
  const l = s ? `  p50 ${pct(s, 50).toFixed(3)} ms  p99 ${pct(s, 99).toFixed(3)} ms` : '';
  console.log(`${label.padEnd(44)} ${count} in ${ms.toFixed(0)} ms = ${Math.round((count / ms) * 1000)}/s${l}`);
};

const m = await connectMessaging({ name: 'bench', subjectPrefix: `b${token}`, stream: `B_${token}`, logger: silent });
try {
  await m.ensureStream({ storage: 'file' });

  let lat: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await m.publish('equihome.simulation.progress', status(i));
    lat.push(performance.now() - s);
  }
  report('publish + PubAck, sequential', N, performance.now() - t0, lat);

  t0 = performance.now();
  for (let i = 0; i < N; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => m.publish('equihome.simulation.progress', status(i + k))));
  }
  report('publish + PubAck, 100 in flight', N, performance.now() - t0);

  let got = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  t0 = performance.now();
  const consumer = await m.consume({
    durable: 'bench',
    subject: 'equihome.simulation.progress',
    maxMessages: 100,
    handler: async () => {
      if (++got === 2 * N) done();
    },
  });
  await all;
  report('consume (validate + handler + ackAck)', 2 * N, performance.now() - t0);
  await consumer.stop();

  const responder = m.serve('equihome.rpc.fund.get', async (req) => ({ ...fund, id: req.id }) as never);
  await m.nc.flush();
  lat = [];
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await m.request('equihome.rpc.fund.get', { id: `f${i}` });
    lat.push(performance.now() - s);
  }
  report('request/reply fund.get (both sides validate)', N, performance.now() - t0, lat);
  await responder.stop();
} finally {
  await m.jsm.streams.delete(`B_${token}`).catch(() => undefined);
  await m.close();
}
