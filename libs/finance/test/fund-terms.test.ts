import { describe, expect, it } from 'vitest';
import { exampleFund, mergeSummaries, simulateFund, simulatePath, validateFund, waterfall } from '../src/index.js';
import type { Fund } from '../src/index.js';
import { expectInputError, oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// Issue 12 §2 fund terms (each optional, off when absent). Worked examples on the tiny
// deterministic fund of helpers.ts (one loan A = 500,000 on V0 = 1,000,000 from 0 to the
// term 5, drift 5%, 5% simple interest, 2% fee on commitments of 1,000,000, yearly).

const A = 500_000;
const payoff5 = A * 1.25 + 0.5 * 1_000_000 * (Math.exp(0.25) - 1); // 767,012.71
const yearly = (f: Fund) => simulatePath(f, { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });

/** LP flows of a ledger (LP share of calls out, LP distributions in, LP share of the end cash). */
function lpFlows(f: Fund, l: ReturnType<typeof yearly>): number[] {
  const g = f.fee_structure.gp_commitment_rate;
  const flows = l.calls.map((c, k) => l.lp_distributions[k] - (1 - g) * c);
  flows[l.periods] += (1 - g) * l.cash[l.periods];
  return flows;
}

describe('hurdle as a multiple of contributions', () => {
  it('worked example: LPs first receive 1.2 × contributions, then the catch-up and the split', () => {
    const f = tinyFund();
    f.fee_structure.hurdle_type = 'multiple';
    f.fee_structure.hurdle_multiple = 1.2;
    const l = yearly(f);
    // Calls: A at 0 and the 20,000 fee in years 1–4 (year 5's is paid from the proceeds):
    // C = 580,000; distributed D = payoff − 20,000 = 747,012.71 at the term.
    expect(sum(l.calls)).toBeCloseTo(580_000, 6);
    const D = payoff5 - 20_000;
    expect(l.distributions[5]).toBeCloseTo(D, 6);
    // roc 580,000; pref to 1.2·C = 696,000 (116,000); catch-up: the GP gets 0.2·116,000/0.8 =
    // 29,000 (full catch-up, rate 1); the remaining 22,012.71 split 20/80.
    const left = D - 696_000 - 29_000;
    expect(l.carry[5]).toBeCloseTo(29_000 + 0.2 * left, 6);
    expect(l.lp_distributions[5]).toBeCloseTo(696_000 + 0.8 * left, 6);
    // The same split from waterfall() on the same flows.
    const w = waterfall({
      structure: 'european',
      hurdle_multiple: 1.2,
      carry_rate: 0.2,
      catch_up_rate: 1,
      contributions: l.calls.map((c, k) => ({ date: `${2020 + k}-01-01`, amount: c })).filter((x) => x.amount > 0),
      distributions: [{ date: '2025-01-01', amount: D }],
    });
    expect(w.gp.total).toBeCloseTo(l.carry[5], 6);
    // 1.5 × C = 870,000 > D: no carry at all.
    f.fee_structure.hurdle_multiple = 1.5;
    expect(sum(yearly(f).carry)).toBe(0);
  });

  it('keeps conservation, TVPI ⇔ IRR and shard invariance', () => {
    const f = exampleFund();
    f.fee_structure.hurdle_type = 'multiple';
    f.fee_structure.hurdle_multiple = 1.3;
    for (let p = 0; p < 5; p++) {
      const l = simulatePath(f, { seed: 2, path: p, granularity: 'quarterly' });
      expect(l.conservation_error).toBeLessThan(1e-9);
      const flows = lpFlows(f, l);
      const paid = -sum(flows.filter((x) => x < 0));
      const got = sum(flows.filter((x) => x > 0));
      if (l.irr.lp !== null) expect(Math.sign(l.irr.lp)).toBe(Math.sign(got / paid - 1));
    }
    const whole = simulateFund(f, { paths: 30, seed: 2, granularity: 'quarterly' });
    const parts = [[0, 11], [11, 30]].map((r) => simulateFund(f, { paths: 30, seed: 2, granularity: 'quarterly', path_range: r as [number, number] }));
    expect(JSON.stringify(mergeSummaries(parts))).toBe(JSON.stringify(whole));
    const base = simulateFund(exampleFund(), { paths: 30, seed: 2, granularity: 'quarterly' });
    expect(whole.gp_economics.carried_interest).not.toBe(base.gp_economics.carried_interest);
  });

  it('is validated: multiple in [1, 10], required with and only with hurdle_type "multiple"', () => {
    const f = exampleFund();
    f.fee_structure.hurdle_type = 'multiple';
    expectInputError(() => validateFund(f), 'fee_structure.hurdle_multiple');
    f.fee_structure.hurdle_multiple = 0.9;
    expectInputError(() => validateFund(f), 'fee_structure.hurdle_multiple');
    f.fee_structure.hurdle_type = 'irr';
    f.fee_structure.hurdle_multiple = 1.2;
    expectInputError(() => validateFund(f), 'fee_structure.hurdle_multiple');
    (f.fee_structure as { hurdle_type: string }).hurdle_type = 'tvpi';
    expectInputError(() => validateFund(f), 'fee_structure.hurdle_type');
    expectInputError(() => waterfall({ structure: 'european', hurdle_multiple: 0.5, contributions: [], distributions: [] }), 'hurdle_multiple');
  });
});

describe('management-fee offsets', () => {
  it('worked example: 100% / 50% of the 15,000 GP origination fee offsets the next fees', () => {
    const f = tinyFund(); // origination fee 3% of A = 15,000 paid by the borrower to the GP
    f.fee_structure.management_fee_offset_rate = 1;
    let l = yearly(f);
    expect(l.management_fees.map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0, 5_000, 20_000, 20_000, 20_000, 20_000]);
    expect(l.calls[1]).toBeCloseTo(5_000, 6);
    expect(l.management_fee_offsets).toBeCloseTo(15_000, 6);
    expect(l.gp_origination_fees).toBeCloseTo(15_000, 6);
    expect(l.conservation_error).toBeLessThan(1e-12);
    f.fee_structure.management_fee_offset_rate = 0.5;
    l = yearly(f);
    expect(l.management_fees[1]).toBeCloseTo(12_500, 6);
    expect(l.management_fees[2]).toBeCloseTo(20_000, 6);
    // A credit larger than one period's fee carries forward: 45,000 of credit covers years 1–2 and 5,000 of year 3.
    f.fee_structure.management_fee_offset_rate = 1;
    f.fee_structure.origination_fee_rate = 0.09;
    l = yearly(f);
    expect(l.management_fees.slice(1, 4).map((x) => Math.round(x))).toEqual([0, 0, 15_000]);
    // With origination fees kept by the fund there is nothing to offset.
    f.fee_structure.origination_fee_recipient = 'fund';
    expect(yearly(f).management_fee_offsets).toBe(0);
  });

  it('raises LP returns on the default fund, reported in gp_economics', () => {
    const f = exampleFund();
    f.fee_structure.management_fee_offset_rate = 0.5;
    const s = simulateFund(f, { paths: 40, seed: 3, granularity: 'quarterly' });
    const base = simulateFund(exampleFund(), { paths: 40, seed: 3, granularity: 'quarterly' });
    expect(s.gp_economics.management_fee_offsets).toBeGreaterThan(0);
    expect(base.gp_economics.management_fee_offsets).toBe(0);
    expect(s.gp_economics.management_fees).toBeLessThan(base.gp_economics.management_fees);
    expect(s.lp.tvpi.mean!).toBeGreaterThan(base.lp.tvpi.mean!);
    for (let p = 0; p < 5; p++) {
      const l = simulatePath(f, { seed: 3, path: p, granularity: 'quarterly' });
      expect(l.conservation_error).toBeLessThan(1e-9);
      const flows = lpFlows(f, l);
      const tvpi = sum(flows.filter((x) => x > 0)) / -sum(flows.filter((x) => x < 0));
      if (l.irr.lp !== null) expect(Math.sign(l.irr.lp)).toBe(Math.sign(tvpi - 1));
    }
    expectInputError(() => validateFund({ ...f, fee_structure: { ...f.fee_structure, management_fee_offset_rate: 1.5 } }), 'fee_structure.management_fee_offset_rate');
  });
});

describe('terms off cost nothing and change nothing', () => {
  it('absent terms give the same summary as the explicit defaults', () => {
    const f = exampleFund();
    const g = exampleFund();
    g.fee_structure.hurdle_type = 'irr';
    g.fee_structure.management_fee_offset_rate = 0;
    const a = simulateFund(f, { paths: 20, seed: 4, granularity: 'yearly' });
    const b = simulateFund(g, { paths: 20, seed: 4, granularity: 'yearly' });
    const strip = (s: typeof a) => JSON.stringify({ ...s, config_hash: '' });
    expect(strip(b)).toBe(strip(a));
  });
});
