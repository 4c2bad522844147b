/**
 * Benchmark: one monthly run of the default fund (~340 loans) through the API — POST →
 * BullMQ flow → worker processes (1 thread each) → merge → completed — with 1 and with 2
 * worker processes, against the engine in-process on the same snapshots and paths.
 * Printed (never asserted): wall time POST → completed, speed-up 1 → 2 workers, overhead
 * against the in-process engine, POST → first progress event, peak RSS of each worker
 * process (VmHWM), and a cached repeat (POST → completed, median of 20).
 * Real PostgreSQL, NATS and Redis; a fresh prefix per configuration, removed at the end.
 *
 * Run from the repo root:
 *   node --conditions=@equihome/source --import tsx apps/simulation-service/bench/simulation.bench.ts
 * Env: BENCH_PATHS (default 1,000,000), BENCH_WORKERS (default "1,2"), BENCH_ENGINE=0 skips
 * the in-process reference run, SIM_SHARD_PATHS (default: the service's default, 10,000).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { simulateFund, type Fund as EngineFund, type Portfolio as EnginePortfolio } from '@equihome/finance';
import { waitFor } from '@equihome/testing';
import { simulationServiceConfigShape } from '../src/config.js';
import type { FundSnapshot, PortfolioSnapshot } from '../src/result-store.js';
import { startTestApi, type TestApi } from '../test/helpers.js';

const PATHS = Number(process.env.BENCH_PATHS ?? 1_000_000);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const SHARD_PATHS = process.env.SIM_SHARD_PATHS ?? String(simulationServiceConfigShape.SIM_SHARD_PATHS.parse(undefined));
const ENGINE = process.env.BENCH_ENGINE !== '0';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** CPU seconds (user + system, all threads) of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const peakRssMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

interface Measured {
  workers: number;
  wallMs: number;
  firstProgressMs: number;
  rssMb: number[];
  /** CPU seconds the worker processes spent on the run (all threads). */
  workerCpuS: number;
  summary: unknown;
  snapshots: { fund: FundSnapshot; portfolio: PortfolioSnapshot };
  cachedMs?: number;
}

async function measure(workers: number, withCache: boolean): Promise<Measured> {
  const t: TestApi = await startTestApi({ env: { SIM_SHARD_PATHS: SHARD_PATHS, WORKER_THREADS: '1', SIM_LOCK_DURATION_MS: '30000', SIM_STALLED_INTERVAL_MS: '15000' } });
  try {
    const procs = await t.startWorkers(workers);
    const fund = t.fakes.addFund();
    // Warm-up: every worker thread loads the processor and the engine once.
    const warm = await Promise.all(procs.map((_, i) => t.submit({ fund_id: fund.id, paths: 200, seed: 900 + i, granularity: 'monthly' })));
    await Promise.all(warm.map((w) => t.waitForEnd(w.id, 600_000)));

    const cpuBefore = procs.map((p) => cpuSeconds(p.pid));
    let firstProgress = 0;
    let runId = '';
    const live = t.fakes.messaging.subscribe('equihome.simulation.progress', (event) => {
      if (firstProgress === 0 && (event.data as { id: string }).id === runId) firstProgress = performance.now();
    });
    const t0 = performance.now();
    const accepted = await t.submit({ fund_id: fund.id, paths: PATHS, seed: 1, granularity: 'monthly', cache: false });
    runId = accepted.id;
    const done = await waitFor(
      async () => {
        const run = await t.getRun(runId);
        return ['completed', 'failed', 'cancelled'].includes(run.state) ? run : null;
      },
      { timeoutMs: 3_600_000, intervalMs: 100, message: 'bench run ended' },
    );
    const wallMs = performance.now() - t0;
    const workerCpuS = procs.reduce((sum, p, i) => sum + cpuSeconds(p.pid) - cpuBefore[i], 0);
    await live.stop();
    if (done.state !== 'completed') throw new Error(`bench run ${done.state}: ${String(done.error)}`);
    const run = await t.run(runId);
    const snapshots = {
      fund: (await t.infrastructure.results.getSnapshot<FundSnapshot>(run.fund_snapshot))!,
      portfolio: (await t.infrastructure.results.getSnapshot<PortfolioSnapshot>(run.portfolio_snapshot))!,
    };
    const result: Measured = { workers, wallMs, firstProgressMs: firstProgress - t0, rssMb: procs.map((p) => peakRssMb(p.pid)), workerCpuS, summary: done.summary, snapshots };
    if (withCache) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const c0 = performance.now();
        const hit = await t.submit({ fund_id: fund.id, paths: PATHS, seed: 1, granularity: 'monthly' });
        times.push(performance.now() - c0);
        if (!hit.cached || hit.state !== 'completed') throw new Error('expected a cache hit');
      }
      result.cachedMs = median(times);
    }
    return result;
  } finally {
    await t.cleanup();
  }
}

console.log(`simulation-service bench: ${PATHS.toLocaleString('en')} monthly paths, shards of ${SHARD_PATHS}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const results: Measured[] = [];
for (const [i, n] of WORKERS.entries()) {
  const m = await measure(n, i === 0);
  results.push(m);
  console.log(
    `${n} worker process(es): POST → completed ${fmt(m.wallMs)} (${Math.round(PATHS / (m.wallMs / 1000)).toLocaleString('en')} paths/s), worker CPU ${m.workerCpuS.toFixed(1)} s, POST → first progress ${m.firstProgressMs.toFixed(0)} ms, peak RSS ${m.rssMb.map((r) => `${r.toFixed(0)} MB`).join(', ')}`,
  );
  if (m.cachedMs !== undefined) console.log(`cached repeat: POST → completed ${m.cachedMs.toFixed(1)} ms (median of 20)`);
}
if (results.length > 1) {
  console.log(`speed-up ${results[0].workers} → ${results[1].workers} workers: ${(results[0].wallMs / results[1].wallMs).toFixed(2)}×`);
  console.log(`summaries equal across worker counts: ${results.every((r) => isDeepStrictEqual(r.summary, results[0].summary))}`);
}
if (ENGINE) {
  const { fund, portfolio } = results[0].snapshots;
  const e0 = performance.now();
  const c0 = process.cpuUsage();
  simulateFund(fund as EngineFund, { paths: PATHS, seed: 1, granularity: 'monthly', portfolio: portfolio as EnginePortfolio });
  const engineMs = performance.now() - e0;
  const cpu = process.cpuUsage(c0);
  const engineCpuS = (cpu.user + cpu.system) / 1e6;
  const one = results.find((r) => r.workers === 1);
  console.log(`in-process engine, same paths: ${fmt(engineMs)} wall, ${engineCpuS.toFixed(1)} s CPU`);
  if (one) console.log(`overhead of the service with 1 worker: wall ${(((one.wallMs - engineMs) / engineMs) * 100).toFixed(1)}%, worker CPU ${(((one.workerCpuS - engineCpuS) / engineCpuS) * 100).toFixed(1)}%`);
  for (const r of results) console.log(`${r.workers} worker(s): CPU per path ${((r.workerCpuS / PATHS) * 1e6).toFixed(0)} µs (engine in-process ${((engineCpuS / PATHS) * 1e6).toFixed(0)} µs)`);
}
console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
process.exit(0);
