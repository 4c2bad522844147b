import { describe, expect, it } from 'vitest';
import { exampleFund, FinanceInputError, generatePortfolio, portfolioMetrics, simulateFund, simulatePath, validateFund } from '../src/index.js';
import type { Fund, Loan } from '../src/index.js';
import { expectInputError, oneLoanPortfolio } from './helpers.js';

// The ranges validateFund enforces (MODEL.md parameters, same as the domain schema). Each
// row: dotted field, values rejected naming that field, values at the edges accepted.
type Row = [field: string, bad: unknown[], ok: unknown[]];
const NAN = Number.NaN;
const rows: Row[] = [
  ['size', [0, -1, 1e12 + 1, NAN, '5'], [1, 1e12]],
  ['term', [0, 31, 7.5, NAN], [1, 30]],
  ['vintage_year', [1989, 2101, 2020.5], [1990, 2100]],
  ['time_horizon', [0, 31, 10.5, 9], [10, 30, null, undefined]],
  ['fee_structure.management_fee_rate', [-0.001, 0.101, NAN], [0, 0.1]],
  ['fee_structure.hurdle_rate', [-0.001, 0.501], [0, 0.5]],
  ['fee_structure.performance_fee_rate', [-0.001, 0.501], [0, 0.5]],
  ['fee_structure.origination_fee_rate', [-0.001, 0.101], [0, 0.1]],
  ['fee_structure.catch_up_rate', [-0.001, 1.001, 0.2], [0, 1]],
  ['fee_structure.management_fee_basis', ['assets', 1], ['committed', 'invested', 'nav']],
  ['fee_structure.fee_step_down', [5, 'x'], [null, undefined, { after_year: 3, rate: 0.01 }]],
  ['fee_structure.fee_step_down.after_year', [{ after_year: -1, rate: 0.01 }, { after_year: 31, rate: 0.01 }], [{ after_year: 0, rate: 0 }, { after_year: 30, rate: 0.1 }]],
  ['fee_structure.fee_step_down.rate', [{ after_year: 3, rate: -0.001 }, { after_year: 3, rate: 0.101 }], []],
  ['fee_structure.expense_rate', [-0.001, 0.051], [0, 0.05]],
  ['fee_structure.setup_costs', [-1, Infinity], [0]],
  ['fee_structure.origination_fee_recipient', ['lp'], ['gp', 'fund']],
  ['fee_structure.gp_commitment_rate', [-0.001, 0.501], [0, 0.5]],
  ['fee_structure.waterfall_structure', ['asian'], ['european', 'american']],
  ['fee_structure', [null, 5, []], []],
  ['capital_calls', [{}, 'x'], [[]]],
  ['capital_calls.0', [[5], [null]], []],
  ['capital_calls.0.date', [[{ date: 'soon', amount: 1 }], [{ date: 20250101, amount: 1 }], [{ date: '2025-13-45', amount: 1 }], [{ date: '2025-01-1', amount: 1 }], [{ date: 'x2025-01-01', amount: 1 }]], [[{ date: '2025-03-31T12:00:00Z', amount: 1 }]]],
  ['capital_calls.0.amount', [[{ date: '2025-01-01', amount: 0 }], [{ date: '2025-01-01', amount: -5 }]], []],
  ['capital_calls', [[{ date: '2025-01-01', amount: 60_000_000 }, { date: '2026-01-01', amount: 40_000_001 }]], [[{ date: '2025-01-01', amount: 60_000_000 }, { date: '2026-01-01', amount: 40_000_000 }]]],
  ['loan_parameters.average_property_value', [0, -1], [1]],
  ['loan_parameters.average_ltv', [0.009, 1.01, 0.9], [0.85]],
  ['loan_parameters.max_ltv', [0.009, 1.01], [1]],
  ['loan_parameters.min_ltv', [0.009, 1.01, 0.7], [0.01, 0.65]],
  ['loan_parameters.ltv_std_dev', [-0.01, 0.51], [0, 0.5]],
  ['loan_parameters.avg_loan_size', [0, -1], [1, undefined, null]],
  ['loan_parameters.loan_size_std_dev', [-1], [0]],
  ['loan_parameters.min_loan_size', [0, 600_000], [500_000]],
  ['loan_parameters.max_loan_size', [0], []],
  ['loan_parameters.interest_rate', [-0.01, 0.31], [0, 0.3]],
  ['loan_parameters.loan_term_years', [0, 31, 9.5], [1, 30]],
  ['loan_parameters.appreciation_share_method', ['half'], ['ltv', 'fixed']],
  ['loan_parameters.appreciation_share_rate', [-0.01, 1.01], [0, 1]],
  ['loan_parameters.downside_protection', [1, 'yes', null], [true, false]],
  ['loan_parameters.zone_allocations', [{ green: 0.5, orange: 0.3, red: 0.1 }, { green: 0.6, orange: 0.3, red: 0.1 + 2e-9 }, null], [{ green: 1, orange: 0, red: 0 }]],
  ['loan_parameters.zone_allocations.green', [{ green: -0.1, orange: 0.6, red: 0.5 }, { green: 1.1, orange: -0.1, red: 0 }], []],
  ['loan_parameters.early_exit_probability', [-0.01, 1.01], [0, 1]],
  ['loan_parameters.min_hold_years', [-0.01, 11], [0]],
  ['loan_parameters.avg_exit_year', [-0.01, 30.01], [0, 30]],
  ['loan_parameters.exit_year_std_dev', [-0.01, 30.01], [0, 30]],
  ['loan_parameters.default_price_sensitivity', [-0.01, 100.01], [0, 100]],
  ['loan_parameters.foreclosure_months', [-1, 121, 6.5], [0, 120]],
  ['loan_parameters.property_volatility', [-0.01, 1.01], [0, 1]],
  ['loan_parameters', [undefined, 'x'], []],
  ['zone_parameters.red.appreciation_rate', [-0.51, 0.51], [-0.5, 0.5]],
  ['zone_parameters.orange.volatility', [-0.01, 1.01], [0, 1]],
  ['zone_parameters.green.default_rate', [-0.01, 1.01], [0, 1]],
  ['zone_parameters.green.recovery_rate', [-0.01, 1.01], [0, 1]],
  ['zone_parameters.red', [null], []],
  ['zone_parameters', [null], []],
  ['zone_correlations', [null], []],
  ['operations', [null], []],
  ['scenario', [null], []],
  ['zone_correlations.green_orange', [-1.01, 1.01], [0.5]],
  ['zone_correlations.green_red', [-1.01, 1.01], [1]],
  ['zone_correlations.orange_red', [-1.01, 1.01], [0.9]],
  ['operations.deployment_ratio', [0.009, 1.01], [0.01, 1]],
  ['operations.deployment_period_years', [0, 30.01], [30]],
  ['operations.reinvestment_period_years', [-0.01, 30.01], [0, 30]],
  ['operations.min_reinvestment', [-1], [0]],
  ['operations.distribution_frequency', ['weekly'], ['monthly', 'quarterly', 'annual']],
  ['operations.cash_reserve_rate', [-0.01, 1.01], [0, 1]],
  ['operations.liquidation_discount', [-0.01, 1.01], [0, 1]],
  ['scenario.name', ['crash', 'hpa_decline_50'], ['base', 'gfc', 'stagnation', 'hpa_decline_10', 'hpa_decline_25', 'valuation_haircut_10', 'rate_shock', 'custom']],
  ['scenario.shocks', [null, {}], [[]]],
];

/** Sets a dotted path (`a.b.c`) of the fund; `fee_structure.fee_step_down.x` rows pass the whole step-down object. */
function withField(field: string, value: unknown): Fund {
  const f = exampleFund() as unknown as Record<string, unknown>;
  const path = field.startsWith('fee_structure.fee_step_down.') ? ['fee_structure', 'fee_step_down'] : field.startsWith('capital_calls.') ? ['capital_calls'] : field.split('.');
  let o = f;
  for (const key of path.slice(0, -1)) o = o[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (field === 'loan_parameters.zone_allocations.green') o[last] = value;
  else if (value === undefined) delete o[last];
  else o[last] = value;
  return f as unknown as Fund;
}

describe('validateFund ranges (one row per field)', () => {
  for (const [field, bad, ok] of rows) {
    it(`rejects bad ${field} naming it and accepts the edges of its range`, () => {
      const target = field === 'loan_parameters.zone_allocations.green' ? 'loan_parameters.zone_allocations' : field;
      for (const v of bad) expectInputError(() => validateFund(withField(target, v)), field);
      for (const v of ok) expect(() => validateFund(withField(target, v)), `${field} = ${JSON.stringify(v)}`).not.toThrow();
    });
  }

  it('rejects a non-object fund and an indefinite correlation matrix, accepts a semi-definite one', () => {
    expectInputError(() => validateFund(null as unknown as Fund), 'fund');
    expectInputError(() => validateFund([] as unknown as Fund), 'fund');
    const f = exampleFund();
    f.zone_correlations = { green_orange: 1, green_red: 1, orange_red: 1 }; // rank one: det 0
    expect(() => validateFund(f)).not.toThrow();
    f.zone_correlations = { green_orange: 1, green_red: 1, orange_red: 0.99 };
    expectInputError(() => validateFund(f), 'zone_correlations');
  });

  it('validates every scenario shock field', () => {
    const shock = { from_month: 0, to_month: 12, drift_add: 0, vol_mult: 1, default_mult: 1 };
    const cases: [Record<string, unknown>, string][] = [
      [{ from_month: -1 }, 'from_month'],
      [{ from_month: 1.5 }, 'from_month'],
      [{ from_month: 10_001 }, 'from_month'],
      [{ to_month: 10_001 }, 'to_month'],
      [{ to_month: 2.5 }, 'to_month'],
      [{ zone: 'blue' }, 'zone'],
      [{ drift_add: -5.1 }, 'drift_add'],
      [{ drift_add: 5.1 }, 'drift_add'],
      [{ vol_mult: -0.1 }, 'vol_mult'],
      [{ vol_mult: 10.1 }, 'vol_mult'],
      [{ default_mult: -0.1 }, 'default_mult'],
      [{ default_mult: 100.1 }, 'default_mult'],
    ];
    for (const [patch, name] of cases) {
      const f = exampleFund();
      f.scenario = { name: 'custom', shocks: [shock, { ...shock, ...patch } as typeof shock] };
      expectInputError(() => validateFund(f), `scenario.shocks.1.${name}`);
    }
    const f = exampleFund();
    f.scenario = { name: 'custom', shocks: [null as unknown as typeof shock] };
    expectInputError(() => validateFund(f), 'scenario.shocks.0');
    f.scenario = { name: 'custom', shocks: [{ ...shock, from_month: 12, to_month: 12, zone: 'red', drift_add: -5, vol_mult: 10, default_mult: 100 }] };
    expect(() => validateFund(f)).not.toThrow();
  });

  it('states the cross-field rule in the message', () => {
    const cases: [(f: Fund) => void, string][] = [
      [(f) => (f.fee_structure = null as unknown as Fund['fee_structure']), 'fee_structure: must be an object'],
      [(f) => (f.time_horizon = 5), 'time_horizon: must be at least the term'],
      [(f) => (f.capital_calls = {} as unknown as []), 'capital_calls: must be an array'],
      [(f) => (f.capital_calls = [{ date: '2025-01-01', amount: 1e8 + 1 }]), 'capital_calls: capital calls must not exceed the fund size'],
      [(f) => (f.capital_calls = [{ date: '2025-13-45', amount: 1 }]), 'capital_calls.0.date: must be an ISO date, got 2025-13-45'],
      [(f) => (f.capital_calls = [{ date: 'soon', amount: 1 }]), 'capital_calls.0.date: must be an ISO date, got soon'],
      [(f) => ((f.loan_parameters as { downside_protection: unknown }).downside_protection = 'no'), 'loan_parameters.downside_protection: must be a boolean'],
      [(f) => (f.loan_parameters.zone_allocations.green = 0.5), 'loan_parameters.zone_allocations: zone allocations must sum to 1 (got 0.9)'],
      [(f) => (f.loan_parameters.average_ltv = 0.9), 'loan_parameters.average_ltv: average_ltv must not exceed max_ltv'],
      [(f) => (f.loan_parameters.min_ltv = 0.7), 'loan_parameters.min_ltv: min_ltv must not exceed average_ltv'],
      [(f) => (f.loan_parameters.min_loan_size = 600_000), 'loan_parameters.min_loan_size: min_loan_size must not exceed max_loan_size'],
      [(f) => (f.loan_parameters.min_hold_years = 11), 'loan_parameters.min_hold_years: min_hold_years must not exceed loan_term_years'],
      [(f) => (f.zone_correlations = { green_orange: 0.9, green_red: 0.1, orange_red: 0.9 }), 'zone_correlations: correlation matrix must be positive semi-definite'],
      [(f) => (f.scenario = { name: 'custom', shocks: {} as unknown as [] }), 'scenario.shocks: must be an array'],
      [(f) => (f.scenario = { name: 'custom', shocks: [{ from_month: 9, to_month: 3, drift_add: 0, vol_mult: 1, default_mult: 1 }] }), 'scenario.shocks.0.to_month: to_month must not be before from_month'],
    ];
    for (const [mutate, message] of cases) {
      const f = exampleFund();
      mutate(f);
      expect(() => validateFund(f)).toThrow(message);
    }
    // Semi-definite and definite matrices with unequal correlations are accepted.
    const ok = exampleFund();
    ok.zone_correlations = { green_orange: 0.6, green_red: 0.3, orange_red: 0.2 };
    expect(() => validateFund(ok)).not.toThrow();
  });

  it('states the violated bound in the message', () => {
    const f = exampleFund();
    f.size = 0;
    expect(() => validateFund(f)).toThrow('size: must be > 0, got 0');
    f.size = 1e13;
    expect(() => validateFund(f)).toThrow('size: must be ≤ 1000000000000, got 10000000000000');
    const g = exampleFund();
    g.term = 0;
    expect(() => validateFund(g)).toThrow('term: must be ≥ 1, got 0');
    g.term = 2.5;
    expect(() => validateFund(g)).toThrow('term: must be an integer, got 2.5');
    const h = exampleFund();
    h.fee_structure.hurdle_rate = Number.NaN;
    expect(() => validateFund(h)).toThrow('fee_structure.hurdle_rate: must be a finite number, got NaN');
    const k = exampleFund();
    (k.fee_structure as { management_fee_basis: string }).management_fee_basis = 'x';
    expect(() => validateFund(k)).toThrow('fee_structure.management_fee_basis: must be one of committed, invested, nav, got x');
  });
});

describe('validateLoans (portfolio given to the engine or to portfolioMetrics)', () => {
  const fund = exampleFund();
  const loan = (patch: Partial<Record<keyof Loan, unknown>>) => ({ ...oneLoanPortfolio().loans[0], ...patch }) as Loan;
  it('names the offending loan field', () => {
    const cases: [Partial<Record<keyof Loan, unknown>>, string][] = [
      [{ loan_amount: 0 }, 'loan_amount'],
      [{ loan_amount: Infinity }, 'loan_amount'],
      [{ property_value: -1 }, 'property_value'],
      [{ property_value: '1' }, 'property_value'],
      [{ ltv: 0 }, 'ltv'],
      [{ ltv: 1.01 }, 'ltv'],
      [{ ltv: '0.5' }, 'ltv'],
      [{ zone: 'blue' }, 'zone'],
      [{ origination_year: -0.1 }, 'origination_year'],
      [{ origination_year: 30.1 }, 'origination_year'],
      [{ origination_year: '1' }, 'origination_year'],
      [{ exit_year: 60.1 }, 'exit_year'],
      [{ origination_year: 3, exit_year: 2 }, 'exit_year'],
      [{ exit_year: null }, 'exit_year'],
    ];
    for (const [patch, name] of cases) expectInputError(() => portfolioMetrics(fund, [loan({}), loan(patch)]), `loans.1.${name}`);
    expectInputError(() => portfolioMetrics(fund, [null as unknown as Loan]), 'loans.0');
    expectInputError(() => portfolioMetrics(fund, {} as unknown as Loan[]), 'loans');
    expectInputError(() => simulateFund(fund, { paths: 1, seed: 1, granularity: 'yearly', portfolio: null as unknown as ReturnType<typeof oneLoanPortfolio> }), 'portfolio');
    // Edges accepted: ltv 1, origination 0 and 30, exit at origination and at year 60.
    expect(() => portfolioMetrics(fund, [loan({ ltv: 1, origination_year: 30, exit_year: 60 }), loan({ origination_year: 0, exit_year: 0 })])).not.toThrow();
  });
});

describe('simulation options', () => {
  const fund = exampleFund();
  const run = (o: Record<string, unknown>) => () => simulateFund(fund, { paths: 10, seed: 1, granularity: 'yearly', ...o } as Parameters<typeof simulateFund>[1]);
  it('names the offending option', () => {
    expectInputError(() => simulateFund(fund, null as unknown as Parameters<typeof simulateFund>[1]), 'options');
    expectInputError(run({ paths: 1.5 }), 'paths');
    expectInputError(run({ paths: 100_000_001 }), 'paths');
    expectInputError(run({ paths: '10' }), 'paths');
    expectInputError(run({ seed: 2 ** 53 }), 'seed');
    expectInputError(run({ granularity: 'daily' }), 'granularity');
    expectInputError(run({ path_range: [0] }), 'path_range');
    expectInputError(run({ path_range: 'all' }), 'path_range');
    expectInputError(run({ path_range: [-1, 5] }), 'path_range.0');
    expectInputError(run({ path_range: [6, 5] }), 'path_range.1');
    expectInputError(run({ path_range: [0, 11] }), 'path_range.1');
    expect(run({ path_range: [10, 10] })).not.toThrow();
    expectInputError(() => simulatePath(fund, { seed: 1, path: 100_000_001, granularity: 'yearly' }), 'path');
    expectInputError(() => simulatePath(fund, { seed: 1.5, path: 0, granularity: 'yearly' }), 'seed');
    expectInputError(() => simulatePath(fund, { seed: 1, path: 0, granularity: 'weekly' as 'yearly' }), 'granularity');
    expect(() => generatePortfolio(fund, { seed: 0.5 })).toThrow(FinanceInputError);
  });

  it('rejects non-object options and portfolios with a message', () => {
    expect(() => simulateFund(fund, 5 as unknown as Parameters<typeof simulateFund>[1])).toThrow('options: must be an object');
    expect(run({ portfolio: 5 })).toThrow('portfolio: must be an object');
    expect(run({ path_range: [1, 2, 3] })).toThrow('path_range: must be [start, end)');
    expectInputError(() => simulatePath(fund, undefined as unknown as Parameters<typeof simulatePath>[1]), 'seed');
  });

  it('states the allowed range of an integer option', () => {
    expect(run({ paths: 0 })).toThrow('paths: must be an integer in [1, 100000000], got 0');
    expect(run({ granularity: 'daily' })).toThrow('granularity: must be monthly, quarterly or yearly, got daily');
  });
});
