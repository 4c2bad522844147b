/**
 * simulation-service under test, on the real PostgreSQL (`equihome_test`), NATS and Redis:
 * - the API built through the SAME wiring as main.ts (`loadConfig` once →
 *   `connectInfrastructure` → `buildApp`), isolated by one random prefix (collection
 *   `<prefix>_simulation_runs`, subjects `<prefix>.simulation.*`, stream `<PREFIX>`, BullMQ
 *   prefix `{<prefix>}`, durables `<prefix>_…`);
 * - real worker PROCESSES (`node --conditions=@equihome/source --import tsx src/worker.ts`,
 *   one worker thread each), started and killed by pid;
 * - fund-service and portfolio-service stand-ins: responders of `equihome.rpc.fund.get` /
 *   `equihome.rpc.portfolio.get` on the real NATS under the test's prefix, serving funds and
 *   portfolios built by the domain schemas and the finance lib.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Fund, FundInput, Portfolio, portfolioPage, type Fund as FundDoc, type Portfolio as PortfolioDoc } from '@equihome/domain';
import { generatePortfolio, simulateFund, type Fund as EngineFund, type Portfolio as EnginePortfolio, type SimulationSummary } from '@equihome/finance';
import { connectMessaging, uuidv7, type Messaging } from '@equihome/messaging';
import { loadConfig, type Role } from '@equihome/platform';
import { createPool } from '@equihome/storage';
import { authHeaders, consumerName, deleteRedisKeys, randomPrefix, silentLogger, testServiceEnv, tokenSubject, TEST_REDIS_URL, waitFor, type TestServiceEnv } from '@equihome/testing';
import { buildApp, type SimulationApi } from '../src/app.js';
import { simulationServiceConfigShape, type SimulationServiceConfig } from '../src/config.js';
import { connectInfrastructure, type SimulationServiceInfrastructure } from '../src/infrastructure.js';
import type { FundSnapshot, PortfolioSnapshot } from '../src/result-store.js';
import type { Run } from '../src/run-store.js';

export { TEST_REDIS_URL };
const WORKER_FILE = fileURLToPath(new URL('../src/worker.ts', import.meta.url));
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The environment shared by the test's API and workers (one prefix isolates everything). */
export function simulationEnv(prefix: string, extra: Record<string, string | undefined> = {}): TestServiceEnv {
  return testServiceEnv({
    prefix,
    env: {
      REDIS_URL: TEST_REDIS_URL,
      BULLMQ_PREFIX: `{${prefix}}`,
      SIM_QUEUE: 'sim',
      SIM_SHARD_PATHS: '500',
      WORKER_THREADS: '1',
      SIM_LOCK_DURATION_MS: '2000',
      SIM_STALLED_INTERVAL_MS: '1000',
      SIM_RECONCILE_INTERVAL_MS: '500',
      SIM_RECONCILE_GRACE_MS: '1500',
      SIM_CANCEL_POLL_MS: '100',
      PORTFOLIO_EVENTS_DURABLE: consumerName(prefix, 'portfolios'),
      ...extra,
    },
  });
}

/** A worker process of the test. */
export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Output lines so far (JSON log lines and anything else). */
  readonly lines: string[];
  /** Resolves with the exit code/signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a worker process (`simulation-service worker`) with `env` and waits until it takes jobs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', WORKER_FILE], {
    cwd: APP_DIR,
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(() => gone || lines.some((l) => l.includes('simulation worker started')), { timeoutMs: 60_000, message: 'worker process started' });
  if (gone) throw new Error(`worker process exited at start-up:\n${lines.join('\n')}`);
  return {
    pid: child.pid!,
    child,
    lines,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, signal);
      await exited;
    },
  };
}

/** Stand-ins for fund-service and portfolio-service over the real NATS. */
export interface FakeServices {
  messaging: Messaging;
  addFund(overrides?: Partial<FundInput>): FundDoc;
  addPortfolio(fund: FundDoc, options?: { seed?: number; loans?: PortfolioDoc['loans'] }): PortfolioDoc;
  /** Reads of a portfolio (first pages of `equihome.rpc.portfolio.page`). */
  portfolioCalls: string[];
  /** The next `times` reads of the portfolio each see it edited after their first page. */
  editDuringRead(portfolioId: string, times: number): void;
}

export async function startFakeServices(env: TestServiceEnv): Promise<FakeServices> {
  const messaging = await connectMessaging({ servers: env.NATS_URL, name: 'fund-service', subjectPrefix: env.NATS_SUBJECT_PREFIX, stream: env.NATS_STREAM, logger: silentLogger });
  const funds = new Map<string, FundDoc>();
  const portfolios = new Map<string, PortfolioDoc>();
  const portfolioCalls: string[] = [];
  messaging.serve('equihome.rpc.fund.get', async ({ id }) => {
    const fund = funds.get(id);
    if (!fund) throw { status: 404, title: 'Fund not found', code: 'FUND_NOT_FOUND', detail: `fund ${id} does not exist` };
    return fund;
  });
  const editsDuringRead = new Map<string, number>();
  messaging.serve('equihome.rpc.portfolio.page', async ({ id, offset, limit }) => {
    if (offset === 0) portfolioCalls.push(id);
    const portfolio = portfolios.get(id);
    if (!portfolio) throw { status: 404, title: 'Portfolio not found', code: 'PORTFOLIO_NOT_FOUND', detail: `portfolio ${id} does not exist` };
    const page = portfolioPage(portfolio, offset, limit);
    const edits = editsDuringRead.get(id) ?? 0;
    if (offset === 0 && edits > 0) {
      // an edit lands right after this first page was read
      editsDuringRead.set(id, edits - 1);
      portfolios.set(id, { ...portfolio, version: portfolio.version + 1 });
    }
    return page;
  });
  const meta = () => {
    const now = new Date().toISOString();
    return { id: uuidv7(), version: 1, created_at: now, updated_at: now };
  };
  return {
    messaging,
    portfolioCalls,
    editDuringRead: (id, times) => editsDuringRead.set(id, times),
    addFund(overrides = {}) {
      const fund = Fund.parse({ ...FundInput.parse({ name: 'Equihome Fund I', size: 100_000_000, vintage_year: 2026, ...overrides }), ...meta() });
      funds.set(fund.id, fund);
      return fund;
    },
    addPortfolio(fund, options = {}) {
      const seed = options.seed ?? 7;
      const generated = generatePortfolio(fund as unknown as EngineFund, { seed });
      const portfolio = Portfolio.parse({ ...meta(), fund_id: fund.id, fund_version: fund.version, seed, loans: options.loans ?? generated.loans, metrics: generated.metrics });
      portfolios.set(portfolio.id, portfolio);
      return portfolio;
    },
  };
}

export interface TestApi {
  api: SimulationApi;
  inject: SimulationApi['service']['app']['inject'];
  infrastructure: SimulationServiceInfrastructure;
  config: SimulationServiceConfig;
  prefix: string;
  env: TestServiceEnv;
  fakes: FakeServices;
  auth(role: Role): string;
  sub(role: Role): string;
  /** Worker processes started with `startWorkers` (killed by cleanup). */
  workers: WorkerProcess[];
  startWorkers(n: number, extra?: Record<string, string>): Promise<WorkerProcess[]>;
  /** POSTs a run as analyst and returns the 202 body (asserting the status). */
  submit(body: Record<string, unknown>): Promise<{ id: string; state: string; cached: boolean }>;
  /** GET /api/simulations/:id as viewer. */
  getRun(id: string): Promise<Record<string, unknown> & { state: string; summary: Record<string, unknown> | null; paths_done: number }>;
  /** Waits until the run is in a terminal state; returns the GET reply. */
  waitForEnd(id: string, timeoutMs?: number): Promise<Record<string, unknown> & { state: string; summary: Record<string, unknown> | null; paths_done: number }>;
  /** The run document. */
  run(id: string): Promise<Run>;
  /** `simulateFund` in-process on the run's snapshots, after JSON, without the state: the reference. */
  reference(id: string): Promise<Record<string, unknown>>;
  /** Kills this API's workers and closes the API, keeping the data (a second API on the same prefix). */
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

/** Deletes the test's rows and Redis keys (by the prefix). */
async function deleteTestData(env: TestServiceEnv, runsCollection: string, redisUrl: string, bullPrefix: string): Promise<void> {
  const pool = createPool(env.DATABASE_URL);
  try {
    const ids = (await pool.query<{ id: string }>('select id from documents where collection = $1', [runsCollection])).rows.map((r) => r.id);
    for (const table of ['simulation_shards', 'simulation_results', 'simulation_series']) await pool.query(`delete from ${table} where run_id = any($1::text[])`, [ids]);
    await pool.query("delete from audit_log where resource = 'simulation' and resource_id = any($1::text[])", [ids]);
    await pool.query('delete from documents where collection = $1', [runsCollection]);
    await pool.query('delete from outbox where starts_with(subject, $1)', [`${env.NATS_SUBJECT_PREFIX}.`]);
  } finally {
    await pool.end();
  }
  await deleteRedisKeys(`${bullPrefix}*`, redisUrl);
}

/** Starts the API (and the fake services) of a test; `extraEnv` may set SIM_SHARD_PATHS, REDIS_URL, NATS_URL… */
export async function startTestApi(options: { prefix?: string; env?: Record<string, string | undefined>; fakes?: FakeServices } = {}): Promise<TestApi> {
  const prefix = options.prefix ?? randomPrefix('sim');
  const env = simulationEnv(prefix, options.env);
  const config = loadConfig(simulationServiceConfigShape, env);
  const fakes = options.fakes ?? (await startFakeServices(env));
  const infrastructure = await connectInfrastructure(config, silentLogger);
  const api = await buildApp(config, infrastructure);
  const headers = await authHeaders({ prefix });
  const inject = api.service.app.inject.bind(api.service.app);
  const workers: WorkerProcess[] = [];
  const t: TestApi = {
    api,
    inject,
    infrastructure,
    config,
    prefix,
    env,
    fakes,
    workers,
    auth: (role) => headers[role],
    sub: (role) => tokenSubject(role, prefix),
    async startWorkers(n, extra = {}) {
      const started = await Promise.all(Array.from({ length: n }, () => startWorkerProcess({ ...env, ...extra })));
      workers.push(...started);
      return started;
    },
    async submit(body) {
      const res = await inject({ method: 'POST', url: '/api/simulations', headers: { authorization: headers.analyst }, payload: body });
      if (res.statusCode !== 202) throw new Error(`POST /api/simulations answered ${res.statusCode}: ${res.body}`);
      return res.json();
    },
    async getRun(id) {
      const res = await inject({ url: `/api/simulations/${id}`, headers: { authorization: headers.viewer } });
      if (res.statusCode !== 200) throw new Error(`GET answered ${res.statusCode}: ${res.body}`);
      return res.json();
    },
    async waitForEnd(id, timeoutMs = 120_000) {
      return waitFor(
        async () => {
          const run = await t.getRun(id);
          return ['completed', 'failed', 'cancelled'].includes(run.state) ? run : null;
        },
        { timeoutMs, intervalMs: 200, message: `run ${id} ended` },
      );
    },
    run: (id) => infrastructure.runs.get(id),
    async reference(id) {
      const run = await infrastructure.runs.get(id);
      const fund = await infrastructure.results.getSnapshot<FundSnapshot>(run.fund_snapshot);
      const portfolio = await infrastructure.results.getSnapshot<PortfolioSnapshot>(run.portfolio_snapshot);
      const summary: SimulationSummary = simulateFund(fund as EngineFund, {
        paths: run.request.paths,
        seed: run.request.seed,
        granularity: run.request.granularity,
        portfolio: portfolio as EnginePortfolio,
      });
      const { state: _state, ...rest } = summary;
      return JSON.parse(JSON.stringify(rest));
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.kill('SIGKILL')));
      await api.service.close().catch(() => undefined);
    },
    async cleanup() {
      await t.close();
      if (!options.fakes) {
        await fakes.messaging.jsm.streams.delete(env.NATS_STREAM).catch(() => undefined);
        await fakes.messaging.close();
      }
      await deleteTestData(env, infrastructure.runsCollection, config.REDIS_URL, config.BULLMQ_PREFIX);
    },
  };
  return t;
}
