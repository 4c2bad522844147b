/**
 * Benchmark: efficient frontier for 50 assets with bounds [0, 0.1], 50 points.
 * Target (brief): < 100 ms per call. Run: `npx tsx libs/finance/bench/frontier.bench.ts`.
 * Inputs are deterministic (a fixed LCG, not Math.random) so runs are comparable.
 */
import { efficientFrontier } from '../src/frontier.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Factor-model covariance Σ = B Bᵀ + D (3 factors) and returns 2 %–14 %. */
function problem(n: number, seed: number): { mu: number[]; cov: number[][] } {
  const rnd = lcg(seed);
  const k = 3;
  const b = Array.from({ length: n }, () => Array.from({ length: k }, () => (rnd() - 0.3) * 0.15));
  const cov = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let f = 0; f < k; f++) s += b[i][f] * b[j][f];
      return s + (i === j ? 0.0025 + 0.01 * rnd() : 0);
    }),
  );
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) cov[i][j] = cov[j][i];
  const mu = Array.from({ length: n }, () => 0.02 + 0.12 * rnd());
  return { mu, cov };
}

const n = 50;
const points = 50;
const { mu, cov } = problem(n, 42);
const bounds = Array.from({ length: n }, (): [number, number] => [0, 0.1]);
const run = () => efficientFrontier({ expected_returns: mu, covariance: cov, bounds, points, risk_free_rate: 0.02 });

for (let i = 0; i < 5; i++) run(); // warm-up (JIT)
const reps = 30;
const times: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  run();
  times.push(performance.now() - t0);
}
times.sort((x, y) => x - y);
const r = run();
console.log(
  `efficientFrontier n=${n} assets, bounds [0, 0.1], points=${points}: ` +
    `median ${times[reps >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times[reps - 1].toFixed(2)} ms ` +
    `(target < 100 ms); max Sharpe ${r.max_sharpe.sharpe.toFixed(4)}`,
);
