/** Pure algorithms of the jobs: the non-dominated set and goal seek by bracketing. */

export interface RiskReturn {
  risk: number;
  lp_net_irr_p50: number;
}

/**
 * The non-dominated points (maximise `lp_net_irr_p50`, minimise `risk`): a point is dropped
 * when another has risk ≤ and return ≥ with one of them strict. Sorted by risk (then return
 * descending); exact duplicates are kept once.
 */
export function nonDominated<T extends RiskReturn>(points: T[]): T[] {
  const sorted = [...points].sort((a, b) => a.risk - b.risk || b.lp_net_irr_p50 - a.lp_net_irr_p50);
  const out: T[] = [];
  let bestReturn = -Infinity;
  for (const p of sorted) {
    if (p.lp_net_irr_p50 > bestReturn) {
      out.push(p);
      bestReturn = p.lp_net_irr_p50;
    }
  }
  return out;
}

export interface GoalSeekOptions {
  lo: number;
  hi: number;
  target: number;
  tolerance: number;
  /** Evaluations at most (the two bracket ends included). */
  maxIterations: number;
}

export type GoalSeekResult =
  | { ok: true; value: number; achieved: number; iterations: number; bracket: [number, number]; converged: boolean }
  | { ok: false; attainable: [number, number]; iterations: number };

/**
 * Goal seek of f(x) = target on [lo, hi] by bracketing: both ends are evaluated first (in
 * parallel); a target outside [min, max] of the two (± tolerance) is out of reach (f is taken
 * as monotone in the parameter: fees, hurdle, carry, LTV and the green share each move the
 * metrics one way). Then false position with the Illinois modification, falling back to
 * bisection whenever the step lands outside the middle 90 % of the bracket, until
 * |f(x) − target| ≤ tolerance or `maxIterations` evaluations. With common random numbers f is
 * a deterministic function of x, so the bracket is exact. On no convergence, the best point
 * seen is returned with `converged: false`.
 */
export async function goalSeek(f: (x: number) => Promise<number>, o: GoalSeekOptions, onStep?: (iterations: number) => void): Promise<GoalSeekResult> {
  let [a, b] = [o.lo, o.hi];
  const [fa, fb] = await Promise.all([f(a), f(b)]);
  let iterations = 2;
  onStep?.(iterations);
  let ga = fa - o.target;
  let gb = fb - o.target;
  let best = Math.abs(ga) <= Math.abs(gb) ? { x: a, fx: fa } : { x: b, fx: fb };
  if (Math.abs(best.fx - o.target) <= o.tolerance) return { ok: true, value: best.x, achieved: best.fx, iterations, bracket: [a, b], converged: true };
  if (ga * gb > 0) return { ok: false, attainable: [Math.min(fa, fb), Math.max(fa, fb)], iterations };
  let side = 0;
  while (iterations < o.maxIterations) {
    let x = (a * gb - b * ga) / (gb - ga);
    const width = b - a;
    if (!Number.isFinite(x) || x <= a + 0.05 * width || x >= b - 0.05 * width) x = (a + b) / 2;
    const fx = await f(x);
    iterations++;
    onStep?.(iterations);
    const gx = fx - o.target;
    if (Math.abs(gx) < Math.abs(best.fx - o.target)) best = { x, fx };
    if (Math.abs(gx) <= o.tolerance) return { ok: true, value: x, achieved: fx, iterations, bracket: [a, b], converged: true };
    if (gx * ga > 0) {
      a = x;
      ga = gx;
      if (side === -1) gb /= 2;
      side = -1;
    } else {
      b = x;
      gb = gx;
      if (side === 1) ga /= 2;
      side = 1;
    }
  }
  return { ok: true, value: best.x, achieved: best.fx, iterations, bracket: [a, b], converged: false };
}
