/**
 * realtime-gateway benchmark (figures printed, never asserted), on the real PostgreSQL,
 * Redis and NATS with every service as its own OS process (fund, portfolio, simulation API,
 * one simulation worker, the gateway):
 * 1. BENCH_CLIENTS (default 1,000) WebSocket clients subscribe to ONE queued run; then the
 *    worker starts and the run (BENCH_PATHS, default 100,000 monthly paths) streams its
 *    progress: do all clients receive `completed`? p50/p90/p99/max delivery latency of the
 *    progress messages from their NATS publish (the event's `time`, stamped by
 *    simulation-service as it publishes) to the client; the gateway's RSS (idle with every
 *    socket subscribed, and peak during the run).
 * 2. `GET /api/funds?limit=10` through the gateway vs direct to fund-service (autocannon, 50
 *    connections, BENCH_DURATION s each, default 10, after 3 s of warm-up of each), with the
 *    CPU time gateway and fund-service spend per request.
 * Run: `node --conditions=@equihome/source --import tsx apps/realtime-gateway/bench/gateway.bench.ts`
 * (from the repo root; part of `npm run bench`).
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { LOCAL_DEV_JWT_SECRET, signDevToken } from '@equihome/platform';
import { connectMessaging, createEnvelope, SubjectMapper } from '@equihome/messaging';
import { consumerName, deleteRedisKeys, randomPrefix, silentLogger, testServiceEnv, TEST_DATABASE_URL, TEST_REDIS_URL } from '@equihome/testing';
import pg from 'pg';
import WebSocket from 'ws';
import { startProcess, startWorker, type ServiceProcess } from '../test/service-processes.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000);
const PATHS = Number(process.env.BENCH_PATHS ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);

const prefix = randomPrefix('gwbench');
const env = testServiceEnv({
  prefix,
  env: {
    RATE_LIMIT_MAX: '100000000',
    REDIS_URL: TEST_REDIS_URL,
    BULLMQ_PREFIX: `{${prefix}}`,
    SIM_QUEUE: 'sim',
    SIM_SHARD_PATHS: '2000',
    WORKER_THREADS: '1',
    PORTFOLIO_EVENTS_DURABLE: consumerName(prefix, 'portfolios'),
    FUND_EVENTS_DURABLE: consumerName(prefix, 'fund-deleted'),
  },
});
const processes: ServiceProcess[] = [];
const clients: LightClient[] = [];

/**
 * A client as light as can be, so the figures measure the gateway and not this process:
 * each frame is stored raw with its arrival time and parsed after the run.
 */
class LightClient {
  readonly frames: Array<[number, Buffer]> = [];
  completed = false;
  readonly ws: WebSocket;
  constructor(url: string, token: string) {
    this.ws = new WebSocket(url, ['bearer', token]);
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => {
      this.frames.push([Date.now(), data]);
      if (!this.completed && data.includes('"type":"completed"')) this.completed = true;
    });
  }
  async subscribe(channel: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.send(JSON.stringify({ type: 'subscribe', channel }));
    const deadline = Date.now() + 60_000;
    while (!this.frames.some(([, f]) => f.includes('"type":"subscribed"'))) {
      if (Date.now() > deadline) throw new Error('not subscribed within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  messages(): Array<{ at: number; message: Record<string, unknown> }> {
    return this.frames.map(([at, f]) => ({ at, message: JSON.parse(f.toString()) as Record<string, unknown> }));
  }
  close(): void {
    this.ws.terminate();
  }
}

const rssMiB = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
};
/** User + system CPU time of a process so far, ms (/proc/<pid>/stat, 100 ticks/s). */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const t0 = Date.now();
  const [fund, portfolio, simulation] = await Promise.all([
    startProcess({ app: 'fund-service', env }),
    startProcess({ app: 'portfolio-service', env }),
    startProcess({ app: 'simulation-service', env }),
  ]);
  processes.push(fund, portfolio, simulation);
  const gateway = await startProcess({
    app: 'realtime-gateway',
    env: { ...env, FUND_SERVICE_URL: fund.url, PORTFOLIO_SERVICE_URL: portfolio.url, SIMULATION_SERVICE_URL: simulation.url, OPTIMIZATION_SERVICE_URL: '' },
  });
  processes.push(gateway);
  console.log(`services and gateway up in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${CLIENTS} clients, ${PATHS.toLocaleString('en')} monthly paths`);

  const analyst = await signDevToken({ role: 'analyst', sub: `${prefix}-bench`, secret: LOCAL_DEV_JWT_SECRET, expiresIn: '1h' });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${analyst}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const created = await call('POST', '/api/funds', { name: 'Bench Fund', size: 100_000_000, vintage_year: 2026 });
  fundIds.push(String(created.id));
  const generated = await call('POST', '/api/portfolios/generate', { fund_id: created.id, seed: 3 });
  const run = await call('POST', '/api/simulations', { fund_id: created.id, portfolio_id: generated.id, paths: PATHS, granularity: 'monthly', seed: 1, cache: false });
  runIds.push(String(run.id));
  const channel = `simulation:${run.id}`;

  // 1,000 sockets on the queued run (no worker yet), 100 at a time.
  const wsUrl = `${gateway.url.replace('http', 'ws')}/ws`;
  const tConnect = Date.now();
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch = Array.from({ length: Math.min(100, CLIENTS - i) }, () => new LightClient(wsUrl, analyst));
    clients.push(...batch);
    await Promise.all(batch.map((c) => c.subscribe(channel)));
  }
  const subscribed = clients.length;
  console.log(`${subscribed}/${CLIENTS} clients subscribed in ${((Date.now() - tConnect) / 1000).toFixed(1)} s; gateway RSS ${rssMiB(gateway.pid).toFixed(0)} MiB with every socket subscribed`);

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(gateway.pid))), 100);
  const tRun = Date.now();
  processes.push(await startWorker(env));
  const deadline = Date.now() + 15 * 60_000;
  while (clients.some((c) => !c.completed) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  clearInterval(sampler);
  const completed = clients.filter((c) => c.completed).length;

  const latencies: number[] = [];
  const perClient: number[] = [];
  /** Per progress event: first and last arrival over the clients (the fan-out spread). */
  const spread = new Map<string, { first: number; last: number }>();
  for (const c of clients) {
    let n = 0;
    for (const { at, message } of c.messages()) {
      if (message.type !== 'progress') continue;
      n++;
      latencies.push(at - Date.parse(String(message.time)));
      const s = spread.get(String(message.event_id)) ?? { first: at, last: at };
      spread.set(String(message.event_id), { first: Math.min(s.first, at), last: Math.max(s.last, at) });
    }
    perClient.push(n);
  }
  const spreads = [...spread.values()].map((s) => s.last - s.first).sort((a, b) => a - b);
  latencies.sort((a, b) => a - b);
  perClient.sort((a, b) => a - b);
  console.log(`run done in ${((Date.now() - tRun) / 1000).toFixed(1)} s (worker start included): ${completed}/${CLIENTS} clients received completed`);
  console.log(`progress messages per client: min ${perClient[0]}, max ${perClient[perClient.length - 1]} (${latencies.length.toLocaleString('en')} deliveries)`);
  console.log(`NATS publish → client latency: p50 ${pct(latencies, 50)} ms, p90 ${pct(latencies, 90)} ms, p99 ${pct(latencies, 99)} ms, max ${latencies[latencies.length - 1]} ms`);
  console.log(`first → last client of one event: p50 ${pct(spreads, 50)} ms, p99 ${pct(spreads, 99)} ms`);
  console.log(`gateway RSS: peak ${peak.toFixed(0)} MiB during the run`);

  // The same fan-out with no simulation computing beside it: SYNTHETIC progress events of the
  // run (the last real one's data, ~1 KB with partial percentiles) published on core NATS
  // by this process, 20 per second.
  const last = clients[0].messages().filter(({ message }) => message.type === 'progress').pop()?.message.data as Record<string, unknown>;
  const publisher = await connectMessaging({ name: 'simulation-service', subjectPrefix: prefix, logger: silentLogger });
  const subjects = new SubjectMapper(prefix);
  const before = clients.map((c) => c.frames.length);
  const SYNTHETIC = 100;
  for (let i = 0; i < SYNTHETIC; i++) {
    const envelope = createEnvelope({ subjects, source: 'bench' }, 'equihome.simulation.progress', { ...last, state: 'running', paths_done: i } as never);
    publisher.nc.publish(envelope.subject, JSON.stringify(envelope));
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 2_000));
  await publisher.close();
  const synthetic: number[] = [];
  let got = 0;
  clients.forEach((c, k) => {
    for (const [at, frame] of c.frames.slice(before[k])) {
      const message = JSON.parse(frame.toString()) as { type: string; time: string };
      if (message.type !== 'progress') continue;
      got++;
      synthetic.push(at - Date.parse(message.time));
    }
  });
  synthetic.sort((a, b) => a - b);
  console.log(
    `synthetic progress (${SYNTHETIC} events at 20/s, no run computing): ${got}/${SYNTHETIC * CLIENTS} delivered; latency p50 ${pct(synthetic, 50)} ms, p90 ${pct(synthetic, 90)} ms, p99 ${pct(synthetic, 99)} ms, max ${synthetic[synthetic.length - 1]} ms`,
  );
  for (const c of clients) c.close();
  await new Promise((r) => setTimeout(r, 1_000));

  const auth = { authorization: `Bearer ${analyst}` };
  /** autocannon on `url`, with the CPU time the gateway and fund-service spent per request meanwhile. */
  const load = async (url: string) => {
    const [g0, f0] = [cpuMs(gateway.pid), cpuMs(fund.pid)];
    const result = await autocannon({ url: `${url}/api/funds?limit=10`, connections: 50, duration: DURATION, headers: auth });
    const perRequest = (ms: number) => ((1000 * ms) / Math.max(1, result.requests.total)).toFixed(0);
    return { result, cpu: `CPU per request: gateway ${perRequest(cpuMs(gateway.pid) - g0)} µs, fund-service ${perRequest(cpuMs(fund.pid) - f0)} µs` };
  };
  // Warm-up of both paths (JIT, connection pools), not counted: the gateway's proxy path
  // has served nothing yet, whereas fund-service would warm up during the direct run.
  for (const url of [fund.url, gateway.url]) await autocannon({ url: `${url}/api/funds?limit=10`, connections: 50, duration: 3, headers: auth });
  const direct = await load(fund.url);
  const proxied = await load(gateway.url);
  const line = (name: string, { result: r, cpu }: typeof direct) =>
    `${name.padEnd(28)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}   ${cpu}`;
  console.log(`GET /api/funds?limit=10, autocannon 50 connections × ${DURATION} s:`);
  console.log(line('direct (fund-service)', direct));
  console.log(line('through the gateway', proxied));
  console.log(`gateway / direct: ${((100 * proxied.result.requests.average) / direct.result.requests.average).toFixed(0)} %; gateway RSS after ${rssMiB(gateway.pid).toFixed(0)} MiB`);
}

const runIds: string[] = [];
const fundIds: string[] = [];

async function cleanup(): Promise<void> {
  for (const c of clients) c.close();
  await Promise.allSettled(processes.map((p) => p.stop('SIGKILL')));
  const messaging = await connectMessaging({ name: 'bench-cleanup', subjectPrefix: prefix, logger: silentLogger });
  await messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
  await messaging.close();
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    for (const table of ['simulation_shards', 'simulation_results', 'simulation_series']) await pool.query(`delete from ${table} where run_id = any($1::text[])`, [runIds]);
    await pool.query('delete from simulation_fund_portfolios where fund_id = any($1::text[])', [fundIds]);
    await pool.query('delete from documents where collection like $1', [`${env.DOCUMENT_COLLECTION_PREFIX}%`]);
    await pool.query('delete from outbox where starts_with(subject, $1)', [`${prefix}.`]);
    await pool.query('delete from audit_log where actor like $1', [`${prefix}-%`]);
  } finally {
    await pool.end();
  }
  await deleteRedisKeys(`{${prefix}}*`, TEST_REDIS_URL);
}

try {
  await main();
} finally {
  await cleanup();
}
process.exit(0);
