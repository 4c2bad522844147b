/**
 * optimization-service benchmark on the real stack (PostgreSQL, Redis, NATS; simulation-service
 * API + N worker processes of one thread each, started from source):
 * - the default-fund tornado (9 parameters × 2 ends + the base = 19 runs of BENCH_PATHS paths,
 *   default 2,000) with 1 and 2 worker processes, against `sensitivity()` in-process;
 * - a 30-candidate simulation frontier (BENCH_FRONTIER_POINTS);
 * - goal seek of the management fee for a target LP net IRR: iterations and time.
 * Each configuration runs on its own prefix (no result cache shared between them).
 *   node --conditions=@equihome/source --import tsx apps/optimization-service/bench/optimization.bench.ts
 * BENCH_WORKERS (default `1,2`).
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { FundInput, type FundParameters } from '@equihome/domain';
import { sensitivity, simulateFund, type Fund as EngineFund } from '@equihome/finance';
import { loadConfig } from '@equihome/platform';
import { authHeaders, randomPrefix, silentLogger, testServiceEnv, waitFor } from '@equihome/testing';
import { buildApp } from '../src/app.js';
import { withSolveParameter } from '../src/candidates.js';
import { optimizationServiceConfigShape } from '../src/config.js';
import { connectInfrastructure } from '../src/infrastructure.js';
import { startSimulationStack } from '../test/stack.js';

const PATHS = Number(process.env.BENCH_PATHS ?? 2_000);
const POINTS = Number(process.env.BENCH_FRONTIER_POINTS ?? 30);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const SEED = 2026;

const fundParams = FundInput.parse({ name: 'Bench fund', size: 100_000_000, vintage_year: 2026 }) as FundParameters;
const cpu = () => process.cpuUsage();
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

// In-process references (one thread).
const t0 = performance.now();
const c0 = cpu();
const library = sensitivity(fundParams as unknown as EngineFund, { paths: PATHS, seed: SEED });
const inProcess = { tornado_wall_ms: performance.now() - t0, tornado_cpu_ms: cpuMs(c0) };
const target = simulateFund(withSolveParameter(fundParams, 'management_fee_rate', 0.0137) as unknown as EngineFund, { paths: PATHS, seed: SEED, granularity: 'monthly' }).lp.irr.p50!;
console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${cpus().length} cores; in-process tornado ${inProcess.tornado_wall_ms.toFixed(0)} ms wall, ${inProcess.tornado_cpu_ms.toFixed(0)} ms CPU`);

/** CPU seconds (user + system, all threads) a process has used so far (/proc/<pid>/stat). */
function processCpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const rows: Record<string, unknown>[] = [];
for (const workers of WORKERS) {
  const prefix = randomPrefix('optb');
  const sim = await startSimulationStack(prefix, { env: { SIM_SHARD_PATHS: '10000', SIM_PROGRESS_INTERVAL_MS: '1000' } });
  await sim.startWorkers(workers);
  const env = testServiceEnv({ prefix, env: { OPT_POLL_INTERVAL_MS: '1000' } });
  sim.fakes.addFund();
  const config = loadConfig(optimizationServiceConfigShape, env);
  const infrastructure = await connectInfrastructure(config, silentLogger);
  const api = await buildApp(config, infrastructure);
  const auth = await authHeaders({ prefix });
  const fund = sim.fakes.addFund({ name: 'Bench fund' });
  const pids = () => ({ api: sim.api.pid, workers: sim.workers.map((w) => w.pid) });
  const cpuNow = () => {
    const p = pids();
    return { api: processCpuS(p.api), workers: p.workers.reduce((s, pid) => s + processCpuS(pid), 0), self: process.cpuUsage() };
  };
  const run = async (path: string, body: Record<string, unknown>) => {
    const start = performance.now();
    const before = cpuNow();
    const res = await api.service.app.inject({ method: 'POST', url: `/api/optimization/${path}`, headers: { authorization: auth.analyst }, payload: body });
    if (res.statusCode !== 202) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    const doc = await waitFor(
      async () => {
        const d = (await api.service.app.inject({ url: `/api/optimization/${id}`, headers: { authorization: auth.viewer } })).json();
        return ['completed', 'failed', 'cancelled'].includes(d.state) ? d : null;
      },
      { timeoutMs: 600_000, intervalMs: 50, message: `${path} ended` },
    );
    if (doc.state !== 'completed') throw new Error(`${path} ${doc.state}: ${doc.error}`);
    const after = cpuNow();
    const cpu = { workers_s: +(after.workers - before.workers).toFixed(2), sim_api_s: +(after.api - before.api).toFixed(2), optimization_s: +(cpuMs(before.self) / 1000).toFixed(2) };
    return { ms: performance.now() - start, doc, cpu };
  };
  try {
    const tornado = await run('sensitivity', { fund_id: fund.id, paths: PATHS, seed: SEED });
    // (PostgreSQL JSONB does not keep key order: compare as values)
    const same = isDeepStrictEqual(tornado.doc.result.rows.map(({ tvpi_low: _a, tvpi_high: _b, irr_p5_low: _c, irr_p5_high: _d, ...r }: Record<string, unknown>) => r), JSON.parse(JSON.stringify(library.rows)));
    const frontier = await run('efficient-frontier', { fund_id: fund.id, method: 'simulation', points: POINTS, paths: PATHS, seed: SEED });
    const solve = await run('solve', { fund_id: fund.id, parameter: 'management_fee_rate', target: { metric: 'lp_net_irr_p50', value: target }, paths: PATHS, seed: SEED });
    const row = {
      workers,
      tornado_runs: tornado.doc.runs.length,
      tornado_s: +(tornado.ms / 1000).toFixed(2),
      tornado_equals_library: same,
      tornado_cpu: tornado.cpu,
      frontier_candidates: frontier.doc.result.candidates.length,
      frontier_points: frontier.doc.result.frontier.length,
      frontier_s: +(frontier.ms / 1000).toFixed(2),
      frontier_cpu: frontier.cpu,
      solve_iterations: solve.doc.result.iterations,
      solve_s: +(solve.ms / 1000).toFixed(2),
      solve_cpu: solve.cpu,
      solve_value: solve.doc.result.value,
      solve_error: Math.abs(solve.doc.result.achieved - target),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  } finally {
    await api.service.close();
    await sim.cleanup();
  }
}
for (const r of rows) console.log(JSON.stringify(r, null, 1));
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
process.exit(0);
