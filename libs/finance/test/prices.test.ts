import { describe, expect, it } from 'vitest';
import { cholesky3, FinanceInputError, pricePaths } from '../src/index.js';
import { expectInputError } from './helpers.js';

// Reference: closed-form moments of the lognormal law of GBM terminal values
// (Hull, "Options, Futures and Other Derivatives", §15.1): ln S_T ~ N(ln S0 + (μ−σ²/2)T, σ²T).
const Z95 = 1.6448536269514722; // Φ⁻¹(0.95)

function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const w = pos - lo;
  return sorted[lo] * (1 - w) + sorted[Math.min(lo + 1, sorted.length - 1)] * w;
}

describe('pricePaths', () => {
  const mu = 0.05;
  const sigma = 0.2;
  const T = 5;
  const S0 = 100;
  const n = 100_000;
  // Drawn inside each test (not at collection time), so mutation testing sees it.
  const draw = () => pricePaths({ annualDrift: mu, annualVolatility: sigma, years: T, stepsPerYear: 12, paths: n, seed: 42, start: S0 });

  it('matches the lognormal mean S0·e^{μT} within 3 standard errors', () => {
    const values = draw();
    let s = 0;
    for (const v of values) s += v;
    const mean = s / n;
    const expected = S0 * Math.exp(mu * T);
    const sd = expected * Math.sqrt(Math.exp(sigma * sigma * T) - 1);
    expect(Math.abs(mean - expected)).toBeLessThan((3 * sd) / Math.sqrt(n));
  });

  it('matches the median and the 5th/95th percentiles within 3 standard errors', () => {
    const values = draw();
    const sorted = Float64Array.from(values).sort();
    const m = Math.log(S0) + (mu - 0.5 * sigma * sigma) * T;
    const s = sigma * Math.sqrt(T);
    for (const [q, z] of [[0.5, 0], [0.05, -Z95], [0.95, Z95]] as const) {
      const x = Math.exp(m + s * z);
      const density = Math.exp(-0.5 * z * z) / (x * s * Math.sqrt(2 * Math.PI));
      const se = Math.sqrt(q * (1 - q)) / (density * Math.sqrt(n));
      expect(Math.abs(sortedQuantile(sorted, q) - x)).toBeLessThan(3 * se);
    }
  });

  it('is reproducible and path i depends only on (seed, i)', () => {
    const a = pricePaths({ annualDrift: mu, annualVolatility: sigma, years: 2, stepsPerYear: 4, paths: 10, seed: 7 });
    const b = pricePaths({ annualDrift: mu, annualVolatility: sigma, years: 2, stepsPerYear: 4, paths: 20, seed: 7 });
    expect(Array.from(b.subarray(0, 10))).toStrictEqual(Array.from(a));
    const c = pricePaths({ annualDrift: mu, annualVolatility: sigma, years: 2, stepsPerYear: 4, paths: 10, seed: 8 });
    expect(Array.from(c)).not.toStrictEqual(Array.from(a));
  });

  it('with zero volatility returns S0·e^{μT} on every path', () => {
    const v = pricePaths({ annualDrift: 0.03, annualVolatility: 0, years: 10, stepsPerYear: 1, paths: 3, seed: 1, start: 2 });
    for (const x of v) expect(x).toBeCloseTo(2 * Math.exp(0.3), 12);
  });

  it('throws FinanceInputError naming the field for bad input', () => {
    const base = { annualDrift: 0.05, annualVolatility: 0.1, years: 1, stepsPerYear: 12, paths: 10, seed: 1 };
    expect(() => pricePaths({ ...base, annualVolatility: -1 })).toThrow(FinanceInputError);
    try {
      pricePaths({ ...base, paths: Number.NaN });
      expect.unreachable();
    } catch (e) {
      expect((e as FinanceInputError).field).toBe('paths');
    }
    expect(() => pricePaths({ ...base, stepsPerYear: 0.5 })).toThrow(/stepsPerYear/);
  });

  it('runs round(years × stepsPerYear) steps from start (default 1)', () => {
    // Zero volatility: S(T) = S0·e^{μ·steps/stepsPerYear}, so the step count is visible.
    const v = pricePaths({ annualDrift: 0.1, annualVolatility: 0, years: 1.1, stepsPerYear: 4, paths: 1, seed: 1 });
    expect(v[0]).toBeCloseTo(Math.exp(0.1 * 4 / 4), 12); // round(4.4) = 4 steps
    expect(pricePaths({ annualDrift: 0.1, annualVolatility: 0, years: 0, stepsPerYear: 12, paths: 2, seed: 1, start: 3 })[1]).toBe(3);
  });

  it('names every invalid option', () => {
    const base = { annualDrift: 0.05, annualVolatility: 0.1, years: 1, stepsPerYear: 12, paths: 10, seed: 1 };
    expectInputError(() => pricePaths({ ...base, annualDrift: 6 }), 'annualDrift');
    expectInputError(() => pricePaths({ ...base, annualVolatility: 5.1 }), 'annualVolatility');
    expectInputError(() => pricePaths({ ...base, years: -1 }), 'years');
    expectInputError(() => pricePaths({ ...base, years: 101 }), 'years');
    expectInputError(() => pricePaths({ ...base, stepsPerYear: 366 }), 'stepsPerYear');
    expectInputError(() => pricePaths({ ...base, paths: 0 }), 'paths');
    expectInputError(() => pricePaths({ ...base, paths: 2.5 }), 'paths');
    expectInputError(() => pricePaths({ ...base, seed: -1 }), 'seed');
    expectInputError(() => pricePaths({ ...base, start: -1 }), 'start');
    expect(() => pricePaths({ ...base, stepsPerYear: 2.5 })).toThrow('stepsPerYear: must be an integer in [1, 365], got 2.5');
    expectInputError(() => pricePaths({ ...base, seed: 1.5 }), 'seed');
    // The ends of each range are accepted.
    expect(pricePaths({ ...base, annualDrift: 5, annualVolatility: 0, years: 100, stepsPerYear: 1, paths: 1, seed: Number.MAX_SAFE_INTEGER })[0]).toBe(Math.exp(500));
    expect(pricePaths({ ...base, stepsPerYear: 365, years: 0, annualVolatility: 5 })).toHaveLength(10);
    expect(() => pricePaths({ ...base, years: Number.NaN })).toThrow('years: must be a finite number in [0, 100], got NaN');
  });
});

describe('cholesky3 (zone correlation factor)', () => {
  const product = (l: Float64Array) => {
    const c: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) c.push(l[i * 3] * l[j * 3] + l[i * 3 + 1] * l[j * 3 + 1] + l[i * 3 + 2] * l[j * 3 + 2]);
    return c;
  };

  it('returns a lower-triangular L with L·Lᵀ = C for a positive-definite matrix', () => {
    const l = cholesky3(0.8, 0.7, 0.8);
    expect([l[1], l[2], l[5]]).toStrictEqual([0, 0, 0]);
    const c = product(l);
    [1, 0.8, 0.7, 0.8, 1, 0.8, 0.7, 0.8, 1].forEach((x, i) => expect(c[i]).toBeCloseTo(x, 12));
    expect(l[0]).toBe(1);
    expect(l[4]).toBeCloseTo(0.6, 12);
  });

  it('handles semi-definite matrices by flooring pivots at 0 (perfectly correlated zones)', () => {
    const l = cholesky3(1, 1, 1);
    expect(Array.from(l).every(Number.isFinite)).toBe(true);
    product(l).forEach((x) => expect(x).toBeCloseTo(1, 12));
    const m = cholesky3(1, 0.5, 0.5);
    const c = product(m);
    [1, 1, 0.5, 1, 1, 0.5, 0.5, 0.5, 1].forEach((x, i) => expect(c[i]).toBeCloseTo(x, 12));
  });
});
