/**
 * Benchmark: `GET /api/portfolios?limit=50` over 50 stored portfolios of ~10,000 loans each,
 * through the real route (app.inject) against the real local PostgreSQL and NATS, compared
 * with reading the same page of full documents (`docs.list` without `omit`, what the list
 * route did before it asked for `omit: ['loans']`). Private collection, removed at the end.
 * Prints the medians of BENCH_RUNS (default 5) runs after one warm-up.
 * Run: `npx tsx --conditions=@equihome/source apps/portfolio-service/bench/list.bench.ts`.
 */
import { createHarness } from '../test/service-harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PORTFOLIOS = 50;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const h = await createHarness();
try {
  // Same sizing as generate.bench.ts: ~10,000 loans of ~250,000 dollars at 85 % deployment.
  const fund = h.addFund({ name: 'Bench Fund', vintage_year: 2026, size: (10_000 * 250_000) / 0.85 });
  const token = await h.token('analyst');
  const first = await h.app.app.inject({ method: 'POST', url: '/api/portfolios/generate', headers: { authorization: `Bearer ${token}` }, payload: { fund_id: fund.id, seed: 1 } });
  if (first.statusCode !== 201) throw new Error(`generate answered ${first.statusCode}`);
  const { loans, metrics } = first.json() as { loans: []; metrics: object };
  for (let i = 2; i <= PORTFOLIOS; i++) await h.store.create({ fund_id: fund.id, fund_version: 1, seed: i, loans, metrics: metrics as never });
  const route: number[] = [];
  const full: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    const res = await h.app.app.inject({ method: 'GET', url: `/api/portfolios?limit=${PORTFOLIOS}`, headers: { authorization: `Bearer ${token}` } });
    const t1 = performance.now();
    if (res.statusCode !== 200 || (res.json() as { items: unknown[] }).items.length !== PORTFOLIOS) throw new Error(`list answered ${res.statusCode}`);
    const page = await h.docs.list({ limit: PORTFOLIOS });
    const t2 = performance.now();
    if (page.items.length !== PORTFOLIOS) throw new Error('full read returned a short page');
    bytes = res.rawPayload.length;
    if (i > 0) {
      route.push(t1 - t0);
      full.push(t2 - t1);
    }
  }
  console.log(`portfolio-service list, ${PORTFOLIOS} portfolios × ${loans.length} loans, median of ${RUNS} runs after 1 warm-up:`);
  console.log(`  GET /api/portfolios?limit=${PORTFOLIOS} (omit loans)   ${median(route).toFixed(1)} ms, reply ${(bytes / 1024).toFixed(1)} KiB`);
  console.log(`  docs.list of the full documents          ${median(full).toFixed(1)} ms`);
} finally {
  await h.close();
}
