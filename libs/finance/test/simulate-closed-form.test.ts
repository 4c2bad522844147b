import { describe, expect, it } from 'vitest';
import { simulateFund, simulatePath } from '../src/index.js';
import { bisectIrr, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Hand-computed ledger (MODEL.md §1, §5, §6) for a one-loan fund with zero volatility,
// zero defaults and a fixed exit: advance A = 500,000 on V0 = 1,000,000 (ltv 0.5) at
// t = 0, exit at t = 5. Index I(5) = e^{5μ}; payoff P = A(1 + 0.05·5) + 0.5·(V0·e^{5μ} − V0).
// Management fee 2% of 1,000,000 per year, charged at the end of each year; no other costs.
// Calls on demand: 500,000 at t=0, 20,000 at t=1…4 (no cash yet); at t=5 the fee is paid
// from the payoff and the rest is distributed.
describe('simulation closed form (zero volatility, no defaults, fixed exit)', () => {
  it('reproduces the hand ledger when the hurdle is not reached (no carry)', () => {
    const fund = tinyFund({ mu: 0.05 });
    const led = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    const P = 500_000 * 1.25 + 0.5 * (1_000_000 * Math.exp(0.25) - 1_000_000); // 767,012.71
    expect(led.calls).toEqual([500_000, 20_000, 20_000, 20_000, 20_000, 0]);
    expect(led.advances).toEqual([500_000, 0, 0, 0, 0, 0]);
    expect(led.proceeds[5]).toBeCloseTo(P, 6);
    expect(led.management_fees).toEqual([0, 20_000, 20_000, 20_000, 20_000, 20_000]);
    expect(led.distributions[5]).toBeCloseTo(P - 20_000, 6);
    expect(sum(led.distributions.slice(0, 5))).toBe(0);
    // Hurdle: 500k·1.08^5 + 20k·(1.08^4+1.08^3+1.08^2+1.08) = 831,996 > 747,013 → no carry.
    expect(sum(led.carry)).toBe(0);
    expect(led.lp_distributions[5]).toBeCloseTo(P - 20_000, 6);
    expect(led.gp_origination_fees).toBeCloseTo(15_000, 9);
    const lpIrr = bisectIrr([-500_000, -20_000, -20_000, -20_000, -20_000, P - 20_000]);
    expect(led.irr.lp).toBeCloseTo(lpIrr, 9);
    expect(led.irr.fund).toBeCloseTo(lpIrr, 9);
    expect(led.irr.gross).toBeCloseTo(Math.pow(P / 500_000, 1 / 5) - 1, 9);
    expect(led.cash[5]).toBeCloseTo(0, 6);
    expect(led.conservation_error).toBeLessThan(1e-12);
    // NAV: cash 0 and the loan marked at A(1 + 0.05·t) + 0.5·V0·(e^{μt} − 1).
    for (let t = 1; t < 5; t++) expect(led.nav[t]).toBeCloseTo(500_000 * (1 + 0.05 * t) + 500_000 * (Math.exp(0.05 * t) - 1), 4);
  });

  it('pays 20% carry after hurdle and full catch-up, GP commitment pays none', () => {
    // μ = 20%: P = 625,000 + 0.5·(e^1 − 1)·1,000,000 = 1,484,140.9; distributed D = P − 20,000.
    // GP commitment 10%: LP share of D is 0.9·D against LP contributions 0.9·580,000.
    // With a 100% catch-up the GP ends with exactly 20% of the LP-share profit.
    const fund = tinyFund({ mu: 0.2, gp: 0.1 });
    const led = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    const P = 625_000 + 0.5 * (Math.exp(1) - 1) * 1_000_000;
    const D = P - 20_000;
    const carry = 0.2 * (0.9 * D - 0.9 * 580_000);
    expect(sum(led.carry)).toBeCloseTo(carry, 4);
    expect(led.lp_distributions[5]).toBeCloseTo(0.9 * D - carry, 4);
    expect(led.gp_distributions[5]).toBeCloseTo(0.1 * D + carry, 4);
    const lpFlows = [-450_000, -18_000, -18_000, -18_000, -18_000, 0.9 * D - carry];
    expect(led.irr.lp).toBeCloseTo(bisectIrr(lpFlows), 9);
    const gpFlows = [-50_000, -2_000, -2_000, -2_000, -2_000, 0.1 * D + carry];
    expect(led.irr.gp).toBeCloseTo(bisectIrr(gpFlows), 9);
    expect(led.irr.lp!).toBeGreaterThan(0.08); // hurdle met
    expect(led.irr.lp!).toBeLessThan(led.irr.fund!);
  });

  it('books an origination fee kept by the fund as fund income that reduces the first call', () => {
    const fund = tinyFund({ mu: 0.05, recipient: 'fund' });
    const led = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    expect(led.calls[0]).toBeCloseTo(485_000, 9);
    expect(led.fund_fee_income[0]).toBeCloseTo(15_000, 9);
    expect(led.gp_origination_fees).toBe(0);
    expect(led.conservation_error).toBeLessThan(1e-12);
  });

  it('gives the same result on every path and a degenerate (zero-sd) distribution in the summary', () => {
    const fund = tinyFund({ mu: 0.05 });
    const s = simulateFund(fund, { paths: 50, seed: 9, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    const P = 500_000 * 1.25 + 0.5 * (1_000_000 * Math.exp(0.25) - 1_000_000);
    const lpIrr = bisectIrr([-500_000, -20_000, -20_000, -20_000, -20_000, P - 20_000]);
    expect(s.lp.irr.mean).toBeCloseTo(lpIrr, 6);
    expect(s.lp.irr.sd).toBeLessThan(1e-7);
    expect(s.lp.irr.p5).toBeCloseTo(lpIrr, 9);
    expect(s.lp.irr.p95).toBeCloseTo(lpIrr, 9);
    expect(s.lp.tvpi.p50).toBeCloseTo((P - 20_000) / 580_000, 9);
    expect(s.lp.probability_of_loss).toBe(0);
    expect(s.lp.payback_years.p50).toBe(5);
    expect(s.zones.green.exits).toBe(1);
    expect(s.zones.green.defaults).toBe(0);
  });

  it('liquidates a loan still open at the term at P·(1 − liquidation_discount)', () => {
    const fund = tinyFund({ mu: 0.05 });
    fund.operations.liquidation_discount = 0.1;
    const led = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio({ exit_year: 8 }) });
    const P = 500_000 * 1.25 + 0.5 * (1_000_000 * Math.exp(0.25) - 1_000_000);
    expect(led.proceeds[5]).toBeCloseTo(0.9 * P, 6);
  });
});
