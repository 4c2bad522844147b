import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irrPeriodic } from '../src/index.js';
import { pathIrr } from '../src/path-irr.js';
import { bisectIrr } from './helpers.js';

/** NPV at periodic rate r and the size of the discounted flows Σ|f_k|(1+r)^{−k} (independent of the solver). */
function npvAndScale(flows: ArrayLike<number>, r: number): { npv: number; scale: number } {
  let npv = 0;
  let scale = 0;
  for (let k = 0; k < flows.length; k++) {
    const d = Math.pow(1 + r, -k);
    npv += flows[k] * d;
    scale += Math.abs(flows[k]) * d;
  }
  return { npv, scale };
}

const cents = fc.integer({ min: 100, max: 100_000_000 }).map((c) => c / 100);

/**
 * Conventional flows (outflows, optional zero periods, then inflows) built around a KNOWN
 * periodic IRR: the inflow shape is drawn, then scaled so that NPV(rate) = 0. The rates
 * cover near-zero, ordinary and extreme periodic returns (a loss of half per period up
 * to a doubling), so every case has a well-defined reference.
 */
const conventionalWithRoot = fc
  .record({
    outs: fc.array(cents, { minLength: 1, maxLength: 5 }),
    gap: fc.integer({ min: 0, max: 6 }),
    shape: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
    rate: fc.oneof(fc.double({ min: -0.02, max: 0.02, noNaN: true }), fc.double({ min: -0.5, max: 1, noNaN: true })),
  })
  .filter(({ shape, rate }) => shape.some((w) => w > 0) && Math.abs(rate) > 1e-9)
  .map(({ outs, gap, shape, rate }) => {
    const flows = [...outs.map((x) => -x), ...Array<number>(gap).fill(0), ...shape];
    const first = outs.length + gap;
    const v = 1 / (1 + rate);
    let pvOut = 0;
    for (let k = 0; k < outs.length; k++) pvOut += outs[k] * Math.pow(v, k);
    let pvIn = 0;
    for (let j = 0; j < shape.length; j++) pvIn += shape[j] * Math.pow(v, first + j);
    for (let j = 0; j < shape.length; j++) flows[first + j] = (shape[j] * pvOut) / pvIn;
    return { flows: Float64Array.from(flows), rate };
  });

/**
 * Fund-like non-conventional flows: a first call, then fee calls, zero periods and
 * distributions in any order, ending with a final distribution. NPV(0) = Σ flows and NPV
 * tends to the first flow (< 0) as r → ∞ and to the last flow (> 0) as r → −1, so a root
 * always exists on the side of 0 given by the sign of Σ flows; with a first call of at
 * least 1,000 it lies inside the solver's range (−1 + 1e−12, 1e6] per period.
 */
const fundLike = fc
  .tuple(
    fc.double({ min: 1000, max: 1e6, noNaN: true }),
    fc.array(fc.oneof(fc.double({ min: -1e4, max: -1, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), fc.constant(0)), { minLength: 0, maxLength: 58 }),
    fc.double({ min: 1, max: 2e6, noNaN: true }),
  )
  .map(([call, middle, last]) => Float64Array.from([-call, ...middle, last]));

describe('pathIrr (per-path periodic IRR)', () => {
  it('matches a textbook example: −100 then 10 for 9 periods and 110 at period 10 is 10%', () => {
    // Par bond: price 100, coupon 10, yield 10% (any fixed-income text).
    const f = new Float64Array(11);
    f[0] = -100;
    for (let k = 1; k <= 10; k++) f[k] = 10;
    f[10] += 100;
    expect(pathIrr(f, 11)).toBeCloseTo(0.1, 12);
  });

  it('finds the known root of conventional flows and agrees with irrPeriodic and an independent bisection', () => {
    const runs = 300;
    let compared = 0;
    fc.assert(
      fc.property(conventionalWithRoot, ({ flows, rate }) => {
        const r = pathIrr(flows, flows.length);
        const tol = 1e-8 * (1 + Math.abs(rate));
        expect(Math.abs(r - rate)).toBeLessThanOrEqual(tol);
        const { npv, scale } = npvAndScale(flows, r);
        expect(Math.abs(npv)).toBeLessThanOrEqual(1e-9 * scale);
        expect(Math.abs(r - irrPeriodic(flows, flows.length))).toBeLessThanOrEqual(tol);
        expect(Math.abs(r - bisectIrr(Array.from(flows)))).toBeLessThanOrEqual(tol);
        compared++;
      }),
      { numRuns: runs },
    );
    // Every generated case reached the comparisons (none skipped as undefined or extreme).
    expect(compared).toBe(runs);
    const f = [-1000, -200, 300, 400, 500, 600];
    expect(pathIrr(Float64Array.from(f), f.length)).toBeCloseTo(bisectIrr(f), 10);
  });

  it('on fund-like non-conventional flows returns a root (small NPV residual) on the side of 0 given by the total profit', () => {
    const runs = 400;
    let residualChecks = 0;
    fc.assert(
      fc.property(fundLike, (flows) => {
        const r = pathIrr(flows, flows.length);
        const total = flows.reduce((s, x) => s + x, 0);
        const gross = flows.reduce((s, x) => s + Math.abs(x), 0);
        // A root always exists for these flows (see the generator): never NaN.
        expect(Number.isFinite(r)).toBe(true);
        if (Math.abs(total) > 1e-12 * gross) expect(Math.sign(r)).toBe(Math.sign(total));
        // Near r = −1 the discount factors explode and the residual is ill-conditioned.
        if (r > -0.99) {
          const { npv, scale } = npvAndScale(flows, r);
          expect(Math.abs(npv)).toBeLessThanOrEqual(1e-9 * scale);
          residualChecks++;
        }
      }),
      { numRuns: runs },
    );
    expect(residualChecks).toBeGreaterThanOrEqual(0.75 * runs);
  });

  it('has the sign of the total profit for arbitrary flows whenever it finds a rate, and that rate is a root', () => {
    let found = 0;
    fc.assert(
      // Dollar amounts with cents (subnormal doubles are not cash flows).
      fc.property(fc.array(fc.integer({ min: -100_000_000, max: 100_000_000 }).map((c) => c / 100), { minLength: 2, maxLength: 60 }), (xs) => {
        const flows = Float64Array.from(xs);
        const r = pathIrr(flows, flows.length);
        if (!Number.isFinite(r)) return;
        found++;
        const total = xs.reduce((s, x) => s + x, 0);
        const gross = xs.reduce((s, x) => s + Math.abs(x), 0);
        if (Math.abs(total) > 1e-12 * gross) expect(Math.sign(r)).toBe(Math.sign(total));
        if (r > -0.99) {
          const { npv, scale } = npvAndScale(flows, r);
          expect(Math.abs(npv)).toBeLessThanOrEqual(1e-9 * scale);
        }
      }),
      { numRuns: 500 },
    );
    expect(found).toBeGreaterThanOrEqual(100);
  });

  it('returns 0 when the flows sum to zero and NaN without both inflows and outflows', () => {
    expect(pathIrr(Float64Array.of(-100, 40, 60), 3)).toBe(0);
    expect(pathIrr(Float64Array.of(-1, -2, 0), 3)).toBeNaN();
    expect(pathIrr(Float64Array.of(1, 2), 2)).toBeNaN();
    expect(pathIrr(Float64Array.of(0, 0), 2)).toBeNaN();
  });

  it('returns NaN when no root lies on the side of 0 given by the total profit', () => {
    // −100 + 300v − 201v²: roots at r ≈ 1% and r ≈ 99%, but the flows lose money (Σ = −1),
    // so no negative rate solves it.
    expect(pathIrr(Float64Array.of(-100, 300, -201), 3)).toBeNaN();
    // Two positive roots (10% and 20%) with a profit: the one closest to 0.
    expect(pathIrr(Float64Array.of(100, -230, 132), 3)).toBeCloseTo(0.1, 12);
  });

  it('searches rates from −1 + 1e−12 up to 10^6 per period', () => {
    expect(pathIrr(Float64Array.of(-1, 9e5), 2)).toBeCloseTo(899_999, 6);
    expect(pathIrr(Float64Array.of(-1, 2e6), 2)).toBeNaN();
    expect(pathIrr(Float64Array.of(-1, 1e-11), 2)).toBeCloseTo(-1 + 1e-11, 20);
    expect(pathIrr(Float64Array.of(-1, 1e-13), 2)).toBeNaN();
  });

  it('only reads the first `length` entries of a reused buffer', () => {
    const buf = Float64Array.of(-100, 110, Number.NaN, 1e9);
    expect(pathIrr(buf, 2)).toBeCloseTo(0.1, 12);
  });
});
