import { FinanceInputError } from './errors.js';
import { Rng, RNG_DOMAIN } from './rng.js';

export interface PricePathsOptions {
  /** Annual drift μ (continuous, decimal). */
  annualDrift: number;
  /** Annual volatility σ (decimal). */
  annualVolatility: number;
  /** Horizon T in years. */
  years: number;
  /** Steps per year (12 = monthly). */
  stepsPerYear: number;
  paths: number;
  seed: number;
  /** S0, default 1. */
  start?: number;
}

function check(v: number, field: string, min: number, max: number, int = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    throw new FinanceInputError(field, `must be ${int ? 'an integer' : 'a finite number'} in [${min}, ${max}], got ${String(v)}`);
  }
}

/**
 * Terminal values S(T) of `paths` geometric Brownian motions
 * `S(t+Δ) = S(t)·exp((μ − σ²/2)Δ + σ√Δ·ε)`, Δ = 1/stepsPerYear, so that
 * E[S(T)] = S0·e^{μT} and median S0·e^{(μ−σ²/2)T}. Path `i` draws from the stream
 * `(seed, i)` only. Steps: `round(years × stepsPerYear)`.
 */
export function pricePaths(options: PricePathsOptions): Float64Array {
  const { annualDrift, annualVolatility, years, stepsPerYear, paths, seed } = options;
  const start = options.start ?? 1;
  check(annualDrift, 'annualDrift', -5, 5);
  check(annualVolatility, 'annualVolatility', 0, 5);
  check(years, 'years', 0, 100);
  check(stepsPerYear, 'stepsPerYear', 1, 365, true);
  check(paths, 'paths', 1, 1e8, true);
  check(seed, 'seed', 0, Number.MAX_SAFE_INTEGER, true);
  check(start, 'start', 0, Number.MAX_VALUE);
  const steps = Math.round(years * stepsPerYear);
  const dt = 1 / stepsPerYear;
  const drift = (annualDrift - 0.5 * annualVolatility * annualVolatility) * dt;
  const vol = annualVolatility * Math.sqrt(dt);
  const out = new Float64Array(paths);
  const rng = new Rng();
  for (let i = 0; i < paths; i++) {
    rng.reseed(seed, i, RNG_DOMAIN.prices);
    let logS = 0;
    for (let k = 0; k < steps; k++) logS += drift + vol * rng.normal();
    out[i] = start * Math.exp(logS);
  }
  return out;
}

/**
 * Lower-triangular Cholesky factor L (row-major 3×3, L·Lᵀ = C) of the zone correlation
 * matrix C with off-diagonals (ρ01, ρ02, ρ12). Semi-definite matrices are handled by
 * flooring pivots at 0.
 */
export function cholesky3(r01: number, r02: number, r12: number): Float64Array {
  const c = [1, r01, r02, r01, 1, r12, r02, r12, 1];
  const l = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j <= i; j++) {
      let s = c[i * 3 + j];
      for (let k = 0; k < j; k++) s -= l[i * 3 + k] * l[j * 3 + k];
      if (i === j) l[i * 3 + i] = Math.sqrt(Math.max(s, 0));
      else l[i * 3 + j] = l[j * 3 + j] > 0 ? s / l[j * 3 + j] : 0;
    }
  }
  return l;
}
