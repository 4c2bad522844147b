import { describe, expect, it } from 'vitest';
import { exampleFund, simulateFund, simulatePath, waterfall } from '../src/index.js';
import type { Fund, Loan, Portfolio } from '../src/index.js';
import { SummaryAccumulator } from '../src/summary.js';
import type { SimulationEngine } from '../src/simulate-engine.js';
import { bisectIrr, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Issue 12 §1: each defect found by the independent audit, with a test that failed on
// engine 1.1.0 (see MODEL-NOTES for the rules these tests pin down).

function redOnly(avgExit: number, term: number): Fund {
  const f = exampleFund();
  f.loan_parameters.zone_allocations = { green: 0, orange: 0, red: 1 };
  f.loan_parameters.avg_exit_year = avgExit;
  f.term = term;
  return f;
}

describe('survivorship: every path is in the IRR percentiles', () => {
  it('winds the fund down when every asset is realised: no fee, expense or call afterwards (red-only fund, exits ~2 years, 15-year term)', () => {
    const fund = redOnly(2, 15);
    const s = simulateFund(fund, { paths: 400, seed: 1, granularity: 'monthly' });
    // Engine 1.1.0 kept calling fees for years after the last exit: 8% of these paths had
    // no IRR root and were silently dropped.
    expect(s.lp.irr.count).toBe(400);
    expect(s.lp.irr.missing).toBe(0);
    expect(s.lp.irr_unsolvable.count).toBe(0);
    expect(s.wound_down_paths).toBeGreaterThan(300);
    let checked = 0;
    for (let p = 0; p < 20; p++) {
      const l = simulatePath(fund, { seed: 1, path: p, granularity: 'monthly' });
      let lastProceeds = 0;
      l.proceeds.forEach((x, k) => {
        if (x > 0) lastProceeds = k;
      });
      if (lastProceeds >= l.periods - 1) continue;
      checked++;
      // Nothing accrues once the last proceeds are in; everything is distributed at once.
      expect(sum(l.management_fees.slice(lastProceeds + 1)), `path ${p}`).toBe(0);
      expect(sum(l.expenses.slice(lastProceeds + 1)), `path ${p}`).toBe(0);
      expect(sum(l.calls.slice(lastProceeds + 1)), `path ${p}`).toBe(0);
      expect(l.cash[lastProceeds], `path ${p}`).toBeCloseTo(0, 6);
      expect(l.irr.lp, `path ${p}`).not.toBeNull();
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('places an unsolvable IRR of a level that paid in (−100% if it lost, +300% cap if it gained) and counts it, never drops it', () => {
    // Hand-made paths (yearly, 2 periods): LP flows −100, +120, −50 (TVPI 0.8) have no IRR
    // root at all (NPV = −100 + 120v − 50v² < 0 for every v); the second path is ordinary.
    const S = 1;
    const n = 2;
    const f = exampleFund();
    f.fee_structure.gp_commitment_rate = 0;
    const zero = () => new Float64Array(n + 1);
    const engine = (calls: number[], dist: number[], lpIrr: number) =>
      ({
        fund: f,
        periods: n,
        stepsPerYear: S,
        calls: Float64Array.from(calls),
        advances: Float64Array.from(calls),
        proceeds: Float64Array.from(dist),
        distributions: Float64Array.from(dist),
        lpDistributions: Float64Array.from(dist),
        gpDistributions: zero(),
        cash: zero(),
        nav: zero(),
        managementFees: zero(),
        carry: zero(),
        grossIrr: lpIrr,
        fundIrr: lpIrr,
        lpIrr,
        gpIrr: Number.NaN,
        zoneLoans: new Float64Array(3),
        zoneDefaults: new Float64Array(3),
        zoneExits: new Float64Array(3),
        zoneLosses: new Float64Array(3),
        gpOriginationFees: 0,
        feeOffsets: 0,
        hasFacility: false,
        recalls: new Float64Array(0),
        unfundedLoans: 0,
        conservationError: 0,
        windDownPeriod: -1,
        carryPaid: 0,
        carryPaidYears: 0,
        clawback: 0,
        europeanCarryPaid: 0,
        europeanCarryPaidYears: 0,
        europeanClawback: 0,
      }) as unknown as SimulationEngine;
    const acc = new SummaryAccumulator(n, S, 1000);
    acc.addPath(engine([100, 0, 50], [0, 120, 0], Number.NaN));
    acc.addPath(engine([100, 0, 0], [0, 0, 121], 0.1));
    acc.addPath(engine([100, 0, 0], [0, 0, 1e9], Number.NaN));
    const st = acc.toState();
    const irr = st.scalars['lp.irr'];
    expect(irr.count).toBe(3);
    expect(irr.missing).toBe(0);
    expect(irr.min).toBe(-1);
    expect(irr.max).toBe(3);
    expect(st.counters['lp.irr_placed_low']).toBe(1);
    expect(st.counters['lp.irr_placed_high']).toBe(1);
    // The GP level paid nothing in: missing, and counted as such.
    expect(st.scalars['gp.irr'].missing).toBe(3);
    expect(st.counters['gp.no_contributions']).toBe(3);
  });

  it('reports the placement counts per level in the summary, mergeable over shards', () => {
    const fund = redOnly(2, 15);
    fund.operations.reinvestment_period_years = 15; // fees run to the term while reinvestment stays possible
    fund.operations.min_reinvestment = 1e12;
    const whole = simulateFund(fund, { paths: 60, seed: 4, granularity: 'quarterly' });
    for (const lv of [whole.gross, whole.fund, whole.lp, whole.gp]) {
      expect(lv.irr.count + lv.irr.missing).toBe(60);
      expect(lv.irr.missing).toBe(lv.no_contributions);
      expect(lv.irr_unsolvable.count).toBe(lv.irr_unsolvable.placed_low + lv.irr_unsolvable.placed_high);
    }
  });
});

describe('"no value" is null, never 0', () => {
  const empty: Portfolio = { loans: [], metrics: { total_initial_value: 0, total_loan_amount: 0, average_ltv: 0, weighted_appreciation_rate: 0, expected_irr: null, expected_multiple: 0 } };

  it('an empty portfolio has no gross IRR, TVPI, VaR or CVaR (null), and says why', () => {
    const s = simulateFund(exampleFund(), { paths: 8, seed: 1, granularity: 'yearly', portfolio: empty });
    expect(s.gross.irr.count).toBe(0);
    expect(s.gross.no_contributions).toBe(8);
    for (const v of [s.gross.irr.p50, s.gross.irr.mean, s.gross.irr.min, s.gross.tvpi.p50, s.gross.var95.irr, s.gross.cvar95.irr, s.gross.var95.tvpi]) expect(v).toBeNull();
  });

  it('gp_commitment_rate 0 leaves the GP level without value (null), counted in no_contributions', () => {
    const f = exampleFund();
    f.fee_structure.gp_commitment_rate = 0;
    const s = simulateFund(f, { paths: 8, seed: 1, granularity: 'yearly' });
    expect(s.gp.no_contributions).toBe(8);
    expect(s.gp.irr.p50).toBeNull();
    expect(s.gp.irr.mean).toBeNull();
    expect(s.gp.var95.irr).toBeNull();
    expect(s.gp.cvar95.irr).toBeNull();
    expect(s.lp.irr.p50).not.toBeNull();
    expect(JSON.parse(JSON.stringify(s)).gp.irr.p50).toBeNull();
  });
});

describe('capital is called only for loans that will be deployed', () => {
  it('a $300k fund (set-up costs $250k) calls nothing toward the $241k loan it can never fund', () => {
    const fund = exampleFund();
    fund.size = 300_000;
    const l = simulatePath(fund, { seed: 1, path: 0, granularity: 'monthly' });
    expect(l.unfunded_loans).toBe(1);
    expect(sum(l.advances)).toBe(0);
    // Engine 1.1.0 called the whole 300,000 at k = 0 (50,000 of it toward the loan) and
    // handed it back at month 3.
    expect(l.calls[0]).toBe(fund.fee_structure.setup_costs);
    expect(sum(l.distributions)).toBe(0);
  });
});

describe('the exit period counts for default', () => {
  it('gives the same default rate monthly and yearly, 1 − e^{−hT} (constant hazard, loans held 3 years)', () => {
    const fund = exampleFund();
    fund.size = 100_000_000;
    fund.loan_parameters.default_price_sensitivity = 0;
    fund.zone_parameters.green = { ...fund.zone_parameters.green, default_rate: 0.1, volatility: 0 };
    fund.operations.reinvestment_period_years = 0;
    const loans: Loan[] = Array.from({ length: 300 }, (_, i) => ({
      id: `L${i}`,
      loan_amount: 250_000,
      property_value: 500_000,
      ltv: 0.5,
      zone: 'green',
      appreciation_rate: 0.03,
      origination_year: 0,
      exit_year: 3,
      will_be_reinvested: false,
    }));
    const portfolio: Portfolio = { loans, metrics: { total_initial_value: 150e6, total_loan_amount: 75e6, average_ltv: 0.5, weighted_appreciation_rate: 0.03, expected_irr: null, expected_multiple: 1 } };
    const expected = 1 - Math.exp(-0.1 * 3); // 0.2592
    const N = 300 * 150;
    const se = Math.sqrt((expected * (1 - expected)) / N); // 0.0021
    const rate = (granularity: 'monthly' | 'yearly') => simulateFund(fund, { paths: 150, seed: 9, granularity, portfolio }).zones.green.default_rate;
    const monthly = rate('monthly');
    const yearly = rate('yearly');
    // Engine 1.1.0: yearly 1 − e^{−0.2} = 0.181 (the exit year never defaulted), monthly 0.253.
    expect(Math.abs(monthly - expected)).toBeLessThan(4 * se);
    expect(Math.abs(yearly - expected)).toBeLessThan(4 * se);
    expect(Math.abs(monthly - yearly)).toBeLessThan(5 * se);
  });
});

describe('the final clawback restores the hurdle (ILPA true-up)', () => {
  it('waterfall(): a call after carry was paid — the GP returns what the LPs lack of their 8% (worked example)', () => {
    // LPs pay 100 (2021), receive 130 (2022: roc 100, pref 8, catch-up 2, split 16/4 → GP 6),
    // pay 100 more (2023) and receive 85 (2024, all return of capital). Profit 15, so the
    // carry cap is 3; but the LPs' hurdle account after the final distribution is
    // 100·1.08³ + 100·1.08 − 124·1.08² − 85 = 4.3376: the GP returns that (more than the 3
    // above the cap), keeping 1.6624, and the LPs end exactly at 8%.
    const r = waterfall({
      structure: 'european',
      hurdle_rate: 0.08,
      carry_rate: 0.2,
      catch_up_rate: 1,
      contributions: [
        { date: '2021-01-01', amount: 100 },
        { date: '2023-01-01', amount: 100 },
      ],
      distributions: [
        { date: '2022-01-01', amount: 130 },
        { date: '2024-01-01', amount: 85 },
      ],
    });
    const hurdleShort = 100 * 1.08 ** 3 + 100 * 1.08 - 124 * 1.08 ** 2 - 85; // 2021–2024: 1,095 days
    expect(hurdleShort).toBeCloseTo(4.3376, 9);
    expect(r.gp.clawback).toBeCloseTo(hurdleShort, 9);
    expect(r.gp.total).toBeCloseTo(6 - hurdleShort, 9);
    const lpIrr = bisectIrr([-100, r.tiers[0].lp_total, -100, r.tiers[1].lp_total], [0, 1, 2, 3]);
    expect(lpIrr).toBeCloseTo(0.08, 9);
    // The American result is never above the (trued-up) European one.
    const am = waterfall({ structure: 'american', hurdle_rate: 0.08, carry_rate: 0.2, catch_up_rate: 1, contributions: [{ date: '2021-01-01', amount: 100 }, { date: '2023-01-01', amount: 100 }], distributions: [{ date: '2022-01-01', amount: 130 }, { date: '2024-01-01', amount: 85 }] });
    expect(am.gp.total).toBeLessThanOrEqual(r.gp.total + 1e-12);
  });

  it('simulation: carry paid on a winning loan, then a call for a losing one — the GP keeps carry only if LPs reach the hurdle', () => {
    const fund = tinyFund({ mu: 0.3 });
    fund.fee_structure.management_fee_rate = 0;
    fund.zone_parameters.orange = { ...fund.zone_parameters.orange, appreciation_rate: -0.5 };
    const win: Loan = { ...oneLoanPortfolio().loans[0], id: 'W', loan_amount: 200_000, property_value: 400_000, exit_year: 2 };
    const lose: Loan = { ...win, id: 'X', zone: 'orange', loan_amount: 300_000, property_value: 600_000, origination_year: 3, exit_year: 5 };
    const portfolio: Portfolio = { ...oneLoanPortfolio(), loans: [win, lose] };
    const l = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio });
    expect(l.calls[3]).toBeCloseTo(300_000, 6); // called after carry was paid at year 2
    expect(l.carry[2]).toBeGreaterThan(0);
    const lpFlows = l.calls.map((c, k) => l.lp_distributions[k] - c);
    const lpIrr = bisectIrr(lpFlows);
    const kept = sum(l.carry);
    // Either the LPs reach their 8% or the GP keeps nothing. Here W returns 384,424 at year 2
    // (carry ≈ 36,900 paid), X only 140,364 at the term: profit 24,788, so engine 1.1.0 let
    // the GP keep 0.2 × 24,788 = 4,958 while the LPs ended below 8%. Even with every carry
    // dollar back the LPs stay below the hurdle, so the GP keeps nothing.
    expect(lpIrr).toBeLessThan(0.08);
    expect(kept).toBeCloseTo(0, 6);
    expect(l.clawback).toBeCloseTo(l.carry_paid, 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
  });
});

describe('american waterfall in simulateFund', () => {
  /** Two loans of 200,000 at t = 0: W (green, μ 5%) exits at year 2 with a gain, X (orange, μ −30%) at the term with a loss. */
  function twoDeals(structure: 'european' | 'american'): { fund: Fund; portfolio: Portfolio } {
    const fund = tinyFund();
    fund.fee_structure.management_fee_rate = 0;
    fund.fee_structure.waterfall_structure = structure;
    fund.zone_parameters.orange = { ...fund.zone_parameters.orange, appreciation_rate: -0.3 };
    const w: Loan = { ...oneLoanPortfolio().loans[0], id: 'W', loan_amount: 200_000, property_value: 400_000, exit_year: 2 };
    const x: Loan = { ...w, id: 'X', zone: 'orange', exit_year: 5 };
    return { fund, portfolio: { ...oneLoanPortfolio(), loans: [w, x] } };
  }

  it('worked example: deal W pays carry at year 2 (8% pref, full catch-up), clawed back at the term because the fund lost', () => {
    const { fund, portfolio } = twoDeals('american');
    const l = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio });
    // W: contributed 200,000; proceeds 200,000·1.10 + 0.5·400,000·(e^{0.1} − 1) = 241,034.18;
    // hurdle 200,000·1.08² = 233,280; roc 200,000, pref 33,280, then catch-up: the GP gets
    // the remaining 7,754.18 (needs 0.2·33,280/0.8 = 8,320 for a full catch-up).
    const p1 = 200_000 * 1.1 + 0.5 * 400_000 * (Math.exp(0.1) - 1);
    const gpW = p1 - 200_000 * 1.08 ** 2;
    expect(l.carry[2]).toBeCloseTo(gpW, 6);
    expect(l.lp_distributions[2]).toBeCloseTo(p1 - gpW, 6);
    // X: payoff clamped to its value 400,000·e^{−1.5} = 89,252 — the fund loses (330,286 < 400,000):
    // the European result is 0, so the whole carry comes back at the term.
    expect(l.carry[5]).toBeCloseTo(-gpW, 6);
    expect(l.clawback).toBeCloseTo(gpW, 6);
    expect(sum(l.carry)).toBeCloseTo(0, 6);
    const eu = simulatePath(twoDeals('european').fund, { seed: 1, path: 0, granularity: 'yearly', portfolio });
    expect(sum(eu.carry)).toBe(0);
    // The summary shows the timing: American carry paid at year 2, none under European.
    const s = simulateFund(fund, { paths: 3, seed: 1, granularity: 'yearly', portfolio });
    expect(s.carry_timing.structure).toBe('american');
    expect(s.carry_timing.carry_paid).toBeCloseTo(gpW, 1); // means are exact to the 1/16-dollar quantum
    expect(s.carry_timing.clawback).toBeCloseTo(gpW, 1);
    expect(s.carry_timing.mean_payment_year).toBeCloseTo(2, 9);
    expect(s.carry_timing.european.carry_paid).toBe(0);
    expect(s.carry_timing.european.mean_payment_year).toBeNull();
  });

  it('worked example with fees: each deal carries its pro-rata share of the fees accrued while it was open', () => {
    const { fund, portfolio } = twoDeals('american');
    fund.fee_structure.management_fee_rate = 0.02; // 20,000 a year on commitments of 1,000,000
    fund.zone_parameters.green = { ...fund.zone_parameters.green, appreciation_rate: 0.2 };
    const l = simulatePath(fund, { seed: 1, path: 0, granularity: 'yearly', portfolio });
    // Open advance: 400,000 in years 1–2, then 200,000 (X only): fees per advance dollar 0.05,
    // 0.05, then 0.1. W's share: 200,000·(0.05 + 0.05) = 20,000 → contributed 220,000; its
    // hurdle at year 2: 200,000·1.08² + 10,000·1.08 + 10,000 = 254,080.
    const p1 = 200_000 * 1.1 + 0.5 * 400_000 * (Math.exp(0.4) - 1); // 318,364.92
    const pref = 254_080 - 220_000;
    const catchUp = (0.2 * pref) / 0.8; // 8,520: full catch-up
    const dealCarry = catchUp + 0.2 * (p1 - 254_080 - catchUp);
    expect(l.carry[2]).toBeCloseTo(dealCarry, 6);
    expect(l.distributions[2]).toBeCloseTo(p1 - 20_000, 6); // year 2's fee is paid from the proceeds first
    expect(l.conservation_error).toBeLessThan(1e-12);
  });

  it('on the default fund: carry is paid earlier than European, never ends above it, and conservation holds', () => {
    const am = exampleFund();
    am.fee_structure.waterfall_structure = 'american';
    const eu = exampleFund();
    const sa = simulateFund(am, { paths: 200, seed: 5, granularity: 'quarterly' });
    const se = simulateFund(eu, { paths: 200, seed: 5, granularity: 'quarterly' });
    expect(sa.carry_timing.european).toStrictEqual(se.carry_timing.european);
    expect(sa.carry_timing.timing_difference_years!).toBeLessThan(0);
    expect(sa.carry_timing.mean_payment_year!).toBeLessThan(se.carry_timing.mean_payment_year!);
    expect(se.carry_timing.timing_difference_years).toBe(0);
    expect(sa.carry_timing.net_carry).toBeLessThanOrEqual(se.carry_timing.net_carry + 1e-6);
    expect(sa.lp.irr.p50).not.toBe(se.lp.irr.p50);
    for (let p = 0; p < 10; p++) {
      const la = simulatePath(am, { seed: 5, path: p, granularity: 'quarterly' });
      const le = simulatePath(eu, { seed: 5, path: p, granularity: 'quarterly' });
      expect(sum(la.carry)).toBeLessThanOrEqual(sum(le.carry) + 1e-6);
      expect(sum(la.distributions)).toBeCloseTo(sum(le.distributions), 6);
      expect(la.conservation_error).toBeLessThan(1e-9);
      // TVPI ⇔ IRR on the LP flows under the American split.
      const g = am.fee_structure.gp_commitment_rate;
      const tvpi = (sum(la.lp_distributions) + (1 - g) * la.cash[la.periods]) / ((1 - g) * sum(la.calls));
      if (la.irr.lp !== null && Math.abs(tvpi - 1) > 1e-9) expect(Math.sign(la.irr.lp)).toBe(Math.sign(tvpi - 1));
    }
  });
});
