import { describe, expect, it } from 'vitest';
import { applySensitivity, exampleFund, FinanceInputError, sensitivity, simulateFund } from '../src/index.js';
import { expectInputError } from './helpers.js';

describe('sensitivity (tornado)', () => {
  const fund = exampleFund();
  // Computed inside each test (not at collection time), so mutation testing sees it.
  const tornado = () => sensitivity(fund, { parameters: [], paths: 80, seed: 21, granularity: 'quarterly' });

  it('covers the MODEL.md §9 parameter list by default, sorted by swing', () => {
    const result = tornado();
    expect(result.rows.map((r) => r.parameter).sort()).toStrictEqual(
      ['appreciation_rate', 'average_ltv', 'avg_exit_year', 'default_rate', 'hurdle_rate', 'management_fee_rate', 'origination_fee_rate', 'performance_fee_rate', 'volatility'].sort(),
    );
    for (let i = 1; i < result.rows.length; i++) expect(result.rows[i - 1].swing).toBeGreaterThanOrEqual(result.rows[i].swing);
  });

  it('uses the same seed for every run: the base equals a plain simulation', () => {
    const result = tornado();
    expect(result.base).toBe(simulateFund(fund, { paths: 80, seed: 21, granularity: 'quarterly' }).lp.irr.p50);
    for (const r of result.rows) expect(r.base).toBe(result.base);
    const hurdle = result.rows.find((r) => r.parameter === 'hurdle_rate')!;
    const f = exampleFund();
    f.fee_structure.hurdle_rate = 0.1;
    expect(hurdle.metric_high).toBe(simulateFund(f, { paths: 80, seed: 21, granularity: 'quarterly' }).lp.irr.p50);
  });

  it('moves the LP median IRR in the economically expected direction', () => {
    const result = tornado();
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

  it('reports the metric, the settings and |metric_high − metric_low| as swing, ties sorted by parameter name', () => {
    const r = sensitivity(fund, { parameters: [{ parameter: 'origination_fee_rate' }, { parameter: 'management_fee_rate', low: 0, high: 0 }, { parameter: 'appreciation_rate' }], paths: 20, seed: 4 });
    expect(r).toMatchObject({ metric: 'lp_net_irr_p50', paths: 20, seed: 4, granularity: 'monthly' });
    for (const row of r.rows) expect(row.swing).toBe(Math.abs(row.metric_high - row.metric_low));
    // Two zero swings (fee to the GP; a shift of 0) after the drift, by name.
    expect(r.rows.map((x) => x.parameter)).toStrictEqual(['appreciation_rate', 'management_fee_rate', 'origination_fee_rate']);
    expect(r.rows[0].swing).toBeGreaterThan(0);
    expect(r.rows[1]).toMatchObject({ kind: 'shift', low: 0, high: 0, swing: 0 });
  });

  it('moves each parameter in the named direction and keeps it in range', () => {
    const moved = (p: Parameters<typeof applySensitivity>[1], v: number) => applySensitivity(fund, p, v);
    expect(moved('appreciation_rate', 0.02).zone_parameters.red.appreciation_rate).toBeCloseTo(0.03, 12);
    expect(moved('appreciation_rate', 0.02).zone_parameters.green.appreciation_rate).toBeCloseTo(0.07, 12);
    expect(moved('appreciation_rate', -1).zone_parameters.green.appreciation_rate).toBe(-0.5);
    expect(moved('volatility', 0.5).zone_parameters.green.volatility).toBeCloseTo(0.04, 12);
    expect(moved('volatility', 100).zone_parameters.orange.volatility).toBe(1);
    expect(moved('default_rate', 2).zone_parameters.orange.default_rate).toBeCloseTo(0.06, 12);
    expect(moved('default_rate', 2).zone_parameters.green.default_rate).toBeCloseTo(0.02, 12);
    expect(moved('default_rate', 100).zone_parameters.red.default_rate).toBe(1);
    expect(moved('avg_exit_year', -2).loan_parameters.avg_exit_year).toBe(5);
    expect(moved('avg_exit_year', 40).loan_parameters.avg_exit_year).toBe(30);
    expect(moved('avg_exit_year', -40).loan_parameters.avg_exit_year).toBe(0);
    expect(moved('average_ltv', -0.1).loan_parameters.average_ltv).toBeCloseTo(0.55, 12);
    expect(moved('average_ltv', -1).loan_parameters.average_ltv).toBe(0.4);
    expect(moved('hurdle_rate', 0.02).fee_structure.hurdle_rate).toBeCloseTo(0.1, 12);
    expect(moved('hurdle_rate', 1).fee_structure.hurdle_rate).toBe(0.5);
    expect(moved('hurdle_rate', -1).fee_structure.hurdle_rate).toBe(0);
    expect(moved('performance_fee_rate', -0.05).fee_structure.performance_fee_rate).toBeCloseTo(0.15, 12);
    expect(moved('performance_fee_rate', 1).fee_structure.performance_fee_rate).toBe(0.5);
    expect(moved('management_fee_rate', 0.005).fee_structure.management_fee_rate).toBeCloseTo(0.025, 12);
    expect(moved('management_fee_rate', 1).fee_structure.management_fee_rate).toBe(0.1);
  });

  it('runs every parameter when the list is omitted', () => {
    expect(sensitivity(fund, { paths: 2, seed: 1, granularity: 'yearly' }).rows).toHaveLength(9);
  });

  it('rejects malformed options naming the field', () => {
    expectInputError(() => sensitivity(fund, null as unknown as Parameters<typeof sensitivity>[1]), 'options');
    expect(() => sensitivity(fund, 5 as unknown as Parameters<typeof sensitivity>[1])).toThrow('options: must be an object');
    expect(() => sensitivity(fund, { parameters: 'all' as unknown as [], paths: 10, seed: 1 })).toThrow('parameters: must be an array');
    expectInputError(() => sensitivity(fund, { parameters: 'all' as unknown as [], paths: 10, seed: 1 }), 'parameters');
    expectInputError(() => sensitivity(fund, { parameters: [null as unknown as { parameter: 'hurdle_rate' }], paths: 10, seed: 1 }), 'parameters.0.parameter');
    expectInputError(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate', low: '1' as unknown as number }], paths: 10, seed: 1 }), 'parameters.0.low');
    expect(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate', low: Number.NaN }], paths: 10, seed: 1 })).toThrow('parameters.0.low: must be a finite number');
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
