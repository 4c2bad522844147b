/**
 * Benchmark of the Monte Carlo engine on the default $100M fund (printed figures, never
 * asserted). Run: `npx tsx libs/finance/bench/simulate.bench.ts` (throughput, monthly vs
 * yearly, linearity in paths and loans) or with `--million` (one 1,000,000-path monthly
 * run, peak RSS). Single thread. Also prints the instructions count where `perf stat` can read
 * the hardware counter.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exampleFund, generatePortfolio, simulateFund } from '../src/index.js';
import type { Granularity } from '../src/index.js';

const fund = exampleFund();
const seed = 20_251_125;

/** CPU seconds (user + system) of this process: robust when other processes share the cores. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

let lastWall = 0;
/** Runs one simulation; returns CPU seconds and records wall seconds in `lastWall`. */
function time(paths: number, granularity: Granularity, f = fund): number {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  simulateFund(f, { paths, seed, granularity });
  lastWall = (performance.now() - t0) / 1000;
  return cpuSeconds() - c0;
}

let bestWall = Infinity;
function best(runs: number, fn: () => number): number {
  let b = Infinity;
  bestWall = Infinity;
  for (let i = 0; i < runs; i++) {
    b = Math.min(b, fn());
    bestWall = Math.min(bestWall, lastWall);
  }
  return b;
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

/**
 * Instructions retired by one 10,000-path monthly run (child process `--single`, so the
 * count includes start-up; the start-up alone is measured with `--startup` and subtracted),
 * where `perf stat` can read the hardware counter; null otherwise (e.g. in most VMs).
 */
function perfInstructions(): { run: number; startup: number } | null {
  const self = fileURLToPath(import.meta.url);
  const count = (mode: string): number | null => {
    const r = spawnSync('perf', ['stat', '-x,', '-e', 'instructions', process.execPath, '--import', 'tsx', self, mode], { encoding: 'utf8' });
    if (r.error !== undefined || r.status !== 0) return null;
    const line = r.stderr.split('\n').find((l) => l.includes('instructions'));
    const v = line === undefined ? Number.NaN : Number(line.split(',')[0]);
    return Number.isFinite(v) ? v : null;
  };
  const run = count('--single');
  const startup = count('--startup');
  return run === null || startup === null ? null : { run, startup };
}

if (process.argv.includes('--single')) {
  simulateFund(fund, { paths: 10_000, seed, granularity: 'monthly' });
} else if (process.argv.includes('--startup')) {
  simulateFund(fund, { paths: 1, seed, granularity: 'monthly' });
} else if (process.argv.includes('--million')) {
  const paths = 1_000_000;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  let last = 0;
  const s = simulateFund(fund, {
    paths,
    seed,
    granularity: 'monthly',
    onProgress: (done) => {
      if (done - last >= 100_000) {
        last = done;
        process.stdout.write(`  ${done} paths, ${((performance.now() - t0) / 1000).toFixed(1)} s, rss ${mb(process.memoryUsage().rss / 1024)} MB\n`);
      }
    },
  });
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  console.log(`1,000,000 paths monthly: ${secs.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (${Math.round(paths / cpu)} paths/s CPU)`);
  console.log(`peak RSS (process.resourceUsage().maxRSS): ${mb(process.resourceUsage().maxRSS)} MB`);
  console.log(`summary JSON: ${(JSON.stringify(s).length / 1e6).toFixed(2)} MB; LP net IRR p50 ${(s.lp.irr.p50 * 100).toFixed(2)}%`);
} else {
  const loans = generatePortfolio(fund, { seed }).loans.length;
  console.log(`default fund: ${loans} initial loans, term ${fund.term} y; times are best of 3, CPU time of this process (wall also shown)`);
  time(2_000, 'monthly'); // warm-up (JIT)
  time(2_000, 'yearly');
  const rows: [string, number][] = [];
  for (const g of ['monthly', 'quarterly', 'yearly'] as const) {
    const t = best(3, () => time(10_000, g));
    rows.push([g, t]);
    console.log(`${g.padEnd(9)} 10,000 paths: ${(t * 1000).toFixed(0)} ms CPU (${Math.round(10_000 / t)} paths/s), ${(bestWall * 1000).toFixed(0)} ms wall`);
  }
  const t10 = best(3, () => time(10_000, 'monthly'));
  const t20 = best(3, () => time(20_000, 'monthly'));
  console.log(`linearity in paths (monthly): 10k ${(t10 * 1000).toFixed(0)} ms, 20k ${(t20 * 1000).toFixed(0)} ms, ratio ${(t20 / t10).toFixed(2)}`);
  const big = exampleFund();
  big.size = 200_000_000;
  const tBig = best(3, () => time(10_000, 'monthly', big));
  console.log(`linearity in loans (monthly, 10k paths): $100M ${(t10 * 1000).toFixed(0)} ms, $200M (2× loans) ${(tBig * 1000).toFixed(0)} ms, ratio ${(tBig / t10).toFixed(2)}`);
  console.log(`original engine: 0.093 s/path yearly → 10,000 paths ≈ 930 s; speed-up (yearly) ≈ ${Math.round(930 / rows[2][1])}×`);
  console.log(`peak RSS so far: ${mb(process.resourceUsage().maxRSS)} MB`);
  const perf = perfInstructions();
  if (perf === null) console.log('instructions (perf stat -e instructions): not available on this machine (no hardware counter access)');
  else console.log(`instructions, 10,000 monthly paths: ${((perf.run - perf.startup) / 1e9).toFixed(2)} G (${Math.round((perf.run - perf.startup) / 10_000).toLocaleString('en-US')} per path; start-up ${(perf.startup / 1e9).toFixed(2)} G excluded)`);
}
