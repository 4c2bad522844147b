import { describe, expect, it } from 'vitest';
import { exampleFund, mergeSummaries, simulateFund, simulatePath, validateFund } from '../src/index.js';
import type { Fund } from '../src/index.js';
import { bisectIrr, expectInputError, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Issue 12 §2 leverage: the subscription credit line (MODEL-NOTES "Subscription line").
// Worked example on the tiny fund (commitments 1,000,000, fee 20,000 a year, one loan
// A = 500,000 from 0 to the term 5, yearly, annual distributions) with a 1,000,000 line at
// 5% interest, 0.25% unused fee, draws repaid after 365 days (one yearly period).

const A = 500_000;
const payoff5 = A * 1.25 + 0.5 * 1_000_000 * (Math.exp(0.25) - 1);
const line = { size: 1_000_000, rate: 0.05, unused_fee: 0.0025, max_days_outstanding: 365 };
const withLine = (f: Fund, terms: Partial<typeof line> = {}): Fund => ({ ...f, leverage: { subscription_line: { ...line, ...terms } } });

describe('subscription line', () => {
  it('worked example: every need is drawn and repaid by the LPs a year later; interest and unused fee are fund expenses', () => {
    const l = simulatePath(withLine(tinyFund()), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    // Draw b_0 = A at 0; each later year k = 1…4 the LPs repay b_{k−1} and the fund draws
    // b_k = fee 20,000 + interest 5%·b_{k−1} + unused fee 0.25%·(1,000,000 − b_{k−1}).
    const cost = (b: number) => 0.05 * b + 0.0025 * (1_000_000 - b);
    const b = [A];
    for (let k = 1; k <= 4; k++) b.push(20_000 + cost(b[k - 1]));
    expect(b[1]).toBeCloseTo(46_250, 9);
    const calls = [0, ...b];
    calls.forEach((c, k) => expect(l.calls[k], `calls[${k}]`).toBeCloseTo(c, 6));
    b.forEach((x, k) => expect(l.facility_balance[k], `balance[${k}]`).toBeCloseTo(x, 6));
    expect(l.facility_balance[5]).toBe(0);
    expect(l.facility_draws).toBeCloseTo(sum(b), 6);
    // Year 5: the last draw is repaid by a call; the fee and the line's cost are paid from the proceeds.
    const totalCost = b.reduce((s, x) => s + cost(x), 0);
    expect(l.facility_cost).toBeCloseTo(totalCost, 6);
    expect(l.distributions[5]).toBeCloseTo(payoff5 - 20_000 - cost(b[4]), 6);
    expect(sum(l.expenses)).toBeCloseTo(totalCost, 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
    // With vs without (ILPA). Here the line costs more than it gains: 5% on the balance plus
    // 0.25% on the whole undrawn line against a fund earning ~5.6% — the LP IRR falls.
    const lpWith = bisectIrr(l.calls.map((c, k) => l.lp_distributions[k] - c));
    expect(l.irr.lp!).toBeCloseTo(lpWith, 9);
    const without = bisectIrr([-A, -20_000, -20_000, -20_000, -20_000, payoff5 - 20_000]);
    expect(l.lp_irr_without_facility!).toBeCloseTo(without, 9);
    expect(l.irr.lp!).toBeLessThan(without);
    // A cheap line (2%, no unused fee) defers contributions for less than the fund earns: the IRR rises.
    const cheap = simulatePath(withLine(tinyFund(), { rate: 0.02, unused_fee: 0 }), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    expect(cheap.irr.lp!).toBeGreaterThan(without);
    expect(cheap.lp_irr_without_facility!).toBeCloseTo(without, 9);
    const plain = simulatePath(tinyFund(), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    expect(plain.irr.lp!).toBeCloseTo(without, 9);
    expect(plain.lp_irr_without_facility).toBeNull();
    expect(sum(l.lp_distributions) / sum(l.calls)).toBeLessThan(sum(plain.lp_distributions) / sum(plain.calls));
  });

  it('summary: LP net IRR with and without the facility side by side, its cost; shards merge exactly', () => {
    const f = withLine(exampleFund(), { size: 10_000_000, rate: 0.02, unused_fee: 0, max_days_outstanding: 180 });
    const s = simulateFund(f, { paths: 24, seed: 5, granularity: 'monthly' });
    expect(s.facility).not.toBeNull();
    expect(s.facility!.paths).toBe(24);
    expect(s.facility!.lp_irr_with).toStrictEqual(s.lp.irr);
    expect(s.facility!.lp_irr_without.count).toBe(24);
    expect(s.facility!.cost).toBeGreaterThan(0);
    const plain = simulateFund(exampleFund(), { paths: 24, seed: 5, granularity: 'monthly' });
    expect(s.facility!.lp_irr_without).toStrictEqual(plain.lp.irr);
    expect(plain.facility).toBeNull();
    expect(s.lp.irr.p50!).toBeGreaterThan(plain.lp.irr.p50!);
    const parts = [[0, 7], [7, 24]].map((r) => simulateFund(f, { paths: 24, seed: 5, granularity: 'monthly', path_range: r as [number, number] }));
    expect(JSON.stringify(mergeSummaries(parts))).toBe(JSON.stringify(s));
    for (let p = 0; p < 4; p++) {
      const l = simulatePath(f, { seed: 5, path: p, granularity: 'monthly' });
      expect(l.conservation_error).toBeLessThan(1e-9);
      expect(l.facility_balance[l.periods]).toBe(0);
      expect(Math.max(...l.facility_balance)).toBeLessThanOrEqual(10_000_000 + 1e-6);
      const flows = l.calls.map((c, k) => l.lp_distributions[k] - (1 - f.fee_structure.gp_commitment_rate) * c);
      flows[l.periods] += (1 - f.fee_structure.gp_commitment_rate) * l.cash[l.periods];
      const tvpi = sum(flows.filter((x) => x > 0)) / -sum(flows.filter((x) => x < 0));
      if (l.irr.lp !== null) expect(Math.sign(l.irr.lp)).toBe(Math.sign(tvpi - 1));
    }
  });

  it('is validated field by field', () => {
    const f = withLine(exampleFund());
    for (const [field, bad] of [['size', 0], ['rate', 0.5], ['unused_fee', -0.1], ['max_days_outstanding', 0.5]] as const) {
      const g = withLine(exampleFund());
      (g.leverage!.subscription_line as unknown as Record<string, number>)[field] = bad;
      expectInputError(() => validateFund(g), `leverage.subscription_line.${field}`);
    }
    expect(() => validateFund(f)).not.toThrow();
  });
});
