import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactMoments, ExactSum, histPercentile, mergeScalar, ScalarAccumulator } from '../src/summary-state.js';

describe('exact mergeable statistics', () => {
  it('sums quantised values exactly whatever the split and order (BigInt reference)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.nat(), (xs, cut) => {
        const scale = 2 ** 24;
        let ref = 0n;
        let refSq = 0n;
        for (const x of xs) {
          const q = BigInt(Math.round(x * scale));
          ref += q;
          refSq += q * q;
        }
        const c = cut % (xs.length + 1);
        const a = new ScalarAccumulator(-1, 1e-3, 2000, scale);
        const b = new ScalarAccumulator(-1, 1e-3, 2000, scale);
        xs.slice(0, c).forEach((x) => a.add(x));
        xs.slice(c).forEach((x) => b.add(x));
        const ab = mergeScalar(a.toState(), b.toState());
        const ba = mergeScalar(b.toState(), a.toState());
        expect(ab).toStrictEqual(ba);
        expect(ab.sums.sum).toBe(ref.toString());
        expect(ab.sums.sumSq).toBe(refSq.toString());
        expect(ab.count).toBe(xs.length);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('keeps square sums exact past the double-accumulator flush threshold', () => {
    const s = new ExactSum(1);
    const n = (1 << 21) + 5;
    for (let i = 0; i < n; i++) s.add(2_000_000_000);
    const st = s.toState();
    expect(st.sum).toBe((BigInt(n) * 2_000_000_000n).toString());
    expect(st.sumSq).toBe((BigInt(n) * 4_000_000_000_000_000_000n).toString());
  });

  it('gives the mean and sample sd of a known sample (1…10: mean 5.5, sd √(55/6))', () => {
    const a = new ScalarAccumulator(0, 0.01, 2000, 2 ** 24);
    for (let i = 1; i <= 10; i++) a.add(i);
    const m = exactMoments(a.toState().sums, 10);
    expect(m.mean).toBe(5.5);
    expect(m.sd).toBeCloseTo(Math.sqrt(55 / 6), 12);
  });

  it('places percentiles within one bin width of the exact sample quantile', () => {
    const a = new ScalarAccumulator(-1, 1e-4, 40_000, 2 ** 24);
    const xs: number[] = [];
    let seed = 12345;
    for (let i = 0; i < 20_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const x = (seed / 2 ** 32) * 0.4 - 0.1;
      xs.push(x);
      a.add(x);
    }
    xs.sort((p, q) => p - q);
    const st = a.toState();
    for (const p of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
      const exact = xs[Math.floor(p * xs.length)];
      expect(Math.abs(histPercentile(st.hist, st.count, p, st.min!, st.max!) - exact)).toBeLessThan(1e-4 + 1e-9);
    }
  });

  it('counts non-finite values as missing, never in the moments', () => {
    const a = new ScalarAccumulator(0, 1, 10, 16);
    a.add(Number.NaN);
    a.add(Infinity);
    a.add(3);
    const st = a.toState();
    expect(st.missing).toBe(2);
    expect(st.count).toBe(1);
    expect(exactMoments(st.sums, st.count).mean).toBe(3);
  });
});
