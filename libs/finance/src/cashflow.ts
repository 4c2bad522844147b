/**
 * Discounted cash-flow math: NPV, IRR (periodic), XNPV, XIRR (dated).
 *
 * Conventions (numpy-financial / Excel):
 * - Sign of cash flows: from the investor's view, money paid in (contributions,
 *   advances) is negative, money received (distributions, proceeds) is positive.
 *   Only the relative sign matters for IRR.
 * - Periodic flows: `flows[t]` happens at the end of period `t`, `flows[0]` at t = 0
 *   (undiscounted). Rates are decimals per period (0.05 = 5 % per period).
 * - Dated flows: day count Actual/365 with annual compounding,
 *   `t_i = (day_i − day_0) / 365`, `day_0` the date of the FIRST element of the
 *   array (as Excel's XNPV/XIRR). Dates are ISO strings (`2008-01-01`, read as UTC
 *   calendar days) or `Date` objects (their UTC calendar day; time of day ignored).
 *   Rates are decimals per year.
 * - Rates are always > −1 (a rate of −1 would discount by division by zero).
 *
 * IRR root rule (documented, tested):
 * - No strictly positive flow or no strictly negative flow → `NaN` (no rate solves NPV = 0).
 * - Exactly one sign change in time order (a conventional flow) → NPV has exactly one
 *   root in (−1, ∞) (Descartes' rule of signs, which also holds for the real exponents of
 *   XIRR); it is found by Newton's method from a guess, falling back to a sign-change
 *   bracket on the log-growth `L = ln(1+r)` expanded from 0 (±1, ±2, ±4, … up to
 *   L ∈ [−36, 700]) and refined by Brent's method. A root outside that range (a rate that
 *   rounds to −1 or overflows) gives `NaN`.
 * - Several sign changes → `L` is scanned on a fixed grid over [−36, 700] (about 1 % steps
 *   in r near 0, coarser further out) for sign changes of NPV; every bracket is refined by
 *   Brent and the root CLOSEST TO THE GUESS (default 0.1) is returned. Two roots inside
 *   one grid cell cancel and are not seen.
 *   A tangent (even-multiplicity) root that never changes sign is looked for by Newton
 *   from the guess as a last resort.
 * - A candidate is returned only if its NPV residual is small relative to the size of the
 *   discounted flows, |NPV(r)| ≤ 1e-9 · Σ|flow_t|/(1+r)^t; otherwise the result is `NaN`.
 * - Zero flows are ignored for root finding (leading zeros would otherwise make r → ∞ look
 *   like a root); they still count as periods for the timing of the later flows.
 */
import { brentRoot } from './brent.js';
import { FinanceInputError } from './errors.js';

/** A dated cash flow. `amount` uses the sign convention above. */
export interface DatedFlow {
  /**
   * ISO date (`YYYY-MM-DD` or full ISO timestamp) or a `Date`, read as a UTC calendar day;
   * or a day number (days since 1970-01-01 UTC, as `dayNumber` returns; used as given).
   */
  date: string | Date | number;
  /** Amount in currency units; negative = paid in, positive = received. */
  amount: number;
}

/** Default IRR guess (Excel / numpy-financial use 0.1). */
export const DEFAULT_IRR_GUESS = 0.1;
/** Relative NPV residual below which a rate is accepted as a root. */
export const IRR_RESIDUAL_TOLERANCE = 1e-9;

const DAY_MS = 86_400_000;
const NEWTON_MAX_ITER = 60;


/** Most negative log-growth searched: r = e^−36 − 1 ≈ −1 + 2.3e−16 is still > −1 in doubles. */
const L_MIN = -36;
/** Largest log-growth searched: r = e^700 − 1 ≈ 1e304 is still finite. */
const L_MAX = 700;

function buildLogGrowthGrid(): Float64Array {
  const pts: number[] = [];
  for (let k = -100; k <= 100; k++) pts.push(k * 0.01); // r in [−0.63, 1.72] step ~1 %
  for (let x = 1.04; x <= 12; x *= 1.04) pts.push(x, -x);
  for (let x = 12 * 1.25; x < -L_MIN; x *= 1.25) pts.push(-x);
  for (let x = 12 * 1.25; x < L_MAX; x *= 1.25) pts.push(x);
  pts.push(L_MIN, L_MAX);
  pts.sort((a, b) => a - b);
  return Float64Array.from(pts);
}

/** Grid of log-growth values L = ln(1 + r) scanned for NPV sign changes. */
const L_GRID: Float64Array = buildLogGrowthGrid();

// ---------------------------------------------------------------------------
// NPV / XNPV
// ---------------------------------------------------------------------------

/**
 * Net present value of periodic flows, numpy-financial convention:
 * `npv = Σ_t flows[t] / (1 + rate)^t`, `flows[0]` at t = 0 (not discounted).
 * (Note: Excel's NPV discounts the first value by one period; this does not.)
 *
 * @param rate discount rate per period, decimal, > −1
 * @param flows flows per period (sign convention: see module doc)
 * @throws FinanceInputError (`rate`, `flows`, `flows[i]`) on non-finite input or rate ≤ −1
 */
export function npv(rate: number, flows: number[]): number {
  checkRate(rate, 'rate');
  const arr = toFiniteArray(flows, 'flows');
  const v = 1 / (1 + rate);
  let acc = 0;
  for (let t = arr.length - 1; t >= 0; t--) acc = acc * v + arr[t];
  return acc;
}

/**
 * Net present value of dated flows: `Σ_i amount_i / (1 + rate)^((day_i − day_0)/365)`,
 * Actual/365, `day_0` = date of the first element (as Excel/LibreOffice XNPV).
 *
 * @param rate annual discount rate, decimal, > −1
 * @throws FinanceInputError (`rate`, `flows`, `flows[i].date`, `flows[i].amount`)
 */
export function xnpv(rate: number, flows: DatedFlow[]): number {
  checkRate(rate, 'rate');
  const { amounts, years } = datedArrays(flows);
  const lr = Math.log1p(rate);
  let acc = 0;
  for (let i = 0; i < amounts.length; i++) acc += amounts[i] * Math.exp(-years[i] * lr);
  return acc;
}

// ---------------------------------------------------------------------------
// IRR / XIRR
// ---------------------------------------------------------------------------

/**
 * Internal rate of return of periodic flows (rate per period): the `r > −1` with
 * `npv(r, flows) = 0`. Returns `NaN` when no rate solves it (e.g. all flows of one sign).
 * Root rule with several sign changes: the root closest to `guess` (module doc).
 *
 * Reference: `npf.irr([-100, 39, 59, 55, 20]) = 0.28095`.
 *
 * @param flows flows per period, `flows[0]` at t = 0
 * @param guess starting point / tie-break for multiple roots, > −1 (default 0.1)
 * @throws FinanceInputError (`flows`, `flows[i]`, `guess`) on empty or non-finite input
 */
export function irr(flows: number[], guess: number = DEFAULT_IRR_GUESS): number {
  const arr = toFiniteArray(flows, 'flows');
  if (arr.length === 0) throw new FinanceInputError('flows', 'must contain at least one flow');
  return irrPeriodic(arr, arr.length, guess);
}

/**
 * Fast periodic IRR for hot loops (one call per Monte Carlo path). Same convention and
 * root rule as {@link irr}, over `flows[0 .. length-1]`; rate per period; `NaN` when no
 * rate solves NPV = 0.
 *
 * Allocation-free on the common path: one pass classifies the signs, then Newton's method
 * on NPV evaluated by Horner's rule in `v = 1/(1+r)` (no `pow`) from a duration-based
 * guess `(Σin/Σout)^(1/(D_in − D_out)) − 1`; a conventional flow (one sign change) has a
 * unique root, so any converged Newton iterate with a small residual is THE answer.
 * Otherwise it falls back to the bracket scan + Brent (allocates a little).
 *
 * @param flows typed array holding the flows (may be longer than `length`, reused per path)
 * @param length number of periods to use, integer in [1, flows.length]
 * @param guess optional; used as the Newton start and as the multiple-root tie-break
 *   (default 0.1 for the tie-break, duration guess for the start)
 * @throws FinanceInputError (`length`, `flows[i]`, `guess`)
 */
export function irrPeriodic(flows: Float64Array, length: number, guess?: number): number {
  if (!Number.isInteger(length) || length < 1 || length > flows.length) {
    throw new FinanceInputError('length', `must be an integer in [1, ${flows.length}], got ${length}`);
  }
  if (guess !== undefined) checkRate(guess, 'guess');
  let pos = 0;
  let neg = 0;
  let posT = 0;
  let negT = 0;
  let changes = 0;
  let lastSign = 0;
  for (let t = 0; t < length; t++) {
    const f = flows[t];
    if (!Number.isFinite(f)) throw new FinanceInputError(`flows[${t}]`, `must be a finite number, got ${f}`);
    if (f > 0) {
      pos += f;
      posT += f * t;
      if (lastSign < 0) changes++;
      lastSign = 1;
    } else if (f < 0) {
      neg -= f;
      negT -= f * t;
      if (lastSign > 0) changes++;
      lastSign = -1;
    }
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  const tieBreak = guess ?? DEFAULT_IRR_GUESS;
  // leading zero flows only multiply NPV by v^first: solve on the rest (otherwise v = 0,
  // i.e. r = ∞, would look like a root)
  let first = 0;
  while (flows[first] === 0) first++;
  if (changes === 1) {
    let start = guess;
    if (start === undefined) {
      const span = posT / pos - negT / neg; // unaffected by the leading-zero shift
      start = span !== 0 ? Math.pow(pos / neg, 1 / span) - 1 : DEFAULT_IRR_GUESS;
      if (!Number.isFinite(start) || start <= -1 || start > 1e3) start = DEFAULT_IRR_GUESS;
    }
    const r = newtonPeriodic(flows, first, length, start);
    return Number.isNaN(r) ? uniqueRoot(flows.subarray(first, length), null, length - first) : r;
  }
  return scanForRoot(flows.subarray(first, length), null, length - first, tieBreak);
}

/**
 * Internal rate of return of dated flows (annual rate, Actual/365, annual compounding):
 * the `r > −1` with `xnpv(r, flows) = 0`, as Excel/LibreOffice XIRR. `NaN` when no rate
 * solves it. Root rule with several sign changes: closest to `guess` (module doc).
 * Independent of which date is the first (shifting every date equally leaves it unchanged).
 *
 * Reference: LibreOffice/Excel XIRR help example → 0.373362535.
 *
 * @param guess starting point / multiple-root tie-break, > −1 (default 0.1)
 * @throws FinanceInputError (`flows`, `flows[i].date`, `flows[i].amount`, `guess`)
 */
export function xirr(flows: DatedFlow[], guess: number = DEFAULT_IRR_GUESS): number {
  checkRate(guess, 'guess');
  const { amounts, years } = datedArrays(flows);
  // time order for the sign-change count; NPV does not depend on the order. Zero amounts
  // are dropped (they would only let an all-underflowed NPV look like a root). Dates are
  // parsed once (datedArrays); flows already in date order are not sorted.
  let n = 0;
  let sorted = true;
  let prevY = -Infinity;
  for (let i = 0; i < amounts.length; i++) {
    if (amounts[i] === 0) continue;
    if (years[i] < prevY) sorted = false;
    prevY = years[i];
    n++;
  }
  const a = new Float64Array(n);
  const y = new Float64Array(n);
  if (sorted) {
    for (let i = 0, k = 0; i < amounts.length; i++) {
      if (amounts[i] === 0) continue;
      a[k] = amounts[i];
      y[k++] = years[i];
    }
  } else {
    const order = Array.from({ length: amounts.length }, (_, i) => i)
      .filter((i) => amounts[i] !== 0)
      .sort((p, q) => years[p] - years[q]);
    for (let k = 0; k < n; k++) {
      a[k] = amounts[order[k]];
      y[k] = years[order[k]];
    }
  }
  let pos = 0;
  let neg = 0;
  let changes = 0;
  let lastSign = 0;
  for (let k = 0; k < n; k++) {
    const f = a[k];
    if (f > 0) {
      pos += f;
      if (lastSign < 0) changes++;
      lastSign = 1;
    } else if (f < 0) {
      neg -= f;
      if (lastSign > 0) changes++;
      lastSign = -1;
    }
  }
  if (pos === 0 || neg === 0) return Number.NaN;
  if (changes === 1) {
    const r = newtonLog(a, y, n, Math.log1p(guess));
    return Number.isNaN(r) || !(r > -1) || !Number.isFinite(r) ? uniqueRoot(a, y, n) : r;
  }
  return scanForRoot(a, y, n, guess);
}

// ---------------------------------------------------------------------------
// internals
// ---------------------------------------------------------------------------

/**
 * Newton on periodic NPV / v^first in the rate, Horner in v = 1/(1+r) over
 * flows[first .. n-1] (flows[first] ≠ 0). NaN when not converged.
 */
function newtonPeriodic(flows: Float64Array, first: number, n: number, start: number): number {
  let r = start;
  for (let iter = 0; iter < NEWTON_MAX_ITER; iter++) {
    const v = 1 / (1 + r);
    let p = flows[n - 1];
    let dp = 0;
    let s = Math.abs(p);
    for (let t = n - 2; t >= first; t--) {
      dp = dp * v + p;
      p = p * v + flows[t];
      s = s * v + Math.abs(flows[t]);
    }
    if (!Number.isFinite(p) || !Number.isFinite(dp) || !Number.isFinite(s)) return Number.NaN;
    if (Math.abs(p) <= 1e-13 * s) return r; // already a root to machine precision
    const dr = -dp * v * v; // dNPV/dr
    if (dr === 0) return Number.NaN;
    const step = p / dr;
    let next = r - step;
    if (next <= -1) next = (r - 1) / 2; // stay inside (−1, ∞): go halfway towards −1
    if (Math.abs(next - r) <= 1e-12 * (1 + Math.abs(r))) {
      return Math.abs(p) <= IRR_RESIDUAL_TOLERANCE * s ? next : Number.NaN;
    }
    r = next;
  }
  return Number.NaN;
}

/**
 * NPV scaled by a positive factor so it cannot overflow, as a function of the log-growth
 * L = ln(1+r): `Σ f_i · exp(−(t_i − c)·L)` with c = t_max for L < 0, t_min otherwise.
 * Same sign and same roots as NPV; continuous in L. Writes Σ|terms| to `SCRATCH[0]` and
 * the derivative in L to `SCRATCH[1]`.
 */
const SCRATCH = new Float64Array(2);
function scaledNpv(L: number, f: Float64Array, times: Float64Array | null, n: number): number {
  const tmin = times === null ? 0 : times[0];
  const tmax = times === null ? n - 1 : times[n - 1];
  const c = L < 0 ? tmax : tmin;
  let acc = 0;
  let abs = 0;
  let der = 0;
  for (let i = 0; i < n; i++) {
    const dt = (times === null ? i : times[i]) - c;
    const term = f[i] * Math.exp(-dt * L);
    acc += term;
    abs += Math.abs(term);
    der -= dt * term;
  }
  SCRATCH[0] = abs;
  SCRATCH[1] = der;
  return acc;
}

function residualOk(L: number, f: Float64Array, times: Float64Array | null, n: number): boolean {
  const v = scaledNpv(L, f, times, n);
  // SCRATCH[0] = 0 means every term underflowed: no evidence of a root
  return Number.isFinite(v) && SCRATCH[0] > 0 && Math.abs(v) <= IRR_RESIDUAL_TOLERANCE * SCRATCH[0];
}

/** Newton in L = ln(1+r) on the scaled NPV (dated flows, sorted times). NaN if not converged. */
function newtonLog(f: Float64Array, times: Float64Array | null, n: number, startL: number): number {
  let L = startL;
  for (let iter = 0; iter < NEWTON_MAX_ITER; iter++) {
    const h = scaledNpv(L, f, times, n);
    const abs = SCRATCH[0];
    const der = SCRATCH[1];
    if (!Number.isFinite(h) || !Number.isFinite(der)) return Number.NaN;
    if (Math.abs(h) <= 1e-13 * abs) return Math.expm1(L);
    if (der === 0) return Number.NaN;
    let step = h / der;
    if (Math.abs(step) > 2) step = Math.sign(step) * 2; // damp wild steps in log-growth
    const next = L - step;
    if (Math.abs(next - L) <= 1e-13 * (1 + Math.abs(L))) {
      return residualOk(next, f, times, n) ? Math.expm1(next) : Number.NaN;
    }
    L = next;
  }
  return Number.NaN;
}

/**
 * The unique root of a flow with one sign change: expand a bracket in L = ln(1+r) from 0
 * outwards (±1, ±2, ±4, … to L_MIN / L_MAX), refine with Brent. NaN if not bracketed or
 * the residual test fails.
 */
function uniqueRoot(f: Float64Array, times: Float64Array | null, n: number): number {
  const h = (L: number): number => scaledNpv(L, f, times, n);
  const h0 = h(0);
  if (h0 === 0) return 0;
  for (const dir of [1, -1]) {
    let prev = 0;
    const limit = dir > 0 ? L_MAX : L_MIN;
    for (let mag = 1; ; mag *= 2) {
      const L = dir > 0 ? Math.min(mag, limit) : Math.max(-mag, limit);
      const H = h(L);
      if (H === 0 || (H < 0) !== (h0 < 0)) {
        const root = H === 0 ? L : brentRoot(h, prev, L);
        const r = Math.expm1(root);
        return r > -1 && Number.isFinite(r) && residualOk(root, f, times, n) ? r : Number.NaN;
      }
      if (L === limit) break;
      prev = L;
    }
  }
  return Number.NaN;
}

/**
 * Bracket scan over L_GRID + Brent; the root closest to `guess` (see module doc).
 *
 * The cells of the grid are visited outward from the guess, nearest first (by the distance
 * in r of a cell's near end to the guess), and the walk stops as soon as no unvisited cell
 * can hold a root closer than the best one found: the same cells, brackets and Brent
 * refinements as a scan of the whole grid, hence the same root, but usually after a handful
 * of NPV evaluations instead of ~360. The whole grid is only walked when there is no root.
 */
function scanForRoot(f: Float64Array, times: Float64Array | null, n: number, guess: number): number {
  const h = (L: number): number => scaledNpv(L, f, times, n);
  const grid = L_GRID;
  const last = grid.length - 1;
  const lg = Math.log1p(guess);
  let best = Number.NaN;
  let bestDist = Infinity;
  const consider = (L: number): void => {
    const r = Math.expm1(L);
    if (!(r > -1) || !Number.isFinite(r) || !residualOk(L, f, times, n)) return;
    const d = Math.abs(r - guess);
    if (d < bestDist) {
      best = r;
      bestDist = d;
    }
  };
  const dist = (L: number): number => Math.abs(Math.expm1(L) - guess);
  // The cell [grid[j], grid[j+1]] holding the guess (clamped to the grid).
  let j = 0;
  while (j < last - 1 && grid[j + 1] <= lg) j++;
  let lo = j; // lowest grid point evaluated
  let hi = j + 1; // highest grid point evaluated
  let hLo = h(grid[lo]);
  let hHi = h(grid[hi]);
  if (hLo === 0) consider(grid[lo]);
  if (hHi === 0) consider(grid[hi]);
  if (hLo !== 0 && hHi !== 0 && (hLo < 0) !== (hHi < 0)) consider(brentRoot(h, grid[lo], grid[hi]));
  for (;;) {
    const dDown = lo > 0 ? dist(grid[lo]) : Infinity;
    const dUp = hi < last ? dist(grid[hi]) : Infinity;
    if (Math.min(dDown, dUp) >= bestDist || (lo === 0 && hi === last)) break;
    if (dDown <= dUp) {
      const L = grid[lo - 1];
      const H = h(L);
      if (H === 0) consider(L);
      else if (hLo !== 0 && (hLo < 0) !== (H < 0)) consider(brentRoot(h, L, grid[lo]));
      lo--;
      hLo = H;
    } else {
      const L = grid[hi + 1];
      const H = h(L);
      if (H === 0) consider(L);
      else if (hHi !== 0 && (hHi < 0) !== (H < 0)) consider(brentRoot(h, grid[hi], L));
      hi++;
      hHi = H;
    }
  }
  if (Number.isNaN(best)) {
    // tangent root (no sign change): Newton from the guess, accepted only on a small residual
    const r = newtonLog(f, times, n, Math.log1p(guess));
    if (!Number.isNaN(r)) return r;
  }
  return best;
}

function checkRate(rate: number, field: string): void {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= -1) {
    throw new FinanceInputError(field, `must be a finite rate > -1, got ${String(rate)}`);
  }
}

function toFiniteArray(flows: number[], field: string): Float64Array {
  if (!Array.isArray(flows)) throw new FinanceInputError(field, 'must be an array of numbers');
  const out = new Float64Array(flows.length);
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i];
    if (typeof f !== 'number' || !Number.isFinite(f)) {
      throw new FinanceInputError(`${field}[${i}]`, `must be a finite number, got ${String(f)}`);
    }
    out[i] = f;
  }
  return out;
}

/**
 * UTC calendar day number (days since 1970-01-01) of an ISO date string or Date; a finite
 * number is taken as a day number already (returned as given).
 * @throws FinanceInputError naming `field` when the date is invalid
 */
export function dayNumber(date: string | Date | number, field: string): number {
  if (typeof date === 'number') {
    if (!Number.isFinite(date)) throw new FinanceInputError(field, `must be a valid ISO date, Date or finite day number, got ${String(date)}`);
    return date;
  }
  if (typeof date === 'string' && date.length === 10) {
    // Fast path for `YYYY-MM-DD` (no Date allocation, no regex): validated field by field.
    const d = civilDay(date);
    if (d === d) return d;
    throw new FinanceInputError(field, `must be a valid ISO date, got ${date}`);
  }
  let ms: number;
  if (date instanceof Date) ms = date.getTime();
  else if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(date)) {
    ms = Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
    // reject calendar overflow such as 2023-02-30 (Date.parse would roll it over)
    if (Number.isFinite(ms) && date.length === 10 && new Date(ms).toISOString().slice(0, 10) !== date) {
      ms = Number.NaN;
    }
  } else ms = Number.NaN;
  if (!Number.isFinite(ms)) throw new FinanceInputError(field, `must be a valid ISO date, got ${String(date)}`);
  return Math.floor(ms / DAY_MS);
}

/** Two ASCII digits of `s` at `i` as a number, or NaN. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * Day number of a 10-character `YYYY-MM-DD` string (proleptic Gregorian, UTC), NaN when it
 * is not a valid calendar date (e.g. 2023-02-30). Days-from-civil (H. Hinnant's algorithm).
 */
function civilDay(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  let y = digits2(s, 0) * 100 + digits2(s, 2);
  const m = digits2(s, 5);
  const d = digits2(s, 8);
  if (!(m >= 1 && m <= 12 && d >= 1)) return Number.NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > dim) return Number.NaN;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function datedArrays(flows: DatedFlow[]): { amounts: Float64Array; years: Float64Array } {
  if (!Array.isArray(flows) || flows.length === 0) {
    throw new FinanceInputError('flows', 'must be a non-empty array of { date, amount }');
  }
  const n = flows.length;
  const amounts = new Float64Array(n);
  const years = new Float64Array(n);
  let day0 = 0;
  for (let i = 0; i < n; i++) {
    const fl = flows[i];
    if (fl === null || typeof fl !== 'object') throw new FinanceInputError(`flows[${i}]`, 'must be { date, amount }');
    const amt = fl.amount;
    if (typeof amt !== 'number' || !Number.isFinite(amt)) {
      throw new FinanceInputError(`flows[${i}].amount`, `must be a finite number, got ${String(amt)}`);
    }
    const day = dayNumber(fl.date, `flows[${i}].date`);
    if (i === 0) day0 = day;
    amounts[i] = amt;
    years[i] = (day - day0) / 365;
  }
  return { amounts, years };
}
