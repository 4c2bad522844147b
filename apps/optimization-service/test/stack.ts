/**
 * The services an optimization test runs on, all real: simulation-service's API and worker
 * PROCESSES (started from source exactly as `npm start` / apps/simulation-service/test/helpers.ts
 * do: `node --conditions=@equihome/source --import tsx src/main.ts | src/worker.ts`, one worker
 * thread each, killed by pid), and fund-service / portfolio-service stand-ins: responders of
 * `equihome.rpc.fund.get` / `equihome.rpc.portfolio.page` on the real NATS under the test's
 * prefix, serving funds and portfolios built by the domain schemas and the finance lib.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Fund, FundInput, Portfolio, portfolioPage, type Fund as FundDoc, type Portfolio as PortfolioDoc } from '@equihome/domain';
import { generatePortfolio, type Fund as EngineFund } from '@equihome/finance';
import { connectMessaging, uuidv7, type Messaging } from '@equihome/messaging';
import { createPool } from '@equihome/storage';
import { consumerName, deleteRedisKeys, freePort, silentLogger, TEST_REDIS_URL, testServiceEnv, waitFor, type TestServiceEnv } from '@equihome/testing';

const SIM_DIR = fileURLToPath(new URL('../../simulation-service/', import.meta.url));

export interface FakeServices {
  messaging: Messaging;
  addFund(overrides?: Record<string, unknown>): FundDoc;
  addPortfolio(fund: FundDoc, seed?: number): PortfolioDoc;
}

export async function startFakeServices(env: TestServiceEnv): Promise<FakeServices> {
  const messaging = await connectMessaging({ servers: env.NATS_URL, name: 'fund-service', subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silentLogger });
  await messaging.ensureStream();
  const funds = new Map<string, FundDoc>();
  const portfolios = new Map<string, PortfolioDoc>();
  messaging.serve('equihome.rpc.fund.get', async ({ id }) => {
    const fund = funds.get(id);
    if (!fund) throw { status: 404, title: 'Fund not found', code: 'FUND_NOT_FOUND', detail: `fund ${id} does not exist` };
    return fund;
  });
  messaging.serve('equihome.rpc.portfolio.page', async ({ id, offset, limit }) => {
    const portfolio = portfolios.get(id);
    if (!portfolio) throw { status: 404, title: 'Portfolio not found', code: 'PORTFOLIO_NOT_FOUND', detail: `portfolio ${id} does not exist` };
    return portfolioPage(portfolio, offset, limit);
  });
  const meta = () => {
    const now = new Date().toISOString();
    return { id: uuidv7(), version: 1, created_at: now, updated_at: now };
  };
  return {
    messaging,
    addFund(overrides = {}) {
      const fund = Fund.parse({ ...FundInput.parse({ name: 'Equihome Fund I', size: 100_000_000, vintage_year: 2026, ...overrides }), ...meta() });
      funds.set(fund.id, fund);
      return fund;
    },
    addPortfolio(fund, seed = 7) {
      const generated = generatePortfolio(fund as unknown as EngineFund, { seed });
      const portfolio = Portfolio.parse({ ...meta(), fund_id: fund.id, fund_version: fund.version, seed, loans: generated.loans, metrics: generated.metrics });
      portfolios.set(portfolio.id, portfolio);
      return portfolio;
    },
  };
}

export interface ServiceProcess {
  readonly pid: number;
  readonly lines: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function startProcess(file: string, env: Record<string, string>, ready: (lines: string[]) => boolean | Promise<boolean>, what: string): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', file], { cwd: SIM_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const proc: ServiceProcess = {
    pid: child.pid!,
    lines,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, signal);
      await exited;
    },
  };
  return waitFor(async () => (gone || (await ready(lines)) ? true : null), { timeoutMs: 90_000, intervalMs: 200, message: `${what} started` }).then(() => {
    if (gone) throw new Error(`${what} exited at start-up:\n${lines.join('\n')}`);
    return proc;
  });
}

export interface SimulationStack {
  env: TestServiceEnv;
  fakes: FakeServices;
  /** simulation-service's API base URL. */
  url: string;
  api: ServiceProcess;
  workers: ServiceProcess[];
  startWorkers(n: number): Promise<ServiceProcess[]>;
  /** A run document as simulation-service's GET /api/simulations/:id answers it. */
  run(id: string, authorization: string): Promise<Record<string, unknown> & { state: string }>;
  /** Row of the run in the documents table (internal fields such as `parent`). */
  runDocument(id: string): Promise<Record<string, unknown> | null>;
  cleanup(): Promise<void>;
}

/** simulation-service for the test's prefix: its API process (the submit/get/cancel responders) and `workers` worker processes. */
export async function startSimulationStack(prefix: string, options: { workers?: number; env?: Record<string, string> } = {}): Promise<SimulationStack> {
  const port = await freePort();
  const env = testServiceEnv({
    prefix,
    env: {
      REDIS_URL: TEST_REDIS_URL,
      BULLMQ_PREFIX: `{${prefix}}`,
      SIM_QUEUE: 'sim',
      SIM_SHARD_PATHS: '1000',
      WORKER_THREADS: '1',
      SIM_LOCK_DURATION_MS: '2000',
      SIM_STALLED_INTERVAL_MS: '1000',
      SIM_CANCEL_POLL_MS: '100',
      PORTFOLIO_EVENTS_DURABLE: consumerName(prefix, 'portfolios'),
      ...options.env,
    },
  });
  const fakes = await startFakeServices(env);
  const url = `http://127.0.0.1:${port}`;
  const api = await startProcess('src/main.ts', { ...env, PORT: String(port), LOG_LEVEL: 'warn' }, async () => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200, 'simulation-service API');
  const workers: ServiceProcess[] = [];
  const stack: SimulationStack = {
    env,
    fakes,
    url,
    api,
    workers,
    async startWorkers(n) {
      const started = await Promise.all(Array.from({ length: n }, () => startProcess('src/worker.ts', { ...env, LOG_LEVEL: 'info' }, (l) => l.some((x) => x.includes('simulation worker started')), 'simulation worker')));
      workers.push(...started);
      return started;
    },
    async run(id, authorization) {
      const res = await fetch(`${url}/api/simulations/${id}`, { headers: { authorization } });
      if (res.status !== 200) throw new Error(`GET /api/simulations/${id}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown> & { state: string };
    },
    async runDocument(id) {
      const pool = createPool(env.DATABASE_URL);
      try {
        return (await pool.query<{ data: Record<string, unknown> }>('select data from documents where collection = $1 and id = $2', [`${env.DOCUMENT_COLLECTION_PREFIX}simulation_runs`, id])).rows[0]?.data ?? null;
      } finally {
        await pool.end();
      }
    },
    async cleanup() {
      await Promise.allSettled(workers.map((w) => w.kill('SIGKILL')));
      await api.kill('SIGTERM');
      await fakes.messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
      await fakes.messaging.close();
      const pool = createPool(env.DATABASE_URL);
      try {
        const collection = `${env.DOCUMENT_COLLECTION_PREFIX}simulation_runs`;
        const ids = (await pool.query<{ id: string }>('select id from documents where collection = $1', [collection])).rows.map((r) => r.id);
        for (const table of ['simulation_shards', 'simulation_results', 'simulation_series']) await pool.query(`delete from ${table} where run_id = any($1::text[])`, [ids]);
        await pool.query("delete from audit_log where resource = 'simulation' and resource_id = any($1::text[])", [ids]);
        await pool.query('delete from documents where collection = $1', [collection]);
        await pool.query('delete from outbox where starts_with(subject, $1)', [`${env.NATS_SUBJECT_PREFIX}.`]);
      } finally {
        await pool.end();
      }
      await deleteRedisKeys(`{${prefix}}*`, TEST_REDIS_URL);
    },
  };
  return stack;
}
