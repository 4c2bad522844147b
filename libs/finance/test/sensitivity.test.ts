import { describe, expect, it } from 'vitest';
import { applySensitivity, exampleFund, FinanceInputError, sensitivity, simulateFund } from '../src/index.js';
import { expectInputError } from './helpers.js';

describe('sensitivity (tornado)', () => {
  const fund = exampleFund();
  const result = sensitivity(fund, { parameters: [], paths: 80, seed: 21, granularity: 'quarterly' });

  it('covers the MODEL.md §9 parameter list by default, sorted by swing', () => {
    expect(result.rows.map((r) => r.parameter).sort()).toStrictEqual(
      ['appreciation_rate', 'average_ltv', 'avg_exit_year', 'default_rate', 'hurdle_rate', 'management_fee_rate', 'origination_fee_rate', 'performance_fee_rate', 'volatility'].sort(),
    );
    for (let i = 1; i < result.rows.length; i++) expect(result.rows[i - 1].swing).toBeGreaterThanOrEqual(result.rows[i].swing);
  });

  it('uses the same seed for every run: the base equals a plain simulation', () => {
    expect(result.base).toBe(simulateFund(fund, { paths: 80, seed: 21, granularity: 'quarterly' }).lp.irr.p50);
    for (const r of result.rows) expect(r.base).toBe(result.base);
    const hurdle = result.rows.find((r) => r.parameter === 'hurdle_rate')!;
    const f = exampleFund();
    f.fee_structure.hurdle_rate = 0.1;
    expect(hurdle.metric_high).toBe(simulateFund(f, { paths: 80, seed: 21, granularity: 'quarterly' }).lp.irr.p50);
  });

  it('moves the LP median IRR in the economically expected direction', () => {
    const row = (p: string) => result.rows.find((r) => r.parameter === p)!;
    expect(row('appreciation_rate').metric_high).toBeGreaterThan(row('appreciation_rate').metric_low);
    expect(row('default_rate').metric_high).toBeLessThan(row('default_rate').metric_low);
    expect(row('management_fee_rate').metric_high).toBeLessThan(row('management_fee_rate').metric_low);
    // Origination fees go to the GP and are not fund cash: the LP IRR does not move.
    expect(row('origination_fee_rate').swing).toBe(0);
    expect(row('appreciation_rate').metric_low).toBeLessThan(result.base);
    expect(row('appreciation_rate').metric_high).toBeGreaterThan(result.base);
  });

  it('moves the LP IRR with the origination fee when the fund keeps the fee (so the parameter is applied)', () => {
    // Recipient "fund": the fee is fund income at origination, so a higher fee means
    // smaller calls for the same loans and a higher LP IRR; with recipient "gp" (above) the
    // same row has zero swing by construction.
    const f = exampleFund();
    f.fee_structure.origination_fee_recipient = 'fund';
    const r = sensitivity(f, { parameters: [{ parameter: 'origination_fee_rate' }], paths: 60, seed: 21, granularity: 'quarterly' });
    const row = r.rows[0];
    expect(row.metric_low).toBeLessThan(r.base);
    expect(row.metric_high).toBeGreaterThan(r.base);
    expect(row.swing).toBeGreaterThan(0.001);
    const moved = (v: number) => applySensitivity(f, 'origination_fee_rate', v).fee_structure.origination_fee_rate;
    expect(moved(0.01)).toBeCloseTo(0.04, 12);
    expect(moved(-0.01)).toBeCloseTo(0.02, 12);
    expect(moved(-0.5)).toBe(0);
    expect(moved(0.5)).toBe(0.1);
  });

  it('applies shifts and multipliers to the named fields and keeps them in range', () => {
    const f = applySensitivity(fund, 'volatility', 1.5);
    expect(f.zone_parameters.red.volatility).toBeCloseTo(0.18, 12);
    expect(fund.zone_parameters.red.volatility).toBe(0.12);
    expect(applySensitivity(fund, 'average_ltv', 0.5).loan_parameters.average_ltv).toBe(0.85);
    expect(applySensitivity(fund, 'management_fee_rate', -1).fee_structure.management_fee_rate).toBe(0);
  });

  it('rejects an unknown parameter naming its index and listing the valid ones', () => {
    const bad = () => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate' }, { parameter: 'colour' as 'hurdle_rate' }], paths: 10, seed: 1 });
    expectInputError(bad, 'parameters.1.parameter');
    expect(bad).toThrow(/^parameters\.1\.parameter: must be one of appreciation_rate, volatility, .*origination_fee_rate$/);
    expectInputError(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate', low: Number.NaN }], paths: 10, seed: 1 }), 'parameters.0.low');
    expectInputError(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate', high: Infinity }], paths: 10, seed: 1 }), 'parameters.0.high');
    expect(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate' }], paths: 0, seed: 1 })).toThrow(FinanceInputError);
  });
});
