/** The pure parts: the zone-moment derivation (against a Monte Carlo of its own model), goal seek, the non-dominated set, the candidate lattice. */
import { FundInput, type FundParameters } from '@equihome/domain';
import { Rng } from '@equihome/finance';
import { describe, expect, it } from 'vitest';
import { withSolveParameter, zoneLattice } from '../src/candidates.js';
import { goalSeek, nonDominated } from '../src/search.js';
import { zoneMoments } from '../src/zone-moments.js';

const fund = FundInput.parse({ name: 'F', size: 100_000_000, vintage_year: 2026 }) as FundParameters;

describe('zoneMoments', () => {
  it('matches a Monte Carlo of diversified zone books held τ years (correlated lognormal indices)', () => {
    const m = zoneMoments(fund);
    expect(m.hold_years).toBeCloseTo(0.3 * 4 + 0.7 * 7, 12);
    const tau = m.hold_years;
    const zp = [fund.zone_parameters.green, fund.zone_parameters.orange, fund.zone_parameters.red];
    const c = fund.zone_correlations;
    // Cholesky of the correlation matrix
    const l11 = 1;
    const l21 = c.green_orange;
    const l22 = Math.sqrt(1 - l21 ** 2);
    const l31 = c.green_red;
    const l32 = (c.orange_red - l31 * l21) / l22;
    const l33 = Math.sqrt(1 - l31 ** 2 - l32 ** 2);
    const rng = new Rng(1, 0, 0);
    const n = 200_000;
    const sums = [0, 0, 0];
    const prods = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    const r = fund.loan_parameters.interest_rate;
    for (let s = 0; s < n; s++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      const e3 = rng.normal();
      const eps = [l11 * e1, l21 * e1 + l22 * e2, l31 * e1 + l32 * e2 + l33 * e3];
      const ret = zp.map((z, i) => {
        const g = Math.exp((z.appreciation_rate - z.volatility ** 2 / 2) * tau + z.volatility * Math.sqrt(tau) * eps[i]);
        const q = Math.exp(-z.default_rate * tau);
        return (q * (1 + r * tau + (g - 1)) + (1 - q) * z.recovery_rate - 1) / tau;
      });
      for (let i = 0; i < 3; i++) {
        sums[i] += ret[i];
        for (let j = 0; j < 3; j++) prods[i][j] += ret[i] * ret[j];
      }
    }
    for (let i = 0; i < 3; i++) {
      expect(sums[i] / n).toBeCloseTo(m.expected_returns[i], 3);
      for (let j = 0; j < 3; j++) {
        const cov = prods[i][j] / n - (sums[i] / n) * (sums[j] / n);
        expect(Math.abs(cov - m.covariance[i][j]) / m.covariance[i][j]).toBeLessThan(0.03);
      }
    }
  });
});

describe('goalSeek', () => {
  it('brackets a monotone step-like function to the tolerance and reports out-of-reach targets with the attainable range', async () => {
    const f = async (x: number) => Math.round((0.1 - 2 * x) * 1e4) / 1e4; // decreasing, steps of 1e-4
    const res = await goalSeek(f, { lo: 0, hi: 0.05, target: 0.0637, tolerance: 0.0005, maxIterations: 30 });
    expect(res.ok).toBe(true);
    if (res.ok) {
      expect(Math.abs(res.achieved - 0.0637)).toBeLessThanOrEqual(0.0005);
      expect(await f(res.value)).toBe(res.achieved);
      expect(res.converged).toBe(true);
    }
    const out = await goalSeek(f, { lo: 0, hi: 0.05, target: 0.5, tolerance: 0.0005, maxIterations: 30 });
    expect(out).toEqual({ ok: false, attainable: [0, 0.1], iterations: 2 });
  });
});

describe('nonDominated', () => {
  it('keeps exactly the points no other point beats on both risk and return, sorted by risk', () => {
    const pts = [
      { risk: 1, lp_net_irr_p50: 1 },
      { risk: 2, lp_net_irr_p50: 0.5 },
      { risk: 2, lp_net_irr_p50: 3 },
      { risk: 3, lp_net_irr_p50: 3 },
      { risk: 0.5, lp_net_irr_p50: 0.2 },
    ];
    expect(nonDominated(pts)).toEqual([pts[4], pts[0], pts[2]]);
  });
});

describe('candidates', () => {
  it('lattice: exactly `points` mixes inside the bounds, each summing to 1', () => {
    const mixes = zoneLattice({ green: [0.2, 0.8], orange: [0, 1], red: [0, 0.3] }, 30);
    expect(mixes).toHaveLength(30);
    for (const w of mixes) {
      expect(w.green + w.orange + w.red).toBeCloseTo(1, 12);
      expect(w.green).toBeGreaterThanOrEqual(0.2);
      expect(w.red).toBeLessThanOrEqual(0.3 + 1e-12);
    }
    expect(new Set(mixes.map((w) => JSON.stringify(w))).size).toBe(30);
  });
  it('green_allocation moves orange and red pro rata', () => {
    const za = withSolveParameter(fund, 'green_allocation', 0.8).loan_parameters.zone_allocations;
    expect(za.green).toBe(0.8);
    expect(za.orange / za.red).toBeCloseTo(3, 12);
    expect(za.green + za.orange + za.red).toBeCloseTo(1, 12);
  });
});
