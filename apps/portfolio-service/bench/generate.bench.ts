/**
 * Benchmark: a fund sized for ~10,000 loans generated, stored and returned through the real
 * `POST /api/portfolios/generate` route (app.inject), against the real local PostgreSQL
 * (`equihome_test`, or TEST_DATABASE_URL) and NATS (fund fetched from a stand-in
 * fund-service over `equihome.rpc.fund.get`). Private subject prefix, stream and collection,
 * removed at the end. Prints the medians of BENCH_RUNS (default 5) runs after one warm-up:
 * fund RPC, generate (generatePortfolio + metrics), store (insert), total route time, reply size,
 * and a GET of the stored portfolio. Target: total < 2 s.
 * Run: `npx tsx --conditions=@equihome/source apps/portfolio-service/bench/generate.bench.ts`.
 */
import { Portfolio } from '@equihome/domain';
import { createHarness } from '../test/service-harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Mean advance with the default loan parameters: 384,615.38 × 0.65 ≈ 250,000 dollars. */
const MEAN_ADVANCE = 250_000;
const LOANS = 10_000;
const DEPLOYMENT_RATIO = 0.85;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timing = (header: unknown, name: string) => Number(new RegExp(`${name};dur=([0-9.]+)`).exec(String(header))?.[1] ?? NaN);

const h = await createHarness();
try {
  const fund = h.addFund({ name: 'Bench Fund', vintage_year: 2026, size: (LOANS * MEAN_ADVANCE) / DEPLOYMENT_RATIO });
  const token = await h.token('analyst');
  const rows: { rpc: number; generate: number; store: number; total: number; bytes: number; loans: number; get: number }[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const res = await h.app.app.inject({
      method: 'POST',
      url: '/api/portfolios/generate',
      headers: { authorization: `Bearer ${token}` },
      payload: { fund_id: fund.id, seed: 1000 + i },
    });
    const total = performance.now() - t0;
    if (res.statusCode !== 201) throw new Error(`generate answered ${res.statusCode}: ${res.body}`);
    const portfolio = Portfolio.parse(res.json());
    const g0 = performance.now();
    const got = await h.app.app.inject({ method: 'GET', url: `/api/portfolios/${portfolio.id}`, headers: { authorization: `Bearer ${token}` } });
    const get = performance.now() - g0;
    if (got.statusCode !== 200) throw new Error(`get answered ${got.statusCode}`);
    const st = res.headers['server-timing'];
    if (i > 0) {
      rows.push({ rpc: timing(st, 'fund'), generate: timing(st, 'generate'), store: timing(st, 'store'), total, bytes: res.rawPayload.length, loans: portfolio.loans.length, get });
    }
  }
  const m = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k]));
  console.log(`portfolio-service generate, ${m('loans')} loans (fund size ${fund.size.toFixed(0)}), median of ${RUNS} runs after 1 warm-up:`);
  console.log(`  fund RPC (NATS)        ${m('rpc').toFixed(1)} ms`);
  console.log(`  generate + metrics     ${m('generate').toFixed(1)} ms`);
  console.log(`  store (PostgreSQL)     ${m('store').toFixed(1)} ms`);
  console.log(`  total through route    ${m('total').toFixed(1)} ms   (target < 2000 ms: ${m('total') < 2000 ? 'met' : 'NOT met'})`);
  console.log(`  reply size             ${(m('bytes') / 1024 / 1024).toFixed(2)} MiB (${m('bytes')} bytes)`);
  console.log(`  GET stored portfolio   ${m('get').toFixed(1)} ms`);
} finally {
  await h.close();
}
