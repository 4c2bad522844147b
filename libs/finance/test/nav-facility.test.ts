import { describe, expect, it } from 'vitest';
import { exampleFund, mergeSummaries, simulateFund, simulatePath, validateFund } from '../src/index.js';
import type { Fund } from '../src/index.js';
import { bisectIrr, expectInputError, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Issue 12 §2 leverage: the NAV facility (MODEL-NOTES "NAV facility").
// Worked example on the tiny fund (commitments 1,000,000, fee 20,000 a year, one loan
// A = 500,000 from 0 to the term 5, yearly, annual distributions, 5% growth and interest),
// reinvesting for 3 years into loans that exit after 2 years, with a NAV facility of max LTV
// 20% at 6% for 3 years.
const A = 500_000;
/** Proceeds of a loan of advance a held t years: a(1 + 5%·t) + a(e^{5%·t} − 1) (share = ltv). */
const payoff = (a: number, t: number) => a * (0.05 * t + Math.exp(0.05 * t));
const nav = { max_ltv: 0.2, rate: 0.06, term: 3 };

function reinvestingFund(terms: Partial<typeof nav> | null = {}): Fund {
  const f = tinyFund();
  f.operations = { ...f.operations, reinvestment_period_years: 3 };
  // Deterministic reinvestment loans: size min(250,000, pool), ltv 65%, held 2 years.
  f.loan_parameters = { ...f.loan_parameters, loan_size_std_dev: 0, ltv_std_dev: 0, avg_exit_year: 2, min_hold_years: 1 };
  if (terms !== null) f.leverage = { nav_facility: { ...nav, ...terms } };
  return f;
}

describe('NAV facility', () => {
  it('worked example: drawn to 20% of the book at the first batch, reinvested, swept after its term; interest is a fund expense', () => {
    const l = simulatePath(reinvestingFund(), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    // Year 0: the LPs fund the initial loan; the facility lends D with D = 20% × (A + D), so
    // D = 0.2·A/0.8 = 125,000, and a reinvestment loan of 125,000 is made at once (to year 2).
    const D = (0.2 * A) / 0.8;
    expect(D).toBe(125_000);
    expect(l.calls[0]).toBeCloseTo(A, 6);
    expect(l.advances[0]).toBeCloseTo(A + D, 6);
    expect(l.nav_facility_draws).toBeCloseTo(D, 6);
    const interest = 0.06 * D;
    // Year 2: the 125,000 loan returns P = payoff(D, 2); its principal is reinvested (to year
    // 4), its gain pays part of the fee + interest and the rest is called. The book is
    // 625,000 again, the balance exactly 20% of it: no repayment, no new draw.
    const P = payoff(D, 2);
    expect(l.proceeds[2]).toBeCloseTo(P, 6);
    expect(l.advances[2]).toBeCloseTo(D, 6);
    expect(l.calls[1]).toBeCloseTo(20_000 + interest, 6);
    expect(l.calls[2]).toBeCloseTo(20_000 + interest - (P - D), 6);
    expect(l.distributions[2]).toBe(0);
    // Year 3: the draw period ends (term 3 years): the sweep starts, but there is no cash yet.
    expect(l.calls[3]).toBeCloseTo(20_000 + interest, 6);
    expect(l.advances[3]).toBe(0);
    // Year 4: the second loan returns P (no longer reinvested): fee + interest, then all
    // that is left repays the facility; the LPs see nothing. b4 = D − (P − 20,000 − 7,500)
    // is left, and repaid in year 5 with its interest, before the LPs' final distribution.
    expect(l.proceeds[4]).toBeCloseTo(P, 6);
    expect(l.distributions[4]).toBe(0);
    const b4 = D - (P - 20_000 - interest);
    expect(b4).toBeGreaterThan(0);
    [D, D, D, D, b4, 0].forEach((b, k) => expect(l.nav_facility_balance[k], `balance[${k}]`).toBeCloseTo(b, 6));
    const cost = 4 * interest + 0.06 * b4;
    expect(l.nav_facility_cost).toBeCloseTo(cost, 6);
    expect(l.facility_cost).toBeCloseTo(cost, 6);
    expect(sum(l.expenses)).toBeCloseTo(cost, 6);
    expect(l.distributions[5]).toBeCloseTo(payoff(A, 5) - 20_000 - 0.06 * b4 - b4, 6);
    expect(l.nav_facility_shortfall).toBe(0);
    expect(l.conservation_error).toBeLessThan(1e-12);
    // NAV is net of the balance.
    expect(l.nav[1]).toBeCloseTo(A * (1 + 0.05) + A * (Math.exp(0.05) - 1) + D * (0.05 + Math.exp(0.05)) - D, 6);

    // ILPA disclosure: the LP IRR with the facility, and the same path without it (no
    // reinvestment: nothing exits before the term).
    const lpWith = bisectIrr(l.calls.map((c, k) => l.lp_distributions[k] - c));
    expect(l.irr.lp!).toBeCloseTo(lpWith, 9);
    const without = bisectIrr([-A, -20_000, -20_000, -20_000, -20_000, payoff(A, 5) - 20_000]);
    expect(l.lp_irr_without_facility!).toBeCloseTo(without, 9);
    const plain = simulatePath(reinvestingFund(null), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    expect(plain.irr.lp!).toBeCloseTo(without, 9);
    expect(plain.lp_irr_without_facility).toBeNull();
    expect(plain.nav_facility_balance.every((b) => b === 0)).toBe(true);
    // Borrowing at 6% to earn ~15% a year on a 2-year loan raises the LPs' IRR.
    expect(l.irr.lp!).toBeGreaterThan(without);
  });

  it('repays the excess over max LTV when the book shrinks', () => {
    // Two initial loans: 500,000 to the term and 100,000 that exits in year 1. Year 0: book
    // 600,000, D = 0.2·600,000/0.8 = 150,000 lent and reinvested (a 150,000 loan to year 2).
    // Year 1: the small loan returns its principal, which stays in the pool (below
    // min_reinvestment 150,000): the book is 650,000 and the balance must fall to 130,000.
    const f = reinvestingFund();
    f.operations.min_reinvestment = 150_000;
    const big = oneLoanPortfolio().loans[0];
    const small = { ...big, id: 'L2', loan_amount: 100_000, property_value: 200_000, exit_year: 1 };
    const portfolio = { ...oneLoanPortfolio(), loans: [big, small] };
    const l = simulatePath(f, { seed: 1, path: 0, granularity: 'yearly', portfolio });
    expect(l.nav_facility_balance[0]).toBeCloseTo(150_000, 6);
    expect(l.advances[0]).toBeCloseTo(750_000, 6);
    expect(l.advances[1]).toBe(0);
    expect(l.nav_facility_balance[1]).toBeCloseTo(0.2 * 650_000, 6);
    // The 20,000 repaid came from the pool; fee and interest (9,000) beyond the small
    // loan's gain were called.
    expect(l.calls[1]).toBeCloseTo(20_000 + 9_000 - (payoff(100_000, 1) - 100_000), 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
  });

  it('writes off, at the term, the balance the assets of the fund cannot repay (limited recourse)', () => {
    // Max LTV 80%: D = 0.8·500,000/0.2 = 2,000,000 lent at year 0 and reinvested (eight
    // 250,000 loans to year 2). Homes lose 63% in two years (μ = −50%): at the term (year 2)
    // the loans return less than the fee, the interest (120,000) and the balance.
    const f = reinvestingFund({ max_ltv: 0.8 });
    f.term = 2;
    for (const z of ['green', 'orange', 'red'] as const) f.zone_parameters[z].appreciation_rate = -0.5;
    const l = simulatePath(f, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio({ exit_year: 2 }) });
    expect(l.nav_facility_draws).toBeCloseTo(2_000_000, 6);
    expect(l.advances[0]).toBeCloseTo(2_500_000, 6);
    expect(l.nav_facility_balance[l.periods]).toBe(0);
    expect(l.nav_facility_shortfall).toBeCloseTo(2_000_000 - (l.proceeds[2] - 20_000 - 120_000), 6);
    expect(l.nav_facility_shortfall).toBeGreaterThan(0);
    expect(l.distributions[2]).toBe(0);
    expect(l.conservation_error).toBeLessThan(1e-12);
  });

  it('summary: LP net IRR with and without side by side, the NAV cost and draws; shards merge exactly; conservation and TVPI ⇔ IRR hold', () => {
    const f = exampleFund();
    f.leverage = { nav_facility: { max_ltv: 0.25, rate: 0.07, term: 4 } };
    const s = simulateFund(f, { paths: 24, seed: 9, granularity: 'monthly' });
    expect(s.facility).not.toBeNull();
    expect(s.facility!.paths).toBe(24);
    expect(s.facility!.lp_irr_with).toStrictEqual(s.lp.irr);
    const plain = simulateFund(exampleFund(), { paths: 24, seed: 9, granularity: 'monthly' });
    expect(s.facility!.lp_irr_without).toStrictEqual(plain.lp.irr);
    expect(s.facility!.nav_draws).toBeGreaterThan(0);
    expect(s.facility!.nav_cost).toBeGreaterThan(0);
    expect(s.facility!.cost).toBe(s.facility!.nav_cost);
    expect(s.facility!.nav_shortfall_paths).toBe(0);
    const parts = [[0, 10], [10, 24]].map((r) => simulateFund(f, { paths: 24, seed: 9, granularity: 'monthly', path_range: r as [number, number] }));
    expect(JSON.stringify(mergeSummaries(parts))).toBe(JSON.stringify(s));
    const g = f.fee_structure.gp_commitment_rate;
    for (let p = 0; p < 6; p++) {
      const l = simulatePath(f, { seed: 9, path: p, granularity: 'monthly' });
      expect(l.conservation_error).toBeLessThan(1e-9);
      expect(l.nav_facility_balance[l.periods]).toBe(0);
      // No draw after the facility's 4-year term, and the balance is swept from then on.
      const after = l.nav_facility_balance.slice(48);
      for (let k = 1; k < after.length; k++) expect(after[k]).toBeLessThanOrEqual(after[k - 1] + 1e-9);
      const flows = l.calls.map((c, k) => l.lp_distributions[k] - (1 - g) * c);
      flows[l.periods] += (1 - g) * l.cash[l.periods];
      const tvpi = sum(flows.filter((x) => x > 0)) / -sum(flows.filter((x) => x < 0));
      if (l.irr.lp !== null) expect(Math.sign(l.irr.lp)).toBe(Math.sign(tvpi - 1));
    }
  });

  it('is validated field by field', () => {
    for (const [field, bad] of [['max_ltv', 0], ['max_ltv', 0.9], ['rate', 0.5], ['term', 0], ['term', 31]] as const) {
      const g = reinvestingFund();
      (g.leverage!.nav_facility as unknown as Record<string, number>)[field] = bad;
      expectInputError(() => validateFund(g), `leverage.nav_facility.${field}`);
    }
    expect(() => validateFund(reinvestingFund())).not.toThrow();
  });
});
