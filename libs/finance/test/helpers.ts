import { expect } from 'vitest';
import { exampleFund, FinanceInputError } from '../src/index.js';
import type { Fund, Loan, Portfolio } from '../src/index.js';

/**
 * A tiny deterministic fund: one green zone with zero volatility, no defaults, no
 * property noise, no reinvestment, no expenses, annual distributions, 5-year term.
 */
export function tinyFund(overrides: { mu?: number; gp?: number; recipient?: 'gp' | 'fund' } = {}): Fund {
  const f = exampleFund();
  f.size = 1_000_000;
  f.term = 5;
  f.fee_structure = {
    ...f.fee_structure,
    management_fee_rate: 0.02,
    hurdle_rate: 0.08,
    performance_fee_rate: 0.2,
    origination_fee_rate: 0.03,
    catch_up_rate: 1,
    expense_rate: 0,
    setup_costs: 0,
    gp_commitment_rate: overrides.gp ?? 0,
    origination_fee_recipient: overrides.recipient ?? 'gp',
  };
  f.loan_parameters = {
    ...f.loan_parameters,
    interest_rate: 0.05,
    default_price_sensitivity: 0,
    property_volatility: 0,
    early_exit_probability: 0,
    exit_year_std_dev: 0,
  };
  for (const z of ['green', 'orange', 'red'] as const) {
    f.zone_parameters[z] = { appreciation_rate: overrides.mu ?? 0.05, volatility: 0, default_rate: 0, recovery_rate: 0.9 };
  }
  f.operations = { ...f.operations, reinvestment_period_years: 0, distribution_frequency: 'annual' };
  return f;
}

export function oneLoanPortfolio(loan: Partial<Loan> = {}): Portfolio {
  const l: Loan = {
    id: 'L1',
    loan_amount: 500_000,
    property_value: 1_000_000,
    ltv: 0.5,
    zone: 'green',
    appreciation_rate: 0.05,
    origination_year: 0,
    exit_year: 5,
    will_be_reinvested: false,
    ...loan,
  };
  return { loans: [l], metrics: { total_initial_value: l.property_value, total_loan_amount: l.loan_amount, average_ltv: l.ltv, weighted_appreciation_rate: 0.05, expected_irr: null, expected_multiple: 1 } };
}

/** Independent IRR by bisection on Σ f_t (1+r)^{−t} (t in years), for reference values in tests. */
export function bisectIrr(flows: number[], times: number[] = flows.map((_, i) => i)): number {
  const npv = (r: number) => flows.reduce((s, f, i) => s + f / Math.pow(1 + r, times[i]), 0);
  let lo = -0.99;
  let hi = 10;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (npv(lo) * npv(mid) <= 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

export const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);

/** Asserts that `fn` throws a FinanceInputError naming `field`. */
export function expectInputError(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FinanceInputError);
    expect((e as FinanceInputError).field).toBe(field);
    return;
  }
  throw new Error(`expected FinanceInputError on ${field}`);
}
