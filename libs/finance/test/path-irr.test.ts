import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { irrPeriodic } from '../src/index.js';
import { pathIrr } from '../src/path-irr.js';
import { bisectIrr } from './helpers.js';

describe('pathIrr (per-path periodic IRR)', () => {
  it('matches a textbook example: −100 then 10 for 9 periods and 110 at period 10 is 10%', () => {
    // Par bond: price 100, coupon 10, yield 10% (any fixed-income text).
    const f = new Float64Array(11);
    f[0] = -100;
    for (let k = 1; k <= 10; k++) f[k] = 10;
    f[10] += 100;
    expect(pathIrr(f, 11)).toBeCloseTo(0.1, 12);
  });

  it('agrees with irrPeriodic and an independent bisection on conventional flows', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 5 }), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), (outs, ins) => {
        const flows = new Float64Array([...outs.map((x) => -x), ...ins]);
        const r = pathIrr(flows, flows.length);
        if (ins.every((x) => x === 0)) return Number.isNaN(r);
        const ref = irrPeriodic(flows, flows.length);
        if (Number.isFinite(ref) && ref > -0.99 && ref < 5) expect(r).toBeCloseTo(ref, 7);
        return true;
      }),
      { numRuns: 300, seed: 42 },
    );
    const f = [-1000, -200, 300, 400, 500, 600];
    expect(pathIrr(Float64Array.from(f), f.length)).toBeCloseTo(bisectIrr(f), 10);
  });

  it('has the sign of the total profit even for non-conventional flows', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 60 }), (xs) => {
        const flows = Float64Array.from(xs);
        const r = pathIrr(flows, flows.length);
        const total = xs.reduce((s, x) => s + x, 0);
        if (!Number.isFinite(r)) return true;
        const scale = xs.reduce((s, x) => s + Math.abs(x), 0);
        if (Math.abs(total) <= 1e-12 * scale) return true;
        return Math.sign(r) === Math.sign(total);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('returns NaN without both inflows and outflows', () => {
    expect(pathIrr(Float64Array.of(-1, -2, 0), 3)).toBeNaN();
    expect(pathIrr(Float64Array.of(1, 2), 2)).toBeNaN();
  });
});
