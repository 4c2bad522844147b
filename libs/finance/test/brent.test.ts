import { describe, expect, it } from 'vitest';
import { brentRoot } from '../src/brent.js';

/** brentRoot with a count of function evaluations. */
function counted(f: (x: number) => number, a: number, b: number, xtol?: number, maxIter?: number): { root: number; evaluations: number } {
  let evaluations = 0;
  const root = brentRoot((x) => {
    evaluations++;
    return f(x);
  }, a, b, xtol, maxIter);
  return { root, evaluations };
}

describe('brentRoot', () => {
  // Reference roots: x³ − 2x − 5 (Wallis' example) 2.0945514815423265; cos x = x (Dottie
  // number) 0.7390851332151607; eˣ = 2 at ln 2; the numpy-financial IRR example 0.280948421159962.
  const smooth: [string, (x: number) => number, number, number, number][] = [
    ['x³ − 2x − 5', (x) => x ** 3 - 2 * x - 5, 2, 3, 2.0945514815423265],
    ['cos x − x', (x) => Math.cos(x) - x, 0, 1, 0.7390851332151607],
    ['eˣ − 2', (x) => Math.exp(x) - 2, 0, 2, Math.LN2],
    ['NPV of [−100, 39, 59, 55, 20]', (r) => -100 + 39 / (1 + r) + 59 / (1 + r) ** 2 + 55 / (1 + r) ** 3 + 20 / (1 + r) ** 4, -0.5, 1, 0.280948421159962],
  ];

  it.each(smooth)('finds the root of %s to 1e-12, superlinearly (far fewer evaluations than bisection)', (_name, f, a, b, root) => {
    const r = counted(f, a, b);
    expect(Math.abs(r.root - root)).toBeLessThan(1e-12);
    // Bisection needs log2(width / 1e-14) ≈ 47–48 evaluations here.
    expect(r.evaluations).toBeLessThanOrEqual(16);
    // Either end of the bracket may be given first.
    expect(Math.abs(brentRoot(f, b, a) - root)).toBeLessThan(1e-12);
  });

  it('converges on a steep, nearly discontinuous function (bisection fallback) and honours a coarse tolerance', () => {
    const steep = (x: number) => Math.atan(1000 * (x - 0.3));
    const r = counted(steep, 0, 1);
    expect(Math.abs(r.root - 0.3)).toBeLessThan(1e-12);
    expect(r.evaluations).toBeLessThan(47);
    const coarse = counted((x) => x ** 3 - 2 * x - 5, 2, 3, 1e-3);
    expect(Math.abs(coarse.root - 2.0945514815423265)).toBeLessThanOrEqual(1e-3);
    expect(coarse.evaluations).toBeLessThan(counted((x) => x ** 3 - 2 * x - 5, 2, 3).evaluations);
  });

  it('returns an end of the bracket that is a root, and NaN without a sign change', () => {
    expect(brentRoot((x) => x - 1, 1, 5)).toBe(1);
    expect(brentRoot((x) => x - 5, 1, 5)).toBe(5);
    expect(brentRoot((x) => x * x + 1, -1, 1)).toBeNaN();
    expect(brentRoot(() => Number.NaN, 0, 1)).toBeNaN();
  });

  it('stops at the iteration cap with the best estimate', () => {
    // The cubic needs 6 iterations to 1e-14; capped at 3 it returns after 2 + 3 evaluations.
    const r = counted((x) => x ** 3 - 2 * x - 5, 2, 3, 1e-14, 3);
    expect(r.evaluations).toBe(2 + 3);
    expect(Math.abs(r.root - 2.0945514815423265)).toBeLessThan(0.01);
  });
});
