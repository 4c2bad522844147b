/**
 * Plain-data types of the finance library. `Fund`, `Loan`, `PortfolioMetrics` and
 * `Portfolio` mirror the output types of the zod schemas in `libs/domain` field for
 * field (snake_case JSON names), so a parsed domain document is assignable to them.
 * Money is in dollars, rates are decimals (0.05 = 5%), times are years from the fund's
 * first close unless stated otherwise.
 */

export type Zone = 'green' | 'orange' | 'red';
export const ZONES: readonly Zone[] = ['green', 'orange', 'red'];

export interface FeeStructure {
  management_fee_rate: number;
  hurdle_rate: number;
  /**
   * Annual simple interest later-close LPs pay on their share of earlier contributions
   * (`closes`); absent = `hurdle_rate`.
   */
  equalisation_rate?: number;
  /** Carried interest rate. */
  performance_fee_rate: number;
  origination_fee_rate: number;
  catch_up_rate: number;
  management_fee_basis: 'committed' | 'invested' | 'nav';
  fee_step_down: { after_year: number; rate: number } | null;
  expense_rate: number;
  setup_costs: number;
  origination_fee_recipient: 'gp' | 'fund';
  gp_commitment_rate: number;
  waterfall_structure: 'european' | 'american';
  /**
   * Optional terms (engine 2.0.0; absent = off, costing nothing): the hurdle as an annual
   * IRR (`irr`, the default, `hurdle_rate`) or as a multiple of contributions (`multiple`:
   * LPs receive `hurdle_multiple` × their contributions before carry).
   */
  hurdle_type?: 'irr' | 'multiple';
  /** LP receipts required before carry, as a multiple (≥ 1) of contributions; with `hurdle_type: 'multiple'` only. */
  hurdle_multiple?: number;
  /** Share (0–1) of the origination fees the GP receives that offsets (reduces) the management fee; default 0. */
  management_fee_offset_rate?: number;
}

export interface ZoneAllocations {
  green: number;
  orange: number;
  red: number;
}

export interface LoanParameters {
  average_property_value: number;
  average_ltv: number;
  max_ltv: number;
  min_ltv: number;
  ltv_std_dev: number;
  /** Mean advance (dollars); when absent, `average_property_value × average_ltv`. */
  avg_loan_size?: number;
  loan_size_std_dev: number;
  min_loan_size: number;
  max_loan_size: number;
  interest_rate: number;
  loan_term_years: number;
  appreciation_share_method: 'ltv' | 'fixed';
  appreciation_share_rate: number;
  downside_protection: boolean;
  zone_allocations: ZoneAllocations;
  early_exit_probability: number;
  min_hold_years: number;
  avg_exit_year: number;
  exit_year_std_dev: number;
  default_price_sensitivity: number;
  foreclosure_months: number;
  property_volatility: number;
}

export interface ZoneParameters {
  appreciation_rate: number;
  volatility: number;
  default_rate: number;
  recovery_rate: number;
}

export interface ZoneParameterSet {
  green: ZoneParameters;
  orange: ZoneParameters;
  red: ZoneParameters;
}

export interface ZoneCorrelations {
  green_orange: number;
  green_red: number;
  orange_red: number;
}

export interface Operations {
  deployment_ratio: number;
  deployment_period_years: number;
  reinvestment_period_years: number;
  min_reinvestment: number;
  distribution_frequency: 'monthly' | 'quarterly' | 'annual';
  cash_reserve_rate: number;
  liquidation_discount: number;
  /**
   * Recallable distributions (optional; absent or 0 = off): principal returned during the
   * reinvestment period is distributed and may be recalled for reinvestment, up to this
   * share of commitments in total (MODEL-NOTES).
   */
  recallable_cap_rate?: number;
}

export interface ScenarioShock {
  from_month: number;
  to_month: number;
  zone?: Zone;
  /** Added to the annual drift of the affected zone(s) during the shock. */
  drift_add: number;
  vol_mult: number;
  default_mult: number;
}

/** Named scenarios: the historical overlays, the stress library (MODEL-NOTES "Stress library") and `custom`. */
export const SCENARIO_NAMES = ['base', 'gfc', 'stagnation', 'hpa_decline_10', 'hpa_decline_25', 'valuation_haircut_10', 'rate_shock', 'custom'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  name: ScenarioName;
  shocks: ScenarioShock[];
}

export interface FundClose {
  /** ISO date, after the first close (1 January of the vintage year) and before the term. */
  date: string;
  amount: number;
}

export interface CapitalCall {
  /** ISO date (`2026-01-31`) or date-time. */
  date: string;
  amount: number;
}

/**
 * Subscription credit line (optional term): capital needs are drawn on the line instead of
 * called, each draw repaid by an LP call `max_days_outstanding` days later (all at the term
 * or wind-down); interest `rate` (annual, simple per period) on the balance and `unused_fee`
 * (annual) on the undrawn size are fund expenses.
 */
export interface SubscriptionLine {
  /** Line size, dollars. */
  size: number;
  rate: number;
  unused_fee: number;
  max_days_outstanding: number;
}

/** NAV facility: borrowing against the open loan book, used for reinvestment (MODEL-NOTES). */
export interface NavFacility {
  /** Maximum balance as a share of the open loan book at cost (0 < max_ltv ≤ 0.8). */
  max_ltv: number;
  /** Annual interest on the balance (a fund expense). */
  rate: number;
  /** Years from the first close during which it may be drawn; then it is repaid from every free dollar. */
  term: number;
}

/** Fund-level leverage (optional; absent = none). */
export interface Leverage {
  subscription_line?: SubscriptionLine;
  nav_facility?: NavFacility;
}

/** A fund, every model parameter filled (the output type of domain `FundInput`). */
export interface Fund {
  id?: string;
  version?: number;
  created_at?: string;
  updated_at?: string;
  name: string;
  /** Total commitments, dollars. */
  size: number;
  /** Fund life, years (integer). */
  term: number;
  type: string;
  vintage_year: number;
  time_horizon?: number;
  fee_structure: FeeStructure;
  capital_calls: CapitalCall[];
  /**
   * Later closes (optional; absent or empty = one close): each adds `amount` of the total
   * `size` at `date`; the first close holds the rest. Equalisation in MODEL-NOTES.
   */
  closes?: FundClose[];
  loan_parameters: LoanParameters;
  zone_parameters: ZoneParameterSet;
  zone_correlations: ZoneCorrelations;
  operations: Operations;
  scenario: Scenario;
  leverage?: Leverage;
}

/** A loan; `origination_year` / `exit_year` are fractional years from the first close. */
export interface Loan {
  id: string;
  /** The advance A = ltv × property_value, dollars. */
  loan_amount: number;
  property_value: number;
  ltv: number;
  zone: Zone;
  appreciation_rate: number;
  origination_year: number;
  exit_year: number;
  will_be_reinvested: boolean;
}

export interface PortfolioMetrics {
  total_initial_value: number;
  total_loan_amount: number;
  average_ltv: number;
  weighted_appreciation_rate: number;
  /** Gross IRR (annual) with every property at its zone drift, no defaults, no fees; null if unsolvable. */
  expected_irr: number | null;
  expected_multiple: number;
}

export interface Portfolio {
  id?: string;
  fund_id?: string;
  loans: Loan[];
  metrics: PortfolioMetrics;
}

export type Granularity = 'monthly' | 'quarterly' | 'yearly';
