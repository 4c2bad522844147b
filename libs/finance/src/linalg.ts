/**
 * Small dense linear algebra on row-major `Float64Array` matrices (n × n stored as
 * `a[i * n + j]`). Written for the mean-variance solver: n up to a few hundred.
 */

/**
 * In-place Cholesky factorisation A = L·Lᵀ of the leading `n × n` block of a symmetric
 * positive-definite matrix (row-major, stride `n`). The lower triangle of `a` is overwritten
 * by L (the strict upper triangle is left untouched and must be ignored).
 *
 * @returns false when A is not (numerically) positive definite
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s * inv;
    }
  }
  return true;
}

/**
 * Solve (L·Lᵀ) x = b in place in `b` given the Cholesky factor from {@link choleskyInPlace}
 * (offset `bo` into `b`, length n).
 */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, bo = 0): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[bo + i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[bo + k];
    b[bo + i] = s / l[ri + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[bo + i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[bo + k];
    b[bo + i] = s / l[i * n + i];
  }
}
