import { FinanceInputError } from './errors.js';
import type { Fund, Zone } from './types.js';
import { SCENARIO_NAMES, ZONES } from './types.js';
import { checkCatchUpRate } from './waterfall.js';

/**
 * The $100M default fund of MODEL.md with every parameter at its documented default
 * (`avg_loan_size` explicit at 250,000). Returns a fresh object each call.
 */
export function exampleFund(): Fund {
  return {
    name: 'Equihome Fund I (example)',
    size: 100_000_000,
    term: 10,
    type: 'home_equity',
    vintage_year: 2025,
    fee_structure: {
      management_fee_rate: 0.02,
      hurdle_rate: 0.08,
      performance_fee_rate: 0.2,
      origination_fee_rate: 0.03,
      catch_up_rate: 1,
      management_fee_basis: 'committed',
      fee_step_down: null,
      expense_rate: 0.005,
      setup_costs: 250_000,
      origination_fee_recipient: 'gp',
      gp_commitment_rate: 0.05,
      waterfall_structure: 'european',
    },
    capital_calls: [],
    loan_parameters: {
      average_property_value: 384_615.38,
      average_ltv: 0.65,
      max_ltv: 0.85,
      min_ltv: 0.4,
      ltv_std_dev: 0.05,
      avg_loan_size: 250_000,
      loan_size_std_dev: 50_000,
      min_loan_size: 100_000,
      max_loan_size: 500_000,
      interest_rate: 0.05,
      loan_term_years: 10,
      appreciation_share_method: 'ltv',
      appreciation_share_rate: 0.5,
      downside_protection: false,
      zone_allocations: { green: 0.6, orange: 0.3, red: 0.1 },
      early_exit_probability: 0.3,
      min_hold_years: 1,
      avg_exit_year: 7,
      exit_year_std_dev: 1.5,
      default_price_sensitivity: 5,
      foreclosure_months: 12,
      property_volatility: 0.05,
    },
    zone_parameters: {
      green: { appreciation_rate: 0.05, volatility: 0.08, default_rate: 0.01, recovery_rate: 0.9 },
      orange: { appreciation_rate: 0.03, volatility: 0.1, default_rate: 0.03, recovery_rate: 0.8 },
      red: { appreciation_rate: 0.01, volatility: 0.12, default_rate: 0.05, recovery_rate: 0.7 },
    },
    zone_correlations: { green_orange: 0.8, green_red: 0.7, orange_red: 0.8 },
    operations: {
      deployment_ratio: 0.85,
      deployment_period_years: 3,
      reinvestment_period_years: 5,
      min_reinvestment: 100_000,
      distribution_frequency: 'quarterly',
      cash_reserve_rate: 0,
      liquidation_discount: 0,
    },
    scenario: { name: 'base', shocks: [] },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) throw new FinanceInputError(field, 'must be an object');
  return v;
}

function num(v: unknown, field: string, min: number, max: number, opts: { int?: boolean; gt?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FinanceInputError(field, `must be a finite number, got ${String(v)}`);
  if (opts.gt ? v <= min : v < min) throw new FinanceInputError(field, `must be ${opts.gt ? '>' : '≥'} ${min}, got ${v}`);
  if (v > max) throw new FinanceInputError(field, `must be ≤ ${max}, got ${v}`);
  if (opts.int && !Number.isInteger(v)) throw new FinanceInputError(field, `must be an integer, got ${v}`);
  return v;
}

function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) throw new FinanceInputError(field, `must be one of ${values.join(', ')}, got ${String(v)}`);
  return v as T;
}

const ZONE_SUM_TOLERANCE = 1e-9;

/** Parses an ISO date/date-time to a day number (UTC days since 1970-01-01), or throws naming the field. */
export function isoDay(v: unknown, field: string): number {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw new FinanceInputError(field, `must be an ISO date, got ${String(v)}`);
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) throw new FinanceInputError(field, `must be an ISO date, got ${v}`);
  return Math.floor(ms / 86_400_000);
}

/**
 * Validates every field the engine uses, with the same ranges and cross-field rules as
 * the domain schema. Throws {@link FinanceInputError} naming the first offending field.
 */
export function validateFund(fund: Fund): void {
  const f = obj(fund, 'fund');
  num(f.size, 'size', 0, 1e12, { gt: true });
  num(f.term, 'term', 1, 30, { int: true });
  num(f.vintage_year, 'vintage_year', 1990, 2100, { int: true });
  if (f.time_horizon !== undefined && f.time_horizon !== null) {
    num(f.time_horizon, 'time_horizon', 1, 30, { int: true });
    if ((f.time_horizon as number) < (f.term as number)) throw new FinanceInputError('time_horizon', 'must be at least the term');
  }
  const fs = obj(f.fee_structure, 'fee_structure');
  num(fs.management_fee_rate, 'fee_structure.management_fee_rate', 0, 0.1);
  num(fs.hurdle_rate, 'fee_structure.hurdle_rate', 0, 0.5);
  const carry = num(fs.performance_fee_rate, 'fee_structure.performance_fee_rate', 0, 0.5);
  num(fs.origination_fee_rate, 'fee_structure.origination_fee_rate', 0, 0.1);
  checkCatchUpRate(num(fs.catch_up_rate, 'fee_structure.catch_up_rate', 0, 1), carry, 'fee_structure.catch_up_rate');
  oneOf(fs.management_fee_basis, 'fee_structure.management_fee_basis', ['committed', 'invested', 'nav']);
  if (fs.fee_step_down !== null && fs.fee_step_down !== undefined) {
    const sd = obj(fs.fee_step_down, 'fee_structure.fee_step_down');
    num(sd.after_year, 'fee_structure.fee_step_down.after_year', 0, 30);
    num(sd.rate, 'fee_structure.fee_step_down.rate', 0, 0.1);
  }
  num(fs.expense_rate, 'fee_structure.expense_rate', 0, 0.05);
  num(fs.setup_costs, 'fee_structure.setup_costs', 0, Number.MAX_VALUE);
  oneOf(fs.origination_fee_recipient, 'fee_structure.origination_fee_recipient', ['gp', 'fund']);
  num(fs.gp_commitment_rate, 'fee_structure.gp_commitment_rate', 0, 0.5);
  oneOf(fs.waterfall_structure, 'fee_structure.waterfall_structure', ['european', 'american']);
  if (fs.hurdle_type !== undefined) oneOf(fs.hurdle_type, 'fee_structure.hurdle_type', ['irr', 'multiple']);
  if (fs.hurdle_multiple !== undefined) {
    num(fs.hurdle_multiple, 'fee_structure.hurdle_multiple', 1, 10);
    if (fs.hurdle_type !== 'multiple') throw new FinanceInputError('fee_structure.hurdle_multiple', 'is only used with hurdle_type "multiple"');
  } else if (fs.hurdle_type === 'multiple') throw new FinanceInputError('fee_structure.hurdle_multiple', 'is required with hurdle_type "multiple"');
  if (fs.management_fee_offset_rate !== undefined) num(fs.management_fee_offset_rate, 'fee_structure.management_fee_offset_rate', 0, 1);

  if (f.leverage !== undefined) {
    const lev = obj(f.leverage, 'leverage');
    if (lev.subscription_line !== undefined) {
      const sl = obj(lev.subscription_line, 'leverage.subscription_line');
      num(sl.size, 'leverage.subscription_line.size', 0, 1e12, { gt: true });
      num(sl.rate, 'leverage.subscription_line.rate', 0, 0.3);
      num(sl.unused_fee, 'leverage.subscription_line.unused_fee', 0, 0.05);
      num(sl.max_days_outstanding, 'leverage.subscription_line.max_days_outstanding', 1, 3650, { int: true });
    }
    if (lev.nav_facility !== undefined) {
      const nf = obj(lev.nav_facility, 'leverage.nav_facility');
      num(nf.max_ltv, 'leverage.nav_facility.max_ltv', 0, 0.8, { gt: true });
      num(nf.rate, 'leverage.nav_facility.rate', 0, 0.3);
      num(nf.term, 'leverage.nav_facility.term', 0, 30, { gt: true });
    }
  }
  if (f.closes !== undefined) {
    if (!Array.isArray(f.closes)) throw new FinanceInputError('closes', 'must be an array');
    const day0 = isoDay(`${f.vintage_year as number}-01-01`, 'vintage_year');
    let prev = day0;
    let later = 0;
    (f.closes as unknown[]).forEach((c, i) => {
      const close = obj(c, `closes.${i}`);
      const day = isoDay(close.date, `closes.${i}.date`);
      if (day <= prev) throw new FinanceInputError(`closes.${i}.date`, i === 0 ? 'must be after the first close (1 January of the vintage year)' : 'closes must be in increasing date order');
      if ((day - day0) / 365 >= (f.term as number)) throw new FinanceInputError(`closes.${i}.date`, 'must be before the end of the term');
      prev = day;
      later += num(close.amount, `closes.${i}.amount`, 0, Number.MAX_VALUE, { gt: true });
    });
    if (!(later < (f.size as number))) throw new FinanceInputError('closes', 'later closes must leave a first close (their amounts sum below the fund size)');
  }
  if (fs.equalisation_rate !== undefined) num(fs.equalisation_rate, 'fee_structure.equalisation_rate', 0, 0.3);
  if (!Array.isArray(f.capital_calls)) throw new FinanceInputError('capital_calls', 'must be an array');
  let called = 0;
  (f.capital_calls as unknown[]).forEach((c, i) => {
    const call = obj(c, `capital_calls.${i}`);
    isoDay(call.date, `capital_calls.${i}.date`);
    called += num(call.amount, `capital_calls.${i}.amount`, 0, Number.MAX_VALUE, { gt: true });
  });
  if (called > (f.size as number) * (1 + 1e-12)) throw new FinanceInputError('capital_calls', 'capital calls must not exceed the fund size');

  const lp = obj(f.loan_parameters, 'loan_parameters');
  const p = 'loan_parameters.';
  num(lp.average_property_value, p + 'average_property_value', 0, Number.MAX_VALUE, { gt: true });
  const avgLtv = num(lp.average_ltv, p + 'average_ltv', 0.01, 1);
  const maxLtv = num(lp.max_ltv, p + 'max_ltv', 0.01, 1);
  const minLtv = num(lp.min_ltv, p + 'min_ltv', 0.01, 1);
  num(lp.ltv_std_dev, p + 'ltv_std_dev', 0, 0.5);
  if (lp.avg_loan_size !== undefined && lp.avg_loan_size !== null) num(lp.avg_loan_size, p + 'avg_loan_size', 0, Number.MAX_VALUE, { gt: true });
  num(lp.loan_size_std_dev, p + 'loan_size_std_dev', 0, Number.MAX_VALUE);
  const minSize = num(lp.min_loan_size, p + 'min_loan_size', 0, Number.MAX_VALUE, { gt: true });
  const maxSize = num(lp.max_loan_size, p + 'max_loan_size', 0, Number.MAX_VALUE, { gt: true });
  num(lp.interest_rate, p + 'interest_rate', 0, 0.3);
  const loanTerm = num(lp.loan_term_years, p + 'loan_term_years', 1, 30, { int: true });
  oneOf(lp.appreciation_share_method, p + 'appreciation_share_method', ['ltv', 'fixed']);
  num(lp.appreciation_share_rate, p + 'appreciation_share_rate', 0, 1);
  if (typeof lp.downside_protection !== 'boolean') throw new FinanceInputError(p + 'downside_protection', 'must be a boolean');
  const za = obj(lp.zone_allocations, p + 'zone_allocations');
  let sum = 0;
  for (const z of ZONES) sum += num(za[z], `${p}zone_allocations.${z}`, 0, 1);
  if (Math.abs(sum - 1) > ZONE_SUM_TOLERANCE) throw new FinanceInputError(p + 'zone_allocations', `zone allocations must sum to 1 (got ${sum})`);
  num(lp.early_exit_probability, p + 'early_exit_probability', 0, 1);
  const minHold = num(lp.min_hold_years, p + 'min_hold_years', 0, 30);
  num(lp.avg_exit_year, p + 'avg_exit_year', 0, 30);
  num(lp.exit_year_std_dev, p + 'exit_year_std_dev', 0, 30);
  num(lp.default_price_sensitivity, p + 'default_price_sensitivity', 0, 100);
  num(lp.foreclosure_months, p + 'foreclosure_months', 0, 120, { int: true });
  num(lp.property_volatility, p + 'property_volatility', 0, 1);
  if (avgLtv > maxLtv) throw new FinanceInputError(p + 'average_ltv', 'average_ltv must not exceed max_ltv');
  if (minLtv > avgLtv) throw new FinanceInputError(p + 'min_ltv', 'min_ltv must not exceed average_ltv');
  if (minSize > maxSize) throw new FinanceInputError(p + 'min_loan_size', 'min_loan_size must not exceed max_loan_size');
  if (minHold > loanTerm) throw new FinanceInputError(p + 'min_hold_years', 'min_hold_years must not exceed loan_term_years');

  const zp = obj(f.zone_parameters, 'zone_parameters');
  for (const z of ZONES) {
    const q = obj(zp[z], `zone_parameters.${z}`);
    num(q.appreciation_rate, `zone_parameters.${z}.appreciation_rate`, -0.5, 0.5);
    num(q.volatility, `zone_parameters.${z}.volatility`, 0, 1);
    num(q.default_rate, `zone_parameters.${z}.default_rate`, 0, 1);
    num(q.recovery_rate, `zone_parameters.${z}.recovery_rate`, 0, 1);
  }
  const zc = obj(f.zone_correlations, 'zone_correlations');
  const go = num(zc.green_orange, 'zone_correlations.green_orange', -1, 1);
  const gr = num(zc.green_red, 'zone_correlations.green_red', -1, 1);
  const or = num(zc.orange_red, 'zone_correlations.orange_red', -1, 1);
  // Positive semi-definite 3×3 correlation matrix: determinant ≥ 0 (with unit diagonal and |ρ| ≤ 1).
  const det = 1 + 2 * go * gr * or - go * go - gr * gr - or * or;
  if (det < -1e-12) throw new FinanceInputError('zone_correlations', 'correlation matrix must be positive semi-definite');

  const op = obj(f.operations, 'operations');
  num(op.deployment_ratio, 'operations.deployment_ratio', 0.01, 1);
  num(op.deployment_period_years, 'operations.deployment_period_years', 0, 30, { gt: true });
  num(op.reinvestment_period_years, 'operations.reinvestment_period_years', 0, 30);
  num(op.min_reinvestment, 'operations.min_reinvestment', 0, Number.MAX_VALUE);
  oneOf(op.distribution_frequency, 'operations.distribution_frequency', ['monthly', 'quarterly', 'annual']);
  num(op.cash_reserve_rate, 'operations.cash_reserve_rate', 0, 1);
  num(op.liquidation_discount, 'operations.liquidation_discount', 0, 1);
  if (op.recallable_cap_rate !== undefined) num(op.recallable_cap_rate, 'operations.recallable_cap_rate', 0, 1);

  const sc = obj(f.scenario, 'scenario');
  oneOf(sc.name, 'scenario.name', SCENARIO_NAMES);
  if (!Array.isArray(sc.shocks)) throw new FinanceInputError('scenario.shocks', 'must be an array');
  (sc.shocks as unknown[]).forEach((s, i) => {
    const q = 'scenario.shocks.' + i + '.';
    const sh = obj(s, `scenario.shocks.${i}`);
    const from = num(sh.from_month, q + 'from_month', 0, 10_000, { int: true });
    const to = num(sh.to_month, q + 'to_month', 0, 10_000, { int: true });
    if (to < from) throw new FinanceInputError(q + 'to_month', 'to_month must not be before from_month');
    if (sh.zone !== undefined) oneOf(sh.zone, q + 'zone', ZONES);
    num(sh.drift_add, q + 'drift_add', -5, 5);
    num(sh.vol_mult, q + 'vol_mult', 0, 10);
    num(sh.default_mult, q + 'default_mult', 0, 100);
  });
}

/** Mean advance (dollars): `avg_loan_size`, or `average_property_value × average_ltv` when absent. */
export function meanAdvance(fund: Fund): number {
  const lp = fund.loan_parameters;
  return lp.avg_loan_size ?? lp.average_property_value * lp.average_ltv;
}

/** Appreciation share s of a loan with the given ltv. */
export function appreciationShare(fund: Fund, ltv: number): number {
  const lp = fund.loan_parameters;
  return lp.appreciation_share_method === 'ltv' ? ltv : lp.appreciation_share_rate;
}

export function zoneIndex(zone: Zone): number {
  return zone === 'green' ? 0 : zone === 'orange' ? 1 : 2;
}
