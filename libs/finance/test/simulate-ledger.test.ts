import { describe, expect, it } from 'vitest';
import { simulateFund, simulatePath } from '../src/index.js';
import type { Fund, Granularity, PathLedger, Portfolio } from '../src/index.js';
import { oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Hand-computed ledgers (MODEL-NOTES "Ledger", "Prices, hazards, scenarios") on the tiny
// deterministic fund of helpers.ts: size 1,000,000, term 5, one loan A = 500,000 on
// V0 = 1,000,000 (ltv 0.5, share s = 0.5) at t = 0, zero volatility, no defaults, 5%
// simple interest, management fee 2% of commitments, annual distributions, calls on demand.
// Payoff of a loan held τ years at zone drift μ: A(1 + 0.05τ) + 0.5·V0·(e^{μτ} − 1).

const A = 500_000;
const V0 = 1_000_000;
const payoff = (tau: number, index = Math.exp(0.05 * tau), share = 0.5, value = V0) => A * (1 + 0.05 * tau) + share * value * (index - 1);
const path = (fund: Fund, granularity: Granularity = 'yearly', portfolio: Portfolio = oneLoanPortfolio(), p = 0): PathLedger =>
  simulatePath(fund, { seed: 1, path: p, granularity, portfolio });

/** The one-loan portfolio (exit `exitYear`) plus a small loan (100,000 on 200,000) held to the term. */
function twoLoans(exitYear: number): Portfolio {
  const p = oneLoanPortfolio({ exit_year: exitYear });
  p.loans.push({ ...p.loans[0], id: 'L2', loan_amount: 100_000, property_value: 200_000, exit_year: 5 });
  return p;
}

function expectClose(actual: number[], expected: number[], digits = 6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a, `[${i}]`).toBeCloseTo(expected[i], digits));
}

describe('management fees, expenses and set-up costs', () => {
  it('charges the fee on the cost of open loans at the previous period end (basis "invested")', () => {
    const fund = tinyFund();
    fund.fee_structure.management_fee_basis = 'invested';
    const l = path(fund, 'yearly', oneLoanPortfolio({ exit_year: 3 }));
    // Open from 0 to 3: charged in years 1, 2 and 3; nothing is invested afterwards.
    expectClose(l.management_fees, [0, 10_000, 10_000, 10_000, 0, 0]);
    expectClose(l.calls, [A, 10_000, 10_000, 0, 0, 0]);
  });

  it('charges the fee on the NAV at the previous period end (basis "nav")', () => {
    const fund = tinyFund();
    fund.fee_structure.management_fee_basis = 'nav';
    const l = path(fund);
    // NAV(k) = loan marked at A(1 + 0.05k) + s·V0·(e^{0.05k} − 1), no cash (fees are called).
    const mark = (k: number) => A * (1 + 0.05 * k) + 0.5 * V0 * (Math.exp(0.05 * k) - 1);
    for (let k = 0; k < 5; k++) expect(l.nav[k]).toBeCloseTo(mark(k), 6);
    expectClose(l.management_fees, [0, ...[0, 1, 2, 3, 4].map((k) => 0.02 * mark(k))]);
  });

  it('switches to the step-down rate for periods starting at or after after_year', () => {
    const fund = tinyFund();
    fund.fee_structure.fee_step_down = { after_year: 2, rate: 0.01 };
    expectClose(path(fund).management_fees, [0, 20_000, 20_000, 10_000, 10_000, 10_000]);
    // Quarterly: periods 1…8 start before year 2, period 9 starts at year 2.
    const q = path(fund, 'quarterly').management_fees;
    expect(q.slice(1, 9).every((x) => Math.abs(x - 5_000) < 1e-6)).toBe(true);
    expect(q.slice(9).every((x) => Math.abs(x - 2_500) < 1e-6)).toBe(true);
    expect(q[0]).toBe(0);
  });

  it('books expenses every period after the first close and set-up costs at the first close', () => {
    const fund = tinyFund();
    fund.fee_structure.expense_rate = 0.01;
    fund.fee_structure.setup_costs = 25_000;
    const l = path(fund);
    expectClose(l.expenses, [25_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expectClose(l.management_fees, [0, 20_000, 20_000, 20_000, 20_000, 20_000]);
    expectClose(l.calls, [A + 25_000, 30_000, 30_000, 30_000, 30_000, 0]);
    expect(l.distributions[5]).toBeCloseTo(payoff(5) - 30_000, 6);
    const q = path(fund, 'quarterly');
    expect(q.expenses[0]).toBe(25_000);
    expect(q.expenses[1]).toBeCloseTo(2_500, 9);
  });

  it('carries fees it cannot pay once the commitments are exhausted and reports them as unpaid', () => {
    const fund = tinyFund();
    fund.size = 520_000; // A plus one year of the 2% fee (10,400)
    fund.fee_structure.management_fee_rate = 0.02;
    const l = path(fund, 'yearly', oneLoanPortfolio({ exit_year: 4 }));
    // Calls: 500,000 + 10,400 (year 1) + 9,600 (the rest of the commitment, year 2).
    expectClose(l.calls, [A, 10_400, 9_600, 0, 0, 0]);
    // Years 2 and 3 leave 800 + 10,400 unpaid; year 4 pays them and its own fee first from
    // the proceeds (then distributes the rest); the fund is wound down after year 4 (its only
    // loan is realised), so year 5 charges nothing.
    expectClose(l.management_fees, [0, 10_400, 9_600, 0, 10_400 + 11_200, 0]);
    expect(l.unpaid_fees).toBeCloseTo(0, 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
    // Proceeds of 0 (index e^{−2}, appreciation share 1: payoff clamped at 0) cannot pay the
    // arrears: 800 + 10,400 + year 4's 10,400 stay unpaid, and nothing accrues after the wind-down.
    const fundPoor = tinyFund({ mu: -0.5 });
    fundPoor.size = 520_000;
    fundPoor.loan_parameters.appreciation_share_method = 'fixed';
    fundPoor.loan_parameters.appreciation_share_rate = 1;
    const p2 = path(fundPoor, 'yearly', oneLoanPortfolio({ exit_year: 4 }));
    expect(sum(p2.proceeds)).toBe(0);
    expectClose(p2.management_fees, [0, 10_400, 9_600, 0, 0, 0]);
    expect(p2.unpaid_fees).toBeCloseTo(800 + 2 * 10_400, 6);
    expect(p2.conservation_error).toBeLessThan(1e-12);
  });
});

describe('capital calls', () => {
  it('uses scheduled capital first, keeps undeployed capital out of distributions and never calls twice', () => {
    const fund = tinyFund();
    fund.vintage_year = 2025;
    fund.capital_calls = [
      { date: '2025-01-01', amount: 600_000 },
      { date: '2027-01-01', amount: 100_000 }, // 730 days = 2 years → period 2
    ];
    const l = path(fund);
    expectClose(l.calls, [600_000, 0, 100_000, 0, 0, 0]);
    // Fees are paid from the undeployed cash (100,000 left after the loan, +100,000 in year 2).
    expectClose(l.cash, [100_000, 80_000, 160_000, 140_000, 120_000, 0]);
    expectClose(l.distributions, [0, 0, 0, 0, 0, payoff(5) + 100_000]);
  });

  it('calls on demand when the schedule falls short', () => {
    const fund = tinyFund();
    fund.vintage_year = 2025;
    fund.capital_calls = [{ date: '2025-01-01', amount: 505_000 }];
    expectClose(path(fund).calls, [505_000, 15_000, 20_000, 20_000, 20_000, 0]);
  });
});

describe('distributions', () => {
  it('distributes at the distribution frequency, keeping the cash reserve until the term', () => {
    const fund = tinyFund();
    fund.operations.cash_reserve_rate = 0.02; // 20,000
    // A second, small loan held to the term keeps the fund from winding down early.
    const l = path(fund, 'quarterly', twoLoans(2.25));
    // Proceeds at period 9; annual distributions at periods 4, 8, 12, 16 and the term 20.
    const p = payoff(2.25);
    const d = l.distributions;
    expect(d[12]).toBeCloseTo(p - 4 * 5_000 - 20_000, 6);
    expect(d[16]).toBe(0);
    expect(sum(d) - d[12] - d[20]).toBeCloseTo(0, 6);
    // The reserve pays the fees of periods 13…16; later fees are called, the last one is
    // paid from the small loan's proceeds at the term.
    expectClose(l.calls.slice(13), [0, 0, 0, 0, 5_000, 5_000, 5_000, 0]);
    expect(l.cash[20]).toBe(0);
    // With the one loan only, the fund winds down when it is realised: everything, reserve
    // included, is distributed at period 9 and no fee is charged afterwards.
    const one = path(fund, 'quarterly', oneLoanPortfolio({ exit_year: 2.25 }));
    expect(one.distributions[9]).toBeCloseTo(p - 5_000, 6);
    expect(sum(one.management_fees.slice(10))).toBe(0);
    expect(sum(one.calls.slice(10))).toBe(0);
  });

  it('distributes every period with a monthly frequency and at the term whatever the frequency', () => {
    const fund = tinyFund();
    fund.operations.distribution_frequency = 'monthly';
    const l = path(fund, 'quarterly', oneLoanPortfolio({ exit_year: 2.25 }));
    expect(l.distributions[9]).toBeCloseTo(payoff(2.25) - 5_000, 6);
    expect(l.distributions[10]).toBe(0); // the fee of period 10 is called, nothing is left
    fund.operations.distribution_frequency = 'quarterly';
    const m = path(fund, 'monthly', twoLoans(13 / 12));
    expect(m.distributions[13]).toBe(0);
    expect(m.distributions[15]).toBeGreaterThan(0);
    const y = path(tinyFund(), 'yearly', oneLoanPortfolio({ exit_year: 4.9 }));
    expect(y.distributions[5]).toBeCloseTo(payoff(5) - 20_000, 6);
  });
});

describe('loans: holding period, interest, appreciation share, downside protection', () => {
  it('snaps origination and exit to the period grid and holds a loan at least one period', () => {
    const l = path(tinyFund(), 'yearly', oneLoanPortfolio({ origination_year: 1.2, exit_year: 3.4 }));
    expect(l.advances[1]).toBe(A);
    expect(l.proceeds[3]).toBeCloseTo(payoff(2), 6);
    const same = path(tinyFund(), 'yearly', oneLoanPortfolio({ origination_year: 2, exit_year: 2 }));
    expect(same.proceeds[3]).toBeCloseTo(payoff(1), 6);
  });

  it('floors the appreciation share at 0 under downside protection and uses a fixed share when configured', () => {
    const fund = tinyFund({ mu: -0.1 });
    const loan = oneLoanPortfolio({ property_value: 2_000_000, ltv: 0.25 });
    const index = Math.exp(-0.5);
    expect(path(fund, 'yearly', loan).proceeds[5]).toBeCloseTo(payoff(5, index, 0.25, 2_000_000), 6);
    fund.loan_parameters.downside_protection = true;
    expect(path(fund, 'yearly', loan).proceeds[5]).toBeCloseTo(A * 1.25, 6);
    const up = tinyFund({ mu: 0.05 });
    up.loan_parameters.appreciation_share_method = 'fixed';
    up.loan_parameters.appreciation_share_rate = 0.3;
    expect(path(up, 'yearly', loan).proceeds[5]).toBeCloseTo(payoff(5, Math.exp(0.25), 0.3, 2_000_000), 6);
  });

  it('caps the payoff at the property value', () => {
    const fund = tinyFund({ mu: -0.3 });
    const l = path(fund, 'yearly', oneLoanPortfolio({ property_value: 600_000, ltv: 500 / 600 }));
    expect(l.proceeds[5]).toBeCloseTo(600_000 * Math.exp(-1.5), 6);
    expect(l.zone_losses[0]).toBeCloseTo(A - 600_000 * Math.exp(-1.5), 6);
  });

  it('makes the idiosyncratic property noise mean-one (lognormal with −ς²τ/2)', () => {
    const fund = tinyFund();
    fund.loan_parameters.property_volatility = 0.2;
    const n = 1500;
    const xs: number[] = [];
    for (let p = 0; p < n; p++) xs.push(path(fund, 'yearly', oneLoanPortfolio(), p).proceeds[5]);
    const mean = sum(xs) / n;
    const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
    // Noise sd over 5 years: ς√τ = 0.447; payoff sd = s·V0·e^{0.25}·√(e^{ς²τ} − 1).
    expect(Math.abs(mean - payoff(5))).toBeLessThan((4 * sd) / Math.sqrt(n));
    expect(sd / (0.5 * V0 * Math.exp(0.25) * Math.sqrt(Math.exp(0.2) - 1))).toBeGreaterThan(0.85);
    expect(sd / (0.5 * V0 * Math.exp(0.25) * Math.sqrt(Math.exp(0.2) - 1))).toBeLessThan(1.15);
  });
});

describe('defaults and recoveries', () => {
  it('receives recovery_rate × A foreclosure_months after the default, at the term less the liquidation discount when later', () => {
    const fund = tinyFund();
    fund.zone_parameters.green.default_rate = 1;
    fund.loan_parameters.foreclosure_months = 24;
    fund.operations.liquidation_discount = 0.2;
    const seen = new Set<string>();
    for (let p = 0; p < 80; p++) {
      const l = path(fund, 'yearly', oneLoanPortfolio(), p);
      const at = l.proceeds.findIndex((x) => x > 0);
      if (l.zone_defaults[0] === 1) {
        // Default in period d ∈ 1…4 (an exit and a default in period 5 count as an exit),
        // recovered at d + 2: periods 3, 4, 5 in full, or at the term (d = 4) discounted.
        const amount = l.proceeds[at];
        const discounted = Math.abs(amount - 0.9 * A * 0.8) < 1e-6;
        expect(discounted ? at === 5 : Math.abs(amount - 0.9 * A) < 1e-6).toBe(true);
        expect(sum(l.proceeds)).toBeCloseTo(amount, 6);
        expect(l.zone_losses[0]).toBeCloseTo(A - amount, 6);
        expect(l.zone_exits[0]).toBe(0);
        seen.add(`${at}${discounted ? ' discounted' : ''}`);
      } else {
        expect(l.proceeds[5]).toBeCloseTo(payoff(5), 6);
        expect(l.zone_exits[0]).toBe(1);
      }
    }
    expect([...seen].sort()).toStrictEqual(['3', '4', '5', '5 discounted']);
  });

  it('marks a defaulted loan at its recovery value until the recovery is received', () => {
    const fund = tinyFund();
    fund.zone_parameters.green.default_rate = 1;
    fund.loan_parameters.foreclosure_months = 24;
    for (let p = 0; p < 30; p++) {
      const l = path(fund, 'yearly', oneLoanPortfolio(), p);
      const at = l.proceeds.findIndex((x) => x > 0);
      if (l.zone_defaults[0] !== 1 || at !== 3) continue;
      // Default in period 1: NAV = 0.9·A in periods 1 and 2 (fees are called, no cash).
      expect(l.nav[1]).toBeCloseTo(0.9 * A, 6);
      expect(l.nav[2]).toBeCloseTo(0.9 * A, 6);
      return;
    }
    throw new Error('no path defaulted in period 1');
  });

  it('defaults with probability 1 − e^{−H}, the cumulative hazard raised by falls of the zone index (κ) and by scenario multipliers', () => {
    // Zero volatility: the index falls deterministically at μ = −10%/yr, so the trailing
    // 12-month return R is known and h = rate × mult × (1 + κ·max(0, −R)) per period.
    const fund = tinyFund({ mu: -0.1 });
    fund.zone_parameters.green.default_rate = 0.05;
    fund.loan_parameters.default_price_sensitivity = 5;
    fund.scenario = { name: 'custom', shocks: [{ from_month: 24, to_month: 36, zone: 'green', drift_add: 0, vol_mult: 1, default_mult: 3 }] };
    const S = 12;
    const I = (k: number) => Math.exp((-0.1 * k) / S);
    let H = 0;
    for (let k = 1; k < 60; k++) {
      const back = Math.max(k - 1 - S, 0);
      const R = I(k - 1) / I(back) - 1;
      const mult = (k - 0.5) >= 24 && (k - 0.5) < 36 ? 3 : 1;
      H += (0.05 * mult * (1 + 5 * Math.max(0, -R))) / S;
    }
    const n = 2000;
    const s = simulateFund(fund, { paths: n, seed: 5, granularity: 'monthly', portfolio: oneLoanPortfolio() });
    const p = 1 - Math.exp(-H);
    expect(Math.abs(s.zones.green.default_rate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    // Without κ and the shock the probability is visibly lower (1 − e^{−0.05·59/12}).
    const plain = 1 - Math.exp((-0.05 * 59) / 12);
    expect(p - plain).toBeGreaterThan(8 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('scenarios', () => {
  const exitProceeds = (fund: Fund) => path(fund, 'monthly').proceeds[60];

  it('adds a custom shock drift to the named zone during [from_month, to_month) only', () => {
    const fund = tinyFund();
    fund.scenario = { name: 'custom', shocks: [{ from_month: 12, to_month: 36, zone: 'green', drift_add: -0.1, vol_mult: 1, default_mult: 1 }] };
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5, Math.exp(0.25 - 0.2)), 6);
    fund.scenario.shocks[0].zone = 'orange';
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5), 6);
    delete fund.scenario.shocks[0].zone; // every zone
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5, Math.exp(0.25 - 0.2)), 6);
    fund.scenario.name = 'base'; // shocks ignored unless the scenario is custom
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5), 6);
  });

  it('multiplies the volatility by vol_mult during a shock', () => {
    const fund = tinyFund();
    fund.zone_parameters.green.volatility = 0.3;
    fund.scenario = { name: 'custom', shocks: [{ from_month: 0, to_month: 60, drift_add: 0, vol_mult: 0, default_mult: 1 }] };
    // σ' = 0: the index is deterministic at the drift (no −σ²/2 correction either).
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5), 6);
  });

  it('gfc takes 20% off every zone index over months 12–36; stagnation sets the drift to 0 for months 0–60', () => {
    const fund = tinyFund();
    fund.scenario = { name: 'gfc', shocks: [] };
    expect(exitProceeds(fund)).toBeCloseTo(payoff(5, Math.exp(0.25) * 0.8), 6);
    const seven = tinyFund();
    seven.term = 7;
    seven.scenario = { name: 'stagnation', shocks: [] };
    const l = simulatePath(seven, { seed: 1, path: 0, granularity: 'monthly', portfolio: oneLoanPortfolio({ exit_year: 7 }) });
    expect(l.proceeds[84]).toBeCloseTo(payoff(7, Math.exp(0.05 * 2)), 6);
  });

  it('gfc triples default rates during months 12–36', () => {
    const fund = tinyFund();
    fund.zone_parameters.green.default_rate = 0.1;
    fund.scenario = { name: 'gfc', shocks: [] };
    const n = 2000;
    const s = simulateFund(fund, { paths: n, seed: 6, granularity: 'monthly', portfolio: oneLoanPortfolio() });
    const p = 1 - Math.exp(-(0.1 * 59 + 0.2 * 24) / 12);
    expect(Math.abs(s.zones.green.default_rate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('reinvestment', () => {
  it('reinvests returned principal during the reinvestment period and distributes the gains', () => {
    const fund = tinyFund();
    fund.operations.reinvestment_period_years = 3;
    const l = path(fund, 'yearly', oneLoanPortfolio({ exit_year: 2 }));
    // Period 2: principal A into the pool, the gain pays the fee and is distributed.
    expect(l.distributions[2]).toBeCloseTo(payoff(2) - A - 20_000, 6);
    // New loans use the pool down to less than min_loan_size (100,000).
    expect(l.advances[2]).toBeGreaterThan(A - 100_000);
    expect(l.advances[2]).toBeLessThanOrEqual(A + 1e-6);
    expect(sum(l.zone_loans)).toBeGreaterThan(1);
    expect(l.conservation_error).toBeLessThan(1e-9);
  });

  it('releases the principal to the investors after the reinvestment period, or when below min_reinvestment', () => {
    const fund = tinyFund();
    fund.operations.reinvestment_period_years = 3;
    const late = path(fund, 'yearly', oneLoanPortfolio({ exit_year: 4 }));
    expect(late.advances[4]).toBe(0);
    expect(late.distributions[4]).toBeCloseTo(payoff(4) - 20_000, 6);
    fund.operations.min_reinvestment = 600_000;
    const small = path(fund, 'yearly', twoLoans(2));
    expect(small.advances[2]).toBe(0);
    // The pool stays reserved through year 3 and is released at the end of year 4 (after
    // that year's fee, which is called).
    expect(small.calls[3]).toBeCloseTo(20_000, 6);
    expect(small.calls[4]).toBeCloseTo(20_000, 6);
    expect(small.distributions[3]).toBe(0);
    expect(small.distributions[4]).toBeCloseTo(A, 6);
    // Alone, the loan's principal can never reach min_reinvestment: the fund winds down
    // when it is realised (year 2) and distributes everything then.
    const alone = path(fund, 'yearly', oneLoanPortfolio({ exit_year: 2 }));
    expect(alone.distributions[2]).toBeCloseTo(payoff(2) - 20_000, 6);
    expectClose(alone.calls.slice(3), [0, 0, 0]);
  });

  it('reinvests in quarterly batches (every 3 monthly periods)', () => {
    const fund = tinyFund();
    fund.operations.reinvestment_period_years = 3;
    const l = path(fund, 'monthly', oneLoanPortfolio({ exit_year: 13 / 12 }));
    expect(l.advances[13]).toBe(0);
    expect(l.advances[14]).toBe(0);
    expect(l.advances[15]).toBeGreaterThan(A - 100_000);
  });
});

describe('waterfall in the loop', () => {
  it('claws back carry paid early when later losses and fees lower the final profit', () => {
    // A winner exits in year 1 returning more than all contributions (carry paid then); a
    // loser returns nothing at the term, and the later fees are called.
    const fund = tinyFund();
    fund.fee_structure.hurdle_rate = 0;
    fund.loan_parameters.appreciation_share_method = 'fixed';
    fund.loan_parameters.appreciation_share_rate = 1;
    fund.zone_parameters.green.appreciation_rate = 0.5;
    fund.zone_parameters.red.appreciation_rate = -0.5;
    const winner = oneLoanPortfolio({ id: 'w', exit_year: 1, loan_amount: 200_000, property_value: 2_000_000, ltv: 0.1 }).loans[0];
    const loser = oneLoanPortfolio({ id: 'l', zone: 'red', loan_amount: 600_000, property_value: 1_200_000 }).loans[0];
    const l = path(fund, 'yearly', { loans: [winner, loser], metrics: oneLoanPortfolio().metrics });
    expect(l.carry[1]).toBeGreaterThan(0);
    expect(l.carry[5]).toBeLessThan(0);
    const profit = sum(l.distributions) - sum(l.calls);
    expect(sum(l.carry)).toBeCloseTo(0.2 * Math.max(0, profit), 6);
  });
});
