/**
 * Dense primal active-set solver for the convex quadratic program
 *
 *     minimise ½·xᵀQx   subject to   A x = b   (k ≤ a few rows),   lo ≤ x ≤ hi,
 *
 * with Q symmetric positive definite (callers add a tiny ridge to a PSD covariance).
 * Reference: Nocedal & Wright, "Numerical Optimization", 2nd ed., Algorithm 16.3.
 *
 * The working set holds variables fixed at a bound. Each iteration solves the
 * equality-constrained sub-problem on the free variables through a Cholesky factor of
 * Q_FF and the k × k Schur complement A_F Q_FF⁻¹ A_Fᵀ (the return row orthogonalised against
 * the budget row in the Q_FF⁻¹ inner product, so nearly equal returns do not make it
 * cancel), steps towards its solution until a
 * bound blocks (which joins the working set), and at a sub-problem optimum releases the
 * bound with the most negative multiplier. Starting from a feasible point with an empty
 * working set keeps the working-set gradients linearly independent throughout.
 */
import { FinanceError } from './errors.js';
import { choleskyInPlace, choleskySolveInPlace } from './linalg.js';

export interface BoxQp {
  n: number;
  /** Q, row-major n × n, symmetric positive definite. */
  q: Float64Array;
  /**
   * Equality rows (each length n): `rows[0]` is the budget row (all ones), optionally one
   * more row (expected returns) not constant across the variables.
   */
  rows: Float64Array[];
  rhs: number[];
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * Solve {@link BoxQp} from the feasible point `x` (overwritten with the optimum).
 * Variables with `lo === hi` stay pinned at that value.
 *
 * @throws FinanceError (`QP_NOT_CONVERGED`) if the iteration cap is hit (degenerate cycling);
 *   (`QP_ROWS`) for other than one or two equality rows
 */
export function solveBoxQp(p: BoxQp, x: Float64Array): void {
  const { n, q, rows, lo, hi } = p;
  const k = rows.length;
  if (k !== 1 && k !== 2) throw new FinanceError(`box QP takes the budget row and at most one more equality row, got ${k} rows`, 'QP_ROWS');
  // state: 0 free, −1 at lower bound, +1 at upper bound, 2 pinned (lo === hi)
  const state = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (lo[i] === hi[i]) {
      state[i] = 2;
      x[i] = lo[i];
    }
  }
  warmStart(p, x, state);
  const g = new Float64Array(n);
  const free = new Int32Array(n);
  const qff = new Float64Array(n * n);
  const y = new Float64Array(k * n); // Q_FF⁻¹ A_Fᵀ, one column per row
  const z = new Float64Array(n); // Q_FF⁻¹ g_F
  const step = new Float64Array(n);
  const nu = new Float64Array(k);
  const rowF = new Float64Array(k * n); // equality rows on the free set (orthogonalised)
  const shift = new Float64Array(k);
  const s = new Float64Array(k * k);
  const t = new Float64Array(k);
  const maxIter = 20 * n + 100;
  let atSubOptimum = false; // the previous iteration took the full, unblocked step

  for (let iter = 0; iter < maxIter; iter++) {
    // gradient g = Q x
    let gmax = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const ri = i * n;
      for (let j = 0; j < n; j++) acc += q[ri + j] * x[j];
      g[i] = acc;
      if (Math.abs(acc) > gmax) gmax = Math.abs(acc);
    }
    let m = 0;
    for (let i = 0; i < n; i++) if (state[i] === 0) free[m++] = i;
    if (m === 0) return; // every variable fixed: x is the only feasible point left
    for (let a = 0; a < m; a++) {
      const ra = free[a] * n;
      for (let b = 0; b <= a; b++) qff[a * m + b] = q[ra + free[b]];
    }
    if (!choleskyInPlace(qff, m)) throw new FinanceError('covariance is not positive definite', 'QP_NOT_PD');
    // Equality rows on the free set, each later row orthogonalised against the budget row
    // in the Q_FF⁻¹ inner product: row_r − c_r·row_0 with c_r = (row_0ᵀQ⁻¹row_r)/(row_0ᵀQ⁻¹row_0)
    // (for the return row: minus its Q⁻¹-weighted mean). The rows span the same constraints
    // on the free variables, but the Schur complement no longer cancels catastrophically
    // when the free returns are nearly equal relative to their level.
    const row0 = rows[0];
    for (let a = 0; a < m; a++) {
      rowF[a] = row0[free[a]];
      y[a] = rowF[a];
    }
    choleskySolveInPlace(qff, m, y, 0);
    let dependent = false;
    for (let r = 1; r < k; r++) {
      const row = rows[r];
      let num = 0;
      let den = 0;
      let lo = Infinity;
      let hi = -Infinity;
      let scale = 0;
      for (let a = 0; a < m; a++) {
        const v = row[free[a]];
        num += y[a] * v;
        den += y[a] * rowF[a];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        scale = Math.max(scale, Math.abs(v));
      }
      shift[r] = num / den;
      // constant on the free set (to rounding): implied by the budget row there
      if (!(hi - lo > 1e-12 * scale)) dependent = true;
      for (let a = 0; a < m; a++) {
        rowF[r * m + a] = row[free[a]] - shift[r] * rowF[a];
        y[r * m + a] = rowF[r * m + a];
      }
      choleskySolveInPlace(qff, m, y, r * m);
    }
    for (let a = 0; a < m; a++) z[a] = g[free[a]];
    choleskySolveInPlace(qff, m, z, 0);
    // Schur complement S = A_F Y, t = A_F z; solve S ν = −t
    for (let r = 0; r < k; r++) {
      let acc = 0;
      for (let a = 0; a < m; a++) acc += rowF[r * m + a] * z[a];
      t[r] = acc;
      for (let c = 0; c < k; c++) {
        let sc = 0;
        for (let a = 0; a < m; a++) sc += rowF[r * m + a] * y[c * m + a];
        s[r * k + c] = sc;
      }
    }
    if (dependent) {
      // only the budget multiplier is needed
      nu.fill(0);
      nu[0] = -t[0] / s[0];
    } else solveSmall(s, t, nu, k);
    let pmax = 0;
    for (let a = 0; a < m; a++) {
      let v = -z[a];
      for (let r = 0; r < k; r++) v -= nu[r] * y[r * m + a];
      step[a] = v;
      if (Math.abs(v) > pmax) pmax = Math.abs(v);
    }
    if (atSubOptimum || pmax <= ZERO_STEP) {
      atSubOptimum = false;
      // sub-problem optimum: check the bound multipliers r_i = g_i + (Aᵀν)_i
      let worst = -1;
      let worstViolation = 1e-12 * (1 + gmax);
      for (let i = 0; i < n; i++) {
        if (state[i] !== -1 && state[i] !== 1) continue;
        let r = g[i] + nu[0] * rows[0][i];
        for (let rr = 1; rr < k; rr++) r += nu[rr] * (rows[rr][i] - shift[rr] * rows[0][i]);
        const violation = state[i] === -1 ? -r : r;
        if (violation > worstViolation) {
          worstViolation = violation;
          worst = i;
        }
      }
      if (worst < 0) return;
      state[worst] = 0;
      continue;
    }
    let alpha = 1;
    let block = -1;
    let blockState = 0;
    // components below 1e-12·‖p‖∞ are rounding noise of a zero move (e.g. an asset whose
    // return is the only one distinguishing the return row); they never block a step
    const still = Math.max(1e-12 * pmax, 1e-15);
    for (let a = 0; a < m; a++) {
      const i = free[a];
      const d = step[a];
      if (Math.abs(d) <= still) continue;
      // fixing i must keep the working set independent of the equality rows; if it would
      // not, the true move of i is zero and d is rounding noise (exact arithmetic never
      // blocks on a dependent bound)
      if (!canFix(i, free, m, rows)) continue;
      if (d < 0) {
        const ratio = Math.max(0, (lo[i] - x[i]) / d);
        if (ratio < alpha) {
          alpha = ratio;
          block = i;
          blockState = -1;
        }
      } else if (d > 0) {
        const ratio = Math.max(0, (hi[i] - x[i]) / d);
        if (ratio < alpha) {
          alpha = ratio;
          block = i;
          blockState = 1;
        }
      }
    }
    for (let a = 0; a < m; a++) {
      const i = free[a];
      x[i] = Math.min(hi[i], Math.max(lo[i], x[i] + alpha * step[a]));
    }
    atSubOptimum = block < 0;
    if (block >= 0) {
      state[block] = blockState;
      x[block] = blockState === -1 ? lo[block] : hi[block];
    }
  }
  throw new FinanceError('mean-variance QP did not converge (degenerate cycling)', 'QP_NOT_CONVERGED');
}

/**
 * Warm start: put every variable sitting on a bound of the feasible start into the working
 * set (saves one zero-length step per such bound), provided the equality rows stay
 * independent on the remaining free variables; otherwise start with an empty working set.
 */
function warmStart(p: BoxQp, x: Float64Array, state: Int8Array): void {
  const { n, rows, lo, hi } = p;
  const k = rows.length;
  let freeCount = 0;
  let rlo = Infinity;
  let rhi = -Infinity;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    if (state[i] === 2) continue;
    if (x[i] <= lo[i]) state[i] = -1;
    else if (x[i] >= hi[i]) state[i] = 1;
    else {
      freeCount++;
      if (k > 1) {
        const v = rows[1][i];
        rlo = Math.min(rlo, v);
        rhi = Math.max(rhi, v);
        scale = Math.max(scale, Math.abs(v));
      }
    }
  }
  const independent = freeCount >= k && (k < 2 || rhi - rlo > 1e-12 * scale);
  if (!independent) for (let i = 0; i < n; i++) if (state[i] !== 2) state[i] = 0;
}

/** A step shorter than this (in weight units, O(1)) is rounding noise: a zero step. */
const ZERO_STEP = 1e-11;

/**
 * Whether variable `i` can join the working set with the equality rows staying linearly
 * independent on the remaining free variables: at least k of them must remain, and the
 * optional second row must not become constant on them (it would then be implied by the
 * budget row).
 */
function canFix(i: number, free: Int32Array, m: number, rows: Float64Array[]): boolean {
  const k = rows.length;
  if (m - 1 < k) return false;
  if (k < 2) return true;
  const row = rows[1];
  let lo = Infinity;
  let hi = -Infinity;
  let scale = 0;
  for (let a = 0; a < m; a++) {
    const j = free[a];
    const v = row[j];
    scale = Math.max(scale, Math.abs(v));
    if (j === i) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo > 1e-12 * scale;
}

/** Solve the k × k system S ν = −t for k ∈ {1, 2} (budget row, optional return row). */
function solveSmall(s: Float64Array, t: Float64Array, out: Float64Array, k: number): void {
  if (k === 1) {
    out[0] = -t[0] / s[0];
    return;
  }
  const det = s[0] * s[3] - s[1] * s[2];
  if (!(Math.abs(det) > 1e-13 * Math.abs(s[0] * s[3]))) {
    // the return row is (numerically) constant on the free set: it is implied by the
    // budget row there, so only the budget multiplier is needed
    out[0] = -t[0] / s[0];
    out[1] = 0;
    return;
  }
  out[0] = (-t[0] * s[3] + t[1] * s[1]) / det;
  out[1] = (-t[1] * s[0] + t[0] * s[2]) / det;
}
