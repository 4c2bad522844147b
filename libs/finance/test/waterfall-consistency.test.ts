import { describe, expect, it } from 'vitest';
import { exampleFund, simulatePath, waterfall } from '../src/index.js';
import { sum } from './helpers.js';

// The engine splits each path's distributions with a fast in-loop European waterfall.
// Reference: the dated-flow `waterfall()` (MODEL.md §6, Actual/365 hurdle compounding).
// With yearly periods dated 365 days apart, (1+h)^{days/365} equals the engine's
// per-period compounding, so both must split every distribution identically.
const DAY0 = Date.UTC(2001, 0, 1);
const dateOf = (k: number) => new Date(DAY0 + k * 365 * 86_400_000).toISOString().slice(0, 10);

describe('in-loop waterfall matches waterfall() on the same flows', () => {
  const fund = exampleFund();
  fund.zone_parameters.green.appreciation_rate = 0.12;
  fund.zone_parameters.orange.appreciation_rate = 0.09;
  fund.fee_structure.gp_commitment_rate = 0.05;
  const g = fund.fee_structure.gp_commitment_rate;
  for (const [label, catchUp] of [['full catch-up', 1], ['no catch-up', 0], ['50% catch-up', 0.5]] as const) {
    it(`splits LP/GP identically on sample paths (${label})`, () => {
      fund.fee_structure.catch_up_rate = catchUp;
      let withCarry = 0;
      for (let path = 0; path < 6; path++) {
        const l = simulatePath(fund, { seed: 31, path, granularity: 'yearly' });
        const contributions = l.calls.flatMap((c, k) => (c > 0 ? [{ date: dateOf(k), amount: (1 - g) * c }] : []));
        const dists = l.distributions.flatMap((d, k) => (d > 0 ? [{ date: dateOf(k), amount: (1 - g) * d, k }] : []));
        const ref = waterfall({
          structure: 'european',
          hurdle_rate: fund.fee_structure.hurdle_rate,
          catch_up_rate: catchUp,
          carry_rate: fund.fee_structure.performance_fee_rate,
          contributions,
          distributions: dists.map(({ date, amount }) => ({ date, amount })),
        });
        const tol = 1e-7 * sum(l.distributions);
        expect(Math.abs(ref.gp.total - sum(l.carry))).toBeLessThan(tol);
        expect(Math.abs(ref.lp.total - sum(l.lp_distributions))).toBeLessThan(tol);
        ref.tiers.forEach((row, i) => {
          const k = dists[i].k;
          expect(Math.abs(row.gp_total - l.carry[k])).toBeLessThan(tol);
          expect(Math.abs(row.lp_total - l.lp_distributions[k])).toBeLessThan(tol);
        });
        if (ref.gp.total > 0) withCarry++;
      }
      expect(withCarry).toBeGreaterThan(0);
    });
  }
});
