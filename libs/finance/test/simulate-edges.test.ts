import { describe, expect, it } from 'vitest';
import { exampleFund, simulateFund, simulatePath } from '../src/index.js';
import { sum } from './helpers.js';

describe('simulation edge cases', () => {
  it('originates no loan at the term: loans dated at or after it are reported as unfunded', () => {
    // Term 1 year, originations spread over 3 years: about 2/3 of the loans fall after the term.
    const fund = exampleFund();
    fund.term = 1;
    for (const granularity of ['yearly', 'monthly'] as const) {
      const l = simulatePath(fund, { seed: 2, path: 0, granularity });
      expect(l.advances[l.periods]).toBe(0);
      // Every loan advanced before the term is sold at the term: its proceeds are booked.
      expect(sum(l.proceeds)).toBeGreaterThan(0.9 * sum(l.advances));
      expect(l.conservation_error).toBeLessThan(1e-9);
    }
    const s = simulateFund(fund, { paths: 20, seed: 2, granularity: 'yearly' });
    expect(s.unfunded_loans).toBeGreaterThan(200);
  });

  it('reports a total loss as IRR −100% and TVPI 0, never as a missing or NaN value', () => {
    const fund = exampleFund();
    fund.size = 90_000; // below min_loan_size: no loans at all, only fees and expenses
    const s = simulateFund(fund, { paths: 10, seed: 1, granularity: 'quarterly' });
    expect(s.lp.irr.p50).toBe(-1);
    expect(s.lp.irr.missing).toBe(0);
    expect(s.lp.tvpi.max).toBe(0);
    expect(s.lp.probability_of_loss).toBe(1);
    expect(s.gross.irr.count).toBe(0); // no loans: no gross flows at all
    expect(s.gross.irr.missing).toBe(10);
  });
});
