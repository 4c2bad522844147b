import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exampleFund, simulatePath } from '../src/index.js';
import type { Fund } from '../src/index.js';
import { sum } from './helpers.js';

const fundArb = fc
  .record({
    drift: fc.double({ min: -0.1, max: 0.2, noNaN: true }),
    volMult: fc.double({ min: 0, max: 3, noNaN: true }),
    defaultMult: fc.double({ min: 0, max: 5, noNaN: true }),
    fee: fc.double({ min: 0, max: 0.04, noNaN: true }),
    basis: fc.constantFrom('committed', 'invested', 'nav'),
    carry: fc.double({ min: 0, max: 0.3, noNaN: true }),
    hurdle: fc.double({ min: 0, max: 0.15, noNaN: true }),
    catchUp: fc.constantFrom(0, 0.5, 1),
    gp: fc.double({ min: 0, max: 0.2, noNaN: true }),
    recipient: fc.constantFrom('gp', 'fund'),
    reserve: fc.double({ min: 0, max: 0.05, noNaN: true }),
    discount: fc.double({ min: 0, max: 0.3, noNaN: true }),
    reinvest: fc.integer({ min: 0, max: 8 }),
    term: fc.integer({ min: 2, max: 12 }),
    deployment: fc.double({ min: 0.3, max: 1, noNaN: true }),
    frequency: fc.constantFrom('monthly', 'quarterly', 'annual'),
    downside: fc.boolean(),
  })
  .map((p): Fund => {
    const f = exampleFund();
    f.size = 20_000_000;
    f.term = p.term;
    for (const z of ['green', 'orange', 'red'] as const) {
      const zp = f.zone_parameters[z];
      zp.appreciation_rate += p.drift;
      zp.volatility = Math.min(1, zp.volatility * p.volMult);
      zp.default_rate = Math.min(1, zp.default_rate * p.defaultMult);
    }
    Object.assign(f.fee_structure, {
      management_fee_rate: p.fee,
      management_fee_basis: p.basis,
      performance_fee_rate: p.carry,
      hurdle_rate: p.hurdle,
      catch_up_rate: p.catchUp,
      gp_commitment_rate: p.gp,
      origination_fee_recipient: p.recipient,
    });
    Object.assign(f.operations, {
      cash_reserve_rate: p.reserve,
      liquidation_discount: p.discount,
      reinvestment_period_years: p.reinvest,
      deployment_ratio: p.deployment,
      distribution_frequency: p.frequency,
    });
    f.loan_parameters.downside_protection = p.downside;
    return f;
  });

describe('engine properties over random funds (fast-check)', () => {
  it('conserves cash, never calls beyond commitments, and keeps sign(IRR) = sign(TVPI − 1)', () => {
    fc.assert(
      fc.property(fundArb, fc.integer({ min: 0, max: 1000 }), fc.constantFrom('quarterly', 'yearly', 'monthly'), (fund, path, granularity) => {
        const l = simulatePath(fund, { seed: 13, path, granularity });
        expect(l.conservation_error).toBeLessThan(1e-9);
        expect(sum(l.calls)).toBeLessThanOrEqual(fund.size * (1 + 1e-12));
        for (const c of l.cash) expect(c).toBeGreaterThanOrEqual(-1e-6 * fund.size);
        const g = fund.fee_structure.gp_commitment_rate;
        const paid = (1 - g) * sum(l.calls);
        if (paid > 0 && l.irr.lp !== null) {
          const tvpi = (sum(l.lp_distributions) + (1 - g) * l.cash[l.periods]) / paid;
          if (Math.abs(tvpi - 1) > 1e-9) expect(l.irr.lp > 0).toBe(tvpi > 1);
        }
        if (l.irr.lp !== null && l.irr.fund !== null) expect(l.irr.lp).toBeLessThanOrEqual(l.irr.fund + 1e-9);
        // Carry never exceeds carry_rate × LP-share profit.
        const lpProfit = (1 - g) * (sum(l.distributions) - sum(l.calls));
        expect(sum(l.carry)).toBeLessThanOrEqual(Math.max(0, fund.fee_structure.performance_fee_rate * lpProfit) + 1e-6 * fund.size);
      }),
      { numRuns: 60 },
    );
  });
});
