/**
 * Brent's method (inverse quadratic interpolation / secant / bisection) for a
 * continuous scalar function on a sign-change bracket. Guaranteed to converge
 * (it never leaves the bracket and falls back to bisection), superlinear on
 * smooth roots. Reference: R. P. Brent, "Algorithms for Minimization without
 * Derivatives" (1973), ch. 4 (`zero`).
 *
 * @param f continuous function with `f(a)` and `f(b)` of opposite signs (or one zero)
 * @param a one end of the bracket
 * @param b the other end
 * @param xtol absolute tolerance on the root
 * @param maxIter iteration cap (bisection alone halves the bracket each step)
 * @returns the root, or `NaN` when `[a, b]` is not a sign-change bracket
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  xtol = 1e-14,
  maxIter = 200,
): number {
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) return Number.NaN;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < maxIter; i++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}
