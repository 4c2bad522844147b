import { describe, expect, it } from 'vitest';
import { exampleFund, mergeSummaries, simulateFund, simulatePath, validateFund } from '../src/index.js';
import type { Fund, Portfolio } from '../src/index.js';
import { bisectIrr, expectInputError, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Issue 12 §2: recallable distributions (MODEL-NOTES "Recallable distributions").
// Worked example on the tiny fund (commitments 1,000,000, fee 20,000 a year, yearly, annual
// distributions, 5% growth and interest, reinvestment for 3 years, min_reinvestment
// 150,000, reinvestment loans of min(250,000, pool) held 2 years): three initial loans,
// A = 500,000 to the term 5 and two of 100,000 that exit in years 1 and 2.
/** Proceeds of a loan of advance a held t years: a(1 + 5%·t) + a(e^{5%·t} − 1) (share = ltv). */
const payoff = (a: number, t: number) => a * (0.05 * t + Math.exp(0.05 * t));

function fund(cap?: number): Fund {
  const f = tinyFund();
  f.operations = { ...f.operations, reinvestment_period_years: 3, min_reinvestment: 150_000 };
  if (cap !== undefined) f.operations.recallable_cap_rate = cap;
  f.loan_parameters = { ...f.loan_parameters, loan_size_std_dev: 0, ltv_std_dev: 0, avg_exit_year: 2, min_hold_years: 1 };
  return f;
}
function portfolio(): Portfolio {
  const big = oneLoanPortfolio().loans[0];
  const small = (id: string, exit: number) => ({ ...big, id, loan_amount: 100_000, property_value: 200_000, exit_year: exit });
  return { ...oneLoanPortfolio(), loans: [big, small('L2', 1), small('L3', 2)] };
}
const run = (f: Fund) => simulatePath(f, { seed: 1, path: 0, granularity: 'yearly', portfolio: portfolio() });

describe('recallable distributions', () => {
  it('worked example: the principal that cannot be reinvested yet goes to the LPs and is recalled when a batch needs it', () => {
    const off = run(fund());
    const on = run(fund(0.2));
    const g1 = payoff(100_000, 1) - 100_000; // L2's gain, year 1
    const P3 = payoff(100_000, 2);
    // Without: L2's principal (100,000 < min_reinvestment) waits in the fund; in year 2 it
    // joins L3's and a 200,000 loan is made (to year 4).
    expect(off.distributions[1]).toBe(0);
    expect(off.advances[2]).toBeCloseTo(200_000, 6);
    expect(off.calls[2]).toBe(0);
    // With a 20% cap: the 100,000 is distributed in year 1 (the gain paid part of the fee)…
    expect(on.calls[1]).toBeCloseTo(20_000 - g1, 6);
    expect(on.distributions[1]).toBeCloseTo(100_000, 6);
    expect(on.recallable_distributions[1]).toBeCloseTo(100_000, 6);
    // …and recalled in year 2, when with L3's principal it reaches min_reinvestment: the same
    // 200,000 loan is made.
    expect(on.advances[2]).toBeCloseTo(200_000, 6);
    expect(on.recalls[2]).toBeCloseTo(100_000, 6);
    expect(on.calls[2]).toBeCloseTo(100_000, 6);
    expect(on.distributions[2]).toBeCloseTo(P3 - 100_000 - 20_000, 6);
    expect(off.distributions[2]).toBeCloseTo(P3 - 100_000 - 20_000, 6);
    // Everything after is the same.
    for (let k = 3; k <= 5; k++) {
      expect(on.calls[k]).toBeCloseTo(off.calls[k], 6);
      expect(on.distributions[k]).toBeCloseTo(off.distributions[k], 6);
    }
    expect(on.distributions[4]).toBeCloseTo(payoff(200_000, 2) - 20_000, 6);
    expect(on.distributions[5]).toBeCloseTo(payoff(500_000, 5) - 20_000, 6);
    // The LPs had the 100,000 for a year: their IRR rises; the multiple counts the recall as paid in.
    const lp = (l: typeof on) => bisectIrr(l.calls.map((c, k) => l.lp_distributions[k] - c));
    expect(on.irr.lp!).toBeCloseTo(lp(on), 9);
    expect(off.irr.lp!).toBeCloseTo(lp(off), 9);
    expect(on.irr.lp!).toBeGreaterThan(off.irr.lp!);
    for (const l of [on, off]) expect(l.conservation_error).toBeLessThan(1e-12);
    expect(off.recalls.every((x) => x === 0)).toBe(true);
  });

  it('recalls at most the cap (here 5% = 50,000): the rest of the principal waits in the fund', () => {
    const on = run(fund(0.05));
    expect(on.recallable_distributions[1]).toBeCloseTo(50_000, 6);
    expect(on.distributions[1]).toBeCloseTo(50_000, 6);
    expect(on.recalls[2]).toBeCloseTo(50_000, 6);
    expect(on.advances[2]).toBeCloseTo(200_000, 6);
    expect(sum(on.recalls)).toBeLessThanOrEqual(50_000 + 1e-6);
    expect(on.conservation_error).toBeLessThan(1e-12);
  });

  it('ends with the reinvestment period: principal returned later is distributed for good, nothing is recalled', () => {
    const f = fund(0.5);
    f.operations.reinvestment_period_years = 1;
    const l = run(f);
    // Year 1: L2's principal is distributed as recallable; the right ends after year 1.
    expect(l.recallable_distributions[1]).toBeCloseTo(100_000, 6);
    expect(sum(l.recalls)).toBe(0);
    expect(l.recallable_distributions.slice(2).every((x) => x === 0)).toBe(true);
    expect(l.distributions[2]).toBeCloseTo(payoff(100_000, 2) - 20_000, 6);
  });

  it('restores the unfunded commitments by what it distributes, until the reinvestment period ends', () => {
    // Commitments fully called at year 0 (loans of 500,000 + 100,000 + 400,000). Year 1: the
    // 100,000 loan returns; its gain and 9,873 of its principal pay the fee, and the other
    // 90,127 is distributed as recallable (nothing is ever reinvested: min_reinvestment is
    // out of reach). The fees of years 2 and 3 are called against the restored commitments;
    // in year 4 the right has ended and the fee stays unpaid until the year-5 proceeds.
    const f = fund(0.2);
    f.operations.min_reinvestment = 10_000_000;
    const big = oneLoanPortfolio().loans[0];
    const p: Portfolio = { ...oneLoanPortfolio(), loans: [big, { ...big, id: 'L2', loan_amount: 100_000, property_value: 200_000, exit_year: 1 }, { ...big, id: 'L3', loan_amount: 400_000, property_value: 800_000 }] };
    const l = simulatePath(f, { seed: 1, path: 0, granularity: 'yearly', portfolio: p });
    const restored = 100_000 - (20_000 - (payoff(100_000, 1) - 100_000));
    expect(l.calls[0]).toBeCloseTo(1_000_000, 6);
    expect(l.recallable_distributions[1]).toBeCloseTo(restored, 6);
    expect(l.calls[2]).toBeCloseTo(20_000, 6);
    expect(l.calls[3]).toBeCloseTo(20_000, 6);
    expect(l.calls[4]).toBe(0);
    expect(l.management_fees[4]).toBe(0);
    expect(l.management_fees[5]).toBeCloseTo(40_000, 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
    const off = simulatePath(fund(), { seed: 1, path: 0, granularity: 'yearly', portfolio: p });
    expect(off.calls.slice(1)).toEqual([0, 0, 0, 0, 0]);
  });

  it('summary on the default fund: shards merge exactly; conservation and TVPI ⇔ IRR hold on every path', () => {
    const f = exampleFund();
    f.operations.recallable_cap_rate = 0.2;
    f.operations.min_reinvestment = 400_000;
    const s = simulateFund(f, { paths: 24, seed: 11, granularity: 'monthly' });
    const parts = [[0, 9], [9, 24]].map((r) => simulateFund(f, { paths: 24, seed: 11, granularity: 'monthly', path_range: r as [number, number] }));
    expect(JSON.stringify(mergeSummaries(parts))).toBe(JSON.stringify(s));
    expect(s.recallable!.paths).toBe(24);
    expect(s.recallable!.recalled).toBeGreaterThan(0);
    expect(s.recallable!.recalled).toBeLessThanOrEqual(s.recallable!.distributed + 1e-6);
    expect(simulateFund(exampleFund(), { paths: 4, seed: 11, granularity: 'monthly' }).recallable).toBeNull();
    const g = f.fee_structure.gp_commitment_rate;
    let recalledAny = 0;
    for (let p = 0; p < 8; p++) {
      const l = simulatePath(f, { seed: 11, path: p, granularity: 'monthly' });
      expect(l.conservation_error).toBeLessThan(1e-9);
      expect(sum(l.recalls)).toBeLessThanOrEqual(0.2 * f.size + 1e-6);
      expect(sum(l.calls)).toBeLessThanOrEqual(f.size + sum(l.recalls) + 1e-6);
      recalledAny += sum(l.recalls);
      const flows = l.calls.map((c, k) => l.lp_distributions[k] - (1 - g) * c);
      flows[l.periods] += (1 - g) * l.cash[l.periods];
      const tvpi = sum(flows.filter((x) => x > 0)) / -sum(flows.filter((x) => x < 0));
      if (l.irr.lp !== null) expect(Math.sign(l.irr.lp)).toBe(Math.sign(tvpi - 1));
    }
    expect(recalledAny).toBeGreaterThan(0);
  });

  it('is validated', () => {
    for (const bad of [-0.1, 1.5]) {
      const f = fund(bad);
      expectInputError(() => validateFund(f), 'operations.recallable_cap_rate');
    }
    expect(() => validateFund(fund(0.3))).not.toThrow();
  });
});
