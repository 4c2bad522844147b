import { describe, expect, it } from 'vitest';
import { exampleFund, simulateFund, simulatePath } from '../src/index.js';
import { sum } from './helpers.js';

// The summary of N paths must agree with the N per-path ledgers computed one by one
// (independent path: simulatePath + plain arithmetic here).
describe('summary aggregates the per-path ledgers', () => {
  const fund = exampleFund();
  const N = 60;
  const s = simulateFund(fund, { paths: N, seed: 404, granularity: 'quarterly' });
  const ledgers = Array.from({ length: N }, (_, path) => simulatePath(fund, { seed: 404, path, granularity: 'quarterly' }));
  const g = fund.fee_structure.gp_commitment_rate;

  it('has the exact mean and sd of the per-path LP IRRs (to the 2^-24 quantisation)', () => {
    const irrs = ledgers.map((l) => l.irr.lp!);
    const mean = sum(irrs) / N;
    const sd = Math.sqrt(irrs.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1));
    expect(Math.abs(s.lp.irr.mean - mean)).toBeLessThan(1e-7);
    expect(Math.abs(s.lp.irr.sd - sd)).toBeLessThan(1e-6);
    expect(s.lp.irr.min).toBe(Math.min(...irrs));
    expect(s.lp.irr.max).toBe(Math.max(...irrs));
    const sorted = irrs.slice().sort((a, b) => a - b);
    // Median within one histogram bin (1e-4) of the sample median.
    expect(Math.abs(s.lp.irr.p50 - (sorted[29] + sorted[30]) / 2)).toBeLessThan(1e-4 + Math.abs(sorted[30] - sorted[29]));
  });

  it('counts the probability of loss and the zone defaults path by path', () => {
    const tvpis = ledgers.map((l) => (sum(l.lpDistributions) + (1 - g) * l.cash[l.periods]) / ((1 - g) * sum(l.calls)));
    expect(s.lp.probability_of_loss).toBe(tvpis.filter((t) => t < 1).length / N);
    for (const [i, z] of (['green', 'orange', 'red'] as const).entries()) {
      expect(s.zones[z].defaults).toBeCloseTo(sum(ledgers.map((l) => l.zoneDefaults[i])) / N, 12);
      expect(s.zones[z].losses).toBeCloseTo(sum(ledgers.map((l) => l.zoneLosses[i])) / N, 0);
    }
    expect(s.gp_economics.carried_interest).toBeCloseTo(sum(ledgers.map((l) => sum(l.carry))) / N, 0);
  });

  it('puts the NAV fan chart median within a bin of the per-period sample median', () => {
    for (const k of [4, 12, 20, 28, 36]) {
      const navs = ledgers.map((l) => l.nav[k]).sort((a, b) => a - b);
      const med = (navs[29] + navs[30]) / 2;
      // Bin width 0.5% of fund size, plus the gap between the two middle samples.
      expect(Math.abs(s.bands.nav.p50[k] - med)).toBeLessThan(0.005 * fund.size + (navs[30] - navs[29]));
    }
  });
});
