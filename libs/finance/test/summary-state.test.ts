import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BandAccumulator, exactMoments, ExactSum, histLowerTailMean, histPercentile, mergeBand, mergeScalar, ScalarAccumulator } from '../src/summary-state.js';

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
        expect(ab.sums.sum_sq).toBe(refSq.toString());
        expect(ab.count).toBe(xs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps square sums exact past the double-accumulator flush threshold', () => {
    const s = new ExactSum(1);
    const n = (1 << 21) + 5;
    for (let i = 0; i < n; i++) s.add(2_000_000_000);
    const st = s.toState();
    expect(st.sum).toBe((BigInt(n) * 2_000_000_000n).toString());
    expect(st.sum_sq).toBe((BigInt(n) * 4_000_000_000_000_000_000n).toString());
  });

  it('keeps sums exact for values beyond 2^31 after quantisation (large dollar amounts)', () => {
    // 3,000 values of about 1e12: their squares overflow 2^53 long before 3,000 of them
    // are summed, so they must go through the BigInt path.
    const s = new ExactSum(1);
    let ref = 0n;
    let refSq = 0n;
    for (let i = 0; i < 3000; i++) {
      const q = (i % 2 === 0 ? 1 : -1) * (1e12 + i * 7_919);
      s.add(q);
      ref += BigInt(q);
      refSq += BigInt(q) * BigInt(q);
    }
    const st = s.toState();
    expect(st.sum).toBe(ref.toString());
    expect(st.sum_sq).toBe(refSq.toString());
  });

  it('flushes the double accumulators before they pass 2^53 (more than 2^22 values near 2^31)', () => {
    const s = new ExactSum(1);
    const n = 2 ** 22 + 10;
    const q = 2 ** 31 - 1;
    for (let i = 0; i < n; i++) s.add(q);
    const st = s.toState();
    expect(st.sum).toBe((BigInt(n) * BigInt(q)).toString());
    expect(st.sum_sq).toBe((BigInt(n) * BigInt(q) * BigInt(q)).toString());
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

describe('merging and reading histogram states', () => {
  const acc = (lo: number, width: number, xs: number[]) => {
    const a = new ScalarAccumulator(lo, width, 100, 16);
    xs.forEach((x) => a.add(x));
    return a.toState();
  };

  it('refuses to merge histograms or bands of different layouts', () => {
    expect(() => mergeScalar(acc(0, 1, [1]), acc(0, 2, [1]))).toThrow('incompatible histogram layouts');
    expect(() => mergeScalar(acc(0, 1, [1]), acc(1, 1, [1]))).toThrow('incompatible histogram layouts');
    const other = new ScalarAccumulator(0, 1, 100, 2 ** 24);
    other.add(1);
    expect(() => mergeScalar(acc(0, 1, [1]), other.toState())).toThrow('incompatible histogram layouts');
    const bins = new ScalarAccumulator(0, 1, 50, 16);
    bins.add(1);
    expect(() => mergeScalar(acc(0, 1, [1]), bins.toState())).toThrow('incompatible histogram layouts');
    const band = (periods: number, width: number, bins = 10) => new BandAccumulator(periods, 0, width, bins).toState();
    expect(() => mergeBand(band(3, 0.1), band(4, 0.1))).toThrow('incompatible band layouts');
    expect(() => mergeBand(band(3, 0.1), band(3, 0.2))).toThrow('incompatible band layouts');
    expect(() => mergeBand(band(3, 0.1), band(3, 0.1, 11))).toThrow('incompatible band layouts');
    expect(mergeBand(band(3, 0.1), band(3, 0.1)).periods).toStrictEqual([{ offset: 0, counts: [] }, { offset: 0, counts: [] }, { offset: 0, counts: [] }]);
  });

  it('merges min/max and trimmed counts whichever side is empty', () => {
    const empty = acc(0, 1, []);
    const full = acc(0, 1, [3.5, 7.2, 7.9]);
    expect(empty).toMatchObject({ count: 0, min: null, max: null, hist: { offset: 0, counts: [] } });
    expect(full.hist).toMatchObject({ offset: 3, counts: [1, 0, 0, 0, 2] });
    for (const m of [mergeScalar(empty, full), mergeScalar(full, empty)]) {
      expect(m).toMatchObject({ count: 3, min: 3.5, max: 7.9, hist: { offset: 3, counts: [1, 0, 0, 0, 2] } });
    }
    const lowHigh = mergeScalar(acc(0, 1, [9.5]), acc(0, 1, [0.5, -3]));
    expect(lowHigh).toMatchObject({ count: 3, min: -3, max: 9.5, hist: { offset: 0, counts: [2, 0, 0, 0, 0, 0, 0, 0, 0, 1] } });
    // Values beyond the range are clamped into the edge bins, the top edge itself included.
    expect(acc(0, 1, [250]).hist).toMatchObject({ offset: 99, counts: [1] });
    expect(acc(0, 1, [100]).hist).toMatchObject({ offset: 99, counts: [1] });
    expect(acc(0, 1, [-0.5]).hist).toMatchObject({ offset: 0, counts: [1] });
  });

  it('reads percentiles and tail means by linear interpolation inside a bin, bounded by min and max', () => {
    const s = acc(0, 1, [2.25, 2.5, 2.75, 2.9]); // all in bin [2, 3)
    expect(histPercentile(s.hist, 4, 0.5, s.min!, s.max!)).toBe(2.5); // rank 2 of 4: halfway through the bin
    expect(histPercentile(s.hist, 4, 0.25, s.min!, s.max!)).toBe(2.25);
    expect(histPercentile(s.hist, 4, 0, s.min!, s.max!)).toBe(2.25); // bounded by the minimum
    expect(histPercentile(s.hist, 4, 1, s.min!, s.max!)).toBe(2.9); // bounded by the maximum
    expect(histPercentile(s.hist, 0, 0.5, 2, 3)).toBe(0); // no values: 0, not a bin of the histogram
    expect(histPercentile({ lo: 0, width: 1, offset: 0, counts: [] }, 3, 0.5, 1, 5)).toBe(0);
    // Tail mean: midpoints (clamped into [min, max]) weighted by the mass taken from each bin.
    const t = acc(0, 1, [0.2, 1.5, 1.6, 5.2]);
    expect(histLowerTailMean(t.hist, 4, 0.25, t.min!, t.max!)).toBe(0.5);
    expect(histLowerTailMean(t.hist, 4, 0.5, t.min!, t.max!)).toBe(1);
    // The last bin's midpoint 5.5 is above the maximum 5.2: bounded.
    expect(histLowerTailMean(t.hist, 4, 1, t.min!, t.max!)).toBeCloseTo((0.5 + 1.5 + 1.5 + 5.2) / 4, 12);
    expect(histLowerTailMean(t.hist, 4, 0.125, 0.7, t.max!)).toBe(0.7);
    expect(histLowerTailMean(t.hist, 0, 0.05, 1, 2)).toBe(0);
    expect(histLowerTailMean({ lo: 0, width: 1, bins: 10, offset: 0, counts: [] }, 3, 0.05, 1, 2)).toBe(0);
  });

  it('gives sd 0 for fewer than two values and zeros for none', () => {
    expect(exactMoments(acc(0, 1, [4]).sums, 1)).toStrictEqual({ mean: 4, sd: 0 });
    expect(exactMoments(acc(0, 1, []).sums, 0)).toStrictEqual({ mean: 0, sd: 0 });
    expect(exactMoments(acc(0, 1, [2, 4]).sums, 2)).toStrictEqual({ mean: 3, sd: Math.SQRT2 });
  });
});
