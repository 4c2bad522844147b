/**
 * Long-only mean-variance efficient frontier (Markowitz) with per-asset bounds.
 *
 * Conventions:
 * - `expected_returns[i]`: expected return of asset i per period (annual decimals in the
 *   engine); `covariance[i][j]`: covariance of returns in the same units (variance =
 *   return²). Volatility = √(wᵀΣw), same period as the returns.
 * - Weights are fractions, `Σ w = 1`, `bounds[i][0] ≤ w_i ≤ bounds[i][1]` with
 *   `0 ≤ lo ≤ hi ≤ 1` (long only; default `[0, 1]`).
 * - Sharpe ratio = (expected_return − risk_free_rate) / volatility.
 *
 * Method: each portfolio solves `min wᵀΣw` subject to the budget, the bounds and (for
 * frontier points) `μᵀw = target`, with a dense primal active-set QP (`box-qp.ts`), each
 * solve warm-started from a feasible point built from its neighbour. A ridge of
 * 1e-12 × mean variance is added to Σ inside the solver so PSD covariances work; reported
 * volatilities use Σ itself. Inside the solver, expected returns closer together than
 * 1e-10 of the return/volatility scale are treated as equal (reported returns use the
 * inputs as given). The maximum-Sharpe portfolio maximises the Sharpe ratio along
 * the frontier (quasi-concave in the target return for returns above the risk-free rate):
 * the best frontier point brackets it, golden-section search narrows the bracket to
 * 1e-3 of the frontier's return span, and the exact optimum of the quadratic piece σ²(R)
 * fitted on that bracket finishes it (the best of all evaluated candidates is returned).
 */
import { solveBoxQp, type BoxQp } from './box-qp.js';
import { FinanceInputError } from './errors.js';
import { choleskyInPlace } from './linalg.js';

export interface FrontierInput {
  /** Expected return per asset (decimal per period). */
  expected_returns: number[];
  /** Covariance matrix n × n, symmetric positive semidefinite. */
  covariance: number[][];
  /** Per-asset weight bounds `[lo, hi]`, `0 ≤ lo ≤ hi ≤ 1`; default `[0, 1]` each. */
  bounds?: [number, number][];
  /** Risk-free rate for the Sharpe ratio (same units as returns), default 0. */
  risk_free_rate?: number;
  /** Number of frontier portfolios, integer ≥ 1, default 20. */
  points?: number;
}

export interface FrontierPoint {
  /** Portfolio weights, fractions summing to 1. */
  weights: number[];
  /** μᵀw. */
  expected_return: number;
  /** √(wᵀΣw). */
  volatility: number;
}

export interface MaxSharpePoint extends FrontierPoint {
  /** (expected_return − risk_free_rate) / volatility. */
  sharpe: number;
}

export interface FrontierResult {
  min_variance: FrontierPoint;
  max_sharpe: MaxSharpePoint;
  /**
   * `points` efficient portfolios with expected returns evenly spaced from the
   * minimum-variance return to the maximum attainable return (inclusive both ends).
   */
  frontier: FrontierPoint[];
}

/**
 * Efficient frontier, minimum-variance and maximum-Sharpe (tangency) portfolios.
 *
 * @throws FinanceInputError naming the field: `expected_returns[i]`, `covariance`,
 *   `covariance[i][j]` (non-finite, asymmetric, not PSD, wrong dimensions), `bounds[i]`,
 *   `bounds` (infeasible: Σlo > 1 or Σhi < 1), `risk_free_rate` (non-finite, or not below the
 *   maximum attainable return, so no positive Sharpe ratio exists), `points`.
 */
export function efficientFrontier(input: FrontierInput): FrontierResult {
  if (input === null || typeof input !== 'object') throw new FinanceInputError('input', 'must be an object');
  const { mu: rawMu, sigma, n } = readMoments(input);
  const { lo, hi } = readBounds(input.bounds, n);
  const rf = input.risk_free_rate ?? 0;
  if (typeof rf !== 'number' || !Number.isFinite(rf)) {
    throw new FinanceInputError('risk_free_rate', `must be a finite number, got ${String(rf)}`);
  }
  const points = input.points ?? 20;
  if (!Number.isInteger(points) || points < 1 || points > 100_000) {
    throw new FinanceInputError('points', `must be an integer in [1, 100000], got ${String(points)}`);
  }

  let meanVar = 0;
  for (let i = 0; i < n; i++) meanVar += sigma[i * n + i] / n;
  // Returns closer than 1e-10 of the return/volatility scale are snapped to one of them
  // (sorted, each group takes its smallest value): such differences are noise that would
  // make the return constraint numerically dependent on the budget. Well-separated
  // returns are left exactly as given.
  let muScale = Math.sqrt(Math.max(meanVar, 0));
  for (let i = 0; i < n; i++) muScale = Math.max(muScale, Math.abs(rawMu[i]));
  const quantum = 1e-10 * (muScale > 0 ? muScale : 1);
  const mu = snapReturns(rawMu, quantum);
  const q = Float64Array.from(sigma);
  const ridge = 1e-12 * (meanVar > 0 ? meanVar : 1);
  for (let i = 0; i < n; i++) q[i * n + i] += ridge;
  const ones = new Float64Array(n).fill(1);

  // maximum attainable return: fill the highest-return assets first (fractional knapsack)
  const wMax = maxReturnPortfolio(mu, lo, hi);
  const rMax = dot(mu, wMax);

  const budgetOnly: BoxQp = { n, q, rows: [ones], rhs: [1], lo, hi };
  const wMv = Float64Array.from(wMax);
  solveBoxQp(budgetOnly, wMv);
  const minVariance = describe(wMv, rawMu, sigma, n);
  const rMv = dot(mu, wMv);

  const span = rMax - rMv;
  // attainable returns span less than the snapping quantum: the frontier is a single
  // point, the minimum-variance portfolio
  const degenerate = !(span > quantum);

  const solveAt = (target: number, from: Float64Array, fromReturn: number): Float64Array => {
    // feasible start on the segment from `from` to the max-return portfolio
    const x = new Float64Array(n);
    const beta = rMax - fromReturn > 0 ? Math.min(1, Math.max(0, (target - fromReturn) / (rMax - fromReturn))) : 0;
    for (let i = 0; i < n; i++) x[i] = from[i] + beta * (wMax[i] - from[i]);
    solveBoxQp({ n, q, rows: [ones, mu], rhs: [1, dot(mu, x)], lo, hi }, x);
    return x;
  };

  const frontier: FrontierPoint[] = [minVariance];
  const solutions: Float64Array[] = [wMv];
  for (let k = 1; k < points; k++) {
    if (degenerate) {
      frontier.push(minVariance);
      solutions.push(wMv);
      continue;
    }
    const target = k === points - 1 ? rMax : rMv + (span * k) / (points - 1);
    const prev = solutions[k - 1];
    const w = solveAt(target, prev, dot(mu, prev));
    solutions.push(w);
    frontier.push(describe(w, rawMu, sigma, n));
  }

  if (!(rMax > rf)) {
    throw new FinanceInputError(
      'risk_free_rate',
      `must be below the maximum attainable expected return ${rMax}, got ${rf}`,
    );
  }
  const maxSharpe = degenerate
    ? withSharpe(minVariance, rf)
    : tangency(frontier, solutions, rf, rMv, rMax, solveAt, mu, rawMu, sigma, n);
  return { min_variance: minVariance, max_sharpe: maxSharpe, frontier };
}

function tangency(
  frontier: FrontierPoint[],
  solutions: Float64Array[],
  rf: number,
  rMv: number,
  rMax: number,
  solveAt: (target: number, from: Float64Array, fromReturn: number) => Float64Array,
  mu: Float64Array,
  rawMu: Float64Array,
  sigma: Float64Array,
  n: number,
): MaxSharpePoint {
  const sharpeOf = (p: FrontierPoint): number => (p.volatility > 0 ? (p.expected_return - rf) / p.volatility : -Infinity);
  let best = 0;
  for (let k = 1; k < frontier.length; k++) if (sharpeOf(frontier[k]) > sharpeOf(frontier[best])) best = k;
  // bracket: the neighbours of the best frontier point, above rf
  const step = (rMax - rMv) / Math.max(1, frontier.length - 1);
  const rBest = dot(mu, solutions[best]);
  let a = Math.max(rMv, rBest - step, rf);
  let b = Math.min(rMax, rBest + step);
  if (!(b > a)) return withSharpe(frontier[best], rf);
  const anchor = solutions[Math.max(0, best - 1)];
  const anchorReturn = dot(mu, anchor);
  const evalAt = (r: number): { w: Float64Array; p: FrontierPoint; s: number } => {
    const w = r <= anchorReturn ? solveAt(r, solutions[0], dot(mu, solutions[0])) : solveAt(r, anchor, anchorReturn);
    const p = describe(w, rawMu, sigma, n);
    return { w, p, s: sharpeOf(p) };
  };
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let c = b - invPhi * (b - a);
  let d = a + invPhi * (b - a);
  let fc = evalAt(c);
  let fd = evalAt(d);
  // golden section to a narrow bracket, then the exact optimum of the quadratic piece:
  // with a fixed active set w is affine in the target R, so σ²(R) = αR² + βR + γ and
  // d/dR [(R − rf)/σ] = 0 gives R* = −(γ + rf·β/2) / (β/2 + rf·α).
  const tol = 1e-3 * (rMax - rMv);
  while (b - a > tol) {
    if (fc.s >= fd.s) {
      b = d;
      d = c;
      fd = fc;
      c = b - invPhi * (b - a);
      fc = evalAt(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + invPhi * (b - a);
      fd = evalAt(d);
    }
  }
  let top = fc.s >= fd.s ? fc : fd;
  const fa = evalAt(a);
  const fb = evalAt(b);
  const x0 = a;
  const x1 = c;
  const x2 = b;
  const v0 = fa.p.volatility ** 2;
  const v1 = fc.p.volatility ** 2;
  const v2 = fb.p.volatility ** 2;
  // Newton divided differences of σ² on (x0, x1, x2)
  const d01 = (v1 - v0) / (x1 - x0);
  const d12 = (v2 - v1) / (x2 - x1);
  const alpha = (d12 - d01) / (x2 - x0);
  const beta = d01 - alpha * (x0 + x1);
  const gamma = v0 - alpha * x0 * x0 - beta * x0;
  const denom = beta / 2 + rf * alpha;
  if (denom !== 0) {
    const rStar = -(gamma + (rf * beta) / 2) / denom;
    if (rStar >= a && rStar <= b) {
      const cand = evalAt(rStar);
      if (cand.s >= top.s) top = cand;
    }
  }
  for (const cand of [fa, fb]) if (cand.s > top.s) top = cand;
  if (sharpeOf(frontier[best]) > top.s) top = { w: solutions[best], p: frontier[best], s: sharpeOf(frontier[best]) };
  return withSharpe(top.p, rf);
}

function snapReturns(raw: Float64Array, quantum: number): Float64Array {
  const mu = Float64Array.from(raw);
  const order = Array.from(raw.keys()).sort((a, b) => raw[a] - raw[b]);
  let anchor = Number.NaN;
  for (const i of order) {
    if (Number.isNaN(anchor) || raw[i] - anchor > quantum) anchor = raw[i];
    else mu[i] = anchor;
  }
  return mu;
}

function withSharpe(p: FrontierPoint, rf: number): MaxSharpePoint {
  return { ...p, sharpe: p.volatility > 0 ? (p.expected_return - rf) / p.volatility : Infinity };
}

function describe(w: Float64Array, mu: Float64Array, sigma: Float64Array, n: number): FrontierPoint {
  let variance = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += sigma[i * n + j] * w[j];
    variance += w[i] * acc;
  }
  return { weights: Array.from(w), expected_return: dot(mu, w), volatility: Math.sqrt(Math.max(0, variance)) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxReturnPortfolio(mu: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  const n = mu.length;
  const w = Float64Array.from(lo);
  let left = 1;
  for (let i = 0; i < n; i++) left -= lo[i];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => mu[b] - mu[a]);
  for (const i of order) {
    if (left <= 0) break;
    const add = Math.min(hi[i] - lo[i], left);
    w[i] += add;
    left -= add;
  }
  return w;
}

function readMoments(input: FrontierInput): { mu: Float64Array; sigma: Float64Array; n: number } {
  const { expected_returns, covariance } = input;
  if (!Array.isArray(expected_returns) || expected_returns.length === 0) {
    throw new FinanceInputError('expected_returns', 'must be a non-empty array of numbers');
  }
  const n = expected_returns.length;
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = expected_returns[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FinanceInputError(`expected_returns[${i}]`, `must be a finite number, got ${String(v)}`);
    }
    mu[i] = v;
  }
  if (!Array.isArray(covariance) || covariance.length !== n) {
    throw new FinanceInputError('covariance', `must be a ${n} × ${n} matrix (one row per expected return)`);
  }
  const sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = covariance[i];
    if (!Array.isArray(row) || row.length !== n) {
      throw new FinanceInputError(`covariance[${i}]`, `must have ${n} entries`);
    }
    for (let j = 0; j < n; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new FinanceInputError(`covariance[${i}][${j}]`, `must be a finite number, got ${String(v)}`);
      }
      sigma[i * n + j] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    if (sigma[i * n + i] < 0) throw new FinanceInputError(`covariance[${i}][${i}]`, 'variance must be >= 0');
    for (let j = 0; j < i; j++) {
      const a = sigma[i * n + j];
      const b = sigma[j * n + i];
      if (Math.abs(a - b) > 1e-10 * Math.max(Math.abs(a), Math.abs(b), Math.sqrt(sigma[i * n + i] * sigma[j * n + j]), 1e-300)) {
        throw new FinanceInputError(`covariance[${i}][${j}]`, `must equal covariance[${j}][${i}] (symmetric)`);
      }
    }
  }
  if (!isPositiveSemidefinite(sigma, n)) {
    throw new FinanceInputError('covariance', 'must be positive semidefinite');
  }
  return { mu, sigma, n };
}

/** PSD test: Cholesky of Σ + ε·I with ε = 1e-10 × max variance must succeed. */
function isPositiveSemidefinite(sigma: Float64Array, n: number): boolean {
  let maxVar = 0;
  for (let i = 0; i < n; i++) maxVar = Math.max(maxVar, sigma[i * n + i]);
  const a = Float64Array.from(sigma);
  const eps = 1e-10 * (maxVar > 0 ? maxVar : 1);
  for (let i = 0; i < n; i++) a[i * n + i] += eps;
  return choleskyInPlace(a, n);
}

function readBounds(bounds: [number, number][] | undefined, n: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(1);
  if (bounds !== undefined) {
    if (!Array.isArray(bounds) || bounds.length !== n) {
      throw new FinanceInputError('bounds', `must have one [lo, hi] pair per asset (${n})`);
    }
    for (let i = 0; i < n; i++) {
      const b = bounds[i];
      const ok =
        Array.isArray(b) &&
        b.length === 2 &&
        typeof b[0] === 'number' &&
        typeof b[1] === 'number' &&
        Number.isFinite(b[0]) &&
        Number.isFinite(b[1]) &&
        b[0] >= 0 &&
        b[0] <= b[1] &&
        b[1] <= 1;
      if (!ok) throw new FinanceInputError(`bounds[${i}]`, `must be [lo, hi] with 0 <= lo <= hi <= 1, got ${JSON.stringify(b)}`);
      lo[i] = b[0];
      hi[i] = b[1];
    }
  }
  let sumLo = 0;
  let sumHi = 0;
  for (let i = 0; i < n; i++) {
    sumLo += lo[i];
    sumHi += hi[i];
  }
  if (sumLo > 1 + 1e-12 || sumHi < 1 - 1e-12) {
    throw new FinanceInputError('bounds', `infeasible: need sum(lo) <= 1 <= sum(hi), got ${sumLo} and ${sumHi}`);
  }
  return { lo, hi };
}
