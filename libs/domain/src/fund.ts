import { z } from 'zod';
import { documentMeta, isoDate, isoDayNumber, positiveAmount, rate, readOnlyMeta, text, zoneNames } from './common.js';

/**
 * The Fund model: the seed's JSON field names, extended with every parameter of the
 * financial model (docs/MODEL.md). Every model parameter is optional on input and is
 * filled with its documented default when parsed, so a stored fund is fully specified
 * and its simulations stay reproducible even if a default changes later.
 */

const ZONE_SUM_TOLERANCE = 1e-9;

export const FeeStructure = z.strictObject({
  /** Annual management fee, charged per period on `management_fee_basis`. */
  management_fee_rate: rate(0, 0.1).default(0.02),
  /** LP preferred return (annual, Actual/365 compounding). */
  hurdle_rate: rate(0, 0.5).default(0.08),
  /** Annual simple interest later-close LPs pay on their share of earlier contributions (`closes`); absent = `hurdle_rate`. */
  equalisation_rate: rate(0, 0.3).optional(),
  /** Carried interest rate (the GP's share of profit after the hurdle). */
  performance_fee_rate: rate(0, 0.5).default(0.2),
  /** Fee on each advance, deducted from what the borrower receives. */
  origination_fee_rate: rate(0, 0.1).default(0.03),
  /**
   * Share of each dollar going to the GP in the catch-up tier (1 = full catch-up). Either 0
   * (no catch-up tier) or above `performance_fee_rate`: a catch-up at or below the carry rate
   * could never catch up, so it is refused rather than silently ignored.
   */
  catch_up_rate: rate(0, 1).default(1),
  management_fee_basis: z.enum(['committed', 'invested', 'nav']).default('committed'),
  /** Optional step-down: from `after_year` on, the fee rate becomes `rate`. */
  fee_step_down: z
    .strictObject({ after_year: z.number().min(0).max(30), rate: rate(0, 0.1) })
    .nullable()
    .default(null),
  /** Fund expenses per year, as a fraction of fund size. */
  expense_rate: rate(0, 0.05).default(0.005),
  /** One-off set-up costs at the first close, dollars. */
  setup_costs: z.number().min(0).default(250_000),
  origination_fee_recipient: z.enum(['gp', 'fund']).default('gp'),
  /** GP commitment as a fraction of fund size (pays no carry). */
  gp_commitment_rate: rate(0, 0.5).default(0.05),
  waterfall_structure: z.enum(['european', 'american']).default('european'),
  /**
   * Optional terms (absent = off): the hurdle as an annual IRR (`irr`, `hurdle_rate`, the
   * default) or as a multiple of contributions (`multiple`: LPs first receive
   * `hurdle_multiple` × their contributions, 1–10, required with and only with `multiple`).
   */
  hurdle_type: z.enum(['irr', 'multiple']).optional(),
  hurdle_multiple: z.number().min(1).max(10).optional(),
  /** Share of the origination fees paid to the GP that offsets the management fee (0–1, default 0). */
  management_fee_offset_rate: rate(0, 1).optional(),
});
export type FeeStructure = z.infer<typeof FeeStructure>;

export const ZoneAllocations = z.strictObject({
  green: rate(0, 1).default(0.6),
  orange: rate(0, 1).default(0.3),
  red: rate(0, 1).default(0.1),
});
export type ZoneAllocations = z.infer<typeof ZoneAllocations>;

export const LoanParameters = z.strictObject({
  /** Average property value, dollars. When `avg_loan_size` is absent the average advance is `average_property_value × average_ltv`. */
  average_property_value: positiveAmount().default(384_615.38),
  average_ltv: rate(0.01, 1).default(0.65),
  max_ltv: rate(0.01, 1).default(0.85),
  min_ltv: rate(0.01, 1).default(0.4),
  ltv_std_dev: rate(0, 0.5).default(0.05),
  /** Mean advance, dollars (default 250,000; see `average_property_value`). */
  avg_loan_size: positiveAmount().optional(),
  loan_size_std_dev: z.number().min(0).default(50_000),
  min_loan_size: positiveAmount().default(100_000),
  max_loan_size: positiveAmount().default(500_000),
  /** Simple annual interest, capitalised to exit. */
  interest_rate: rate(0, 0.3).default(0.05),
  loan_term_years: z.number().int().min(1).max(30).default(10),
  appreciation_share_method: z.enum(['ltv', 'fixed']).default('ltv'),
  appreciation_share_rate: rate(0, 1).default(0.5),
  downside_protection: z.boolean().default(false),
  zone_allocations: ZoneAllocations.default({ green: 0.6, orange: 0.3, red: 0.1 }),
  early_exit_probability: rate(0, 1).default(0.3),
  min_hold_years: z.number().min(0).max(30).default(1),
  avg_exit_year: z.number().min(0).max(30).default(7),
  exit_year_std_dev: z.number().min(0).max(30).default(1.5),
  /** κ: a 1/κ fall of the zone index over 12 months doubles the default hazard. */
  default_price_sensitivity: z.number().min(0).max(100).default(5),
  foreclosure_months: z.number().int().min(0).max(120).default(12),
  /** ς: idiosyncratic annual volatility of a property around its zone index. */
  property_volatility: rate(0, 1).default(0.05),
});
export type LoanParameters = z.infer<typeof LoanParameters>;

export const ZoneParameters = z.strictObject({
  appreciation_rate: rate(-0.5, 0.5),
  volatility: rate(0, 1),
  default_rate: rate(0, 1),
  recovery_rate: rate(0, 1),
});
export type ZoneParameters = z.infer<typeof ZoneParameters>;

export const DEFAULT_ZONE_PARAMETERS = {
  green: { appreciation_rate: 0.05, volatility: 0.08, default_rate: 0.01, recovery_rate: 0.9 },
  orange: { appreciation_rate: 0.03, volatility: 0.1, default_rate: 0.03, recovery_rate: 0.8 },
  red: { appreciation_rate: 0.01, volatility: 0.12, default_rate: 0.05, recovery_rate: 0.7 },
} as const;

export const ZoneParameterSet = z.strictObject({
  green: ZoneParameters.default(DEFAULT_ZONE_PARAMETERS.green),
  orange: ZoneParameters.default(DEFAULT_ZONE_PARAMETERS.orange),
  red: ZoneParameters.default(DEFAULT_ZONE_PARAMETERS.red),
});

export const ZoneCorrelations = z.strictObject({
  green_orange: rate(-1, 1).default(0.8),
  green_red: rate(-1, 1).default(0.7),
  orange_red: rate(-1, 1).default(0.8),
});
export type ZoneCorrelations = z.infer<typeof ZoneCorrelations>;

export const Operations = z.strictObject({
  /** Share of commitments deployed into loans (the rest covers fees and expenses). */
  deployment_ratio: rate(0.01, 1).default(0.85),
  deployment_period_years: z.number().positive().max(30).default(3),
  reinvestment_period_years: z.number().min(0).max(30).default(5),
  min_reinvestment: z.number().min(0).default(100_000),
  distribution_frequency: z.enum(['monthly', 'quarterly', 'annual']).default('quarterly'),
  cash_reserve_rate: rate(0, 1).default(0),
  liquidation_discount: rate(0, 1).default(0),
  /**
   * Recallable distributions (optional; absent = off): principal returned during the
   * reinvestment period is distributed to the partners instead of waiting in the fund, and
   * may be recalled for reinvestment up to this share of commitments in total (the right
   * ends with the reinvestment period). See libs/finance MODEL-NOTES.
   */
  recallable_cap_rate: rate(0, 1).optional(),
});
export type Operations = z.infer<typeof Operations>;

export const ScenarioShock = z.strictObject({
  from_month: z.number().int().min(0),
  to_month: z.number().int().min(0),
  zone: z.enum(zoneNames).optional(),
  drift_add: z.number().min(-5).max(5).default(0),
  vol_mult: z.number().min(0).max(10).default(1),
  default_mult: z.number().min(0).max(100).default(1),
});
export type ScenarioShock = z.infer<typeof ScenarioShock>;

export const Scenario = z.strictObject({
  /**
   * `base` (no overlay), `gfc` (−20% over months 12–36, defaults ×3), `stagnation` (μ = 0 for
   * 5 years), the stress library — `hpa_decline_10` / `hpa_decline_25` (an immediate national
   * home-price decline of 10% / 25%), `valuation_haircut_10` (10% haircut on the property
   * value at exit, foreclosures 12 months longer), `rate_shock` (default hazard ×2 and drift
   * −2pp a year for 3 years) — or `custom` (`shocks`). Sources: libs/finance MODEL-NOTES.
   */
  name: z.enum(['base', 'gfc', 'stagnation', 'hpa_decline_10', 'hpa_decline_25', 'valuation_haircut_10', 'rate_shock', 'custom']).default('base'),
  shocks: z.array(ScenarioShock).max(100).default([]),
});
export type Scenario = z.infer<typeof Scenario>;

/**
 * Subscription credit line (optional; absent = none): capital needs are drawn on the line
 * and repaid by LP calls `max_days_outstanding` days later; `rate` (interest on the balance)
 * and `unused_fee` (on the undrawn size) are annual and are fund expenses. The summary
 * reports LP net IRR with and without the line (ILPA disclosure) and its cost.
 */
export const SubscriptionLine = z.strictObject({
  size: positiveAmount().max(1e12),
  rate: rate(0, 0.3),
  unused_fee: rate(0, 0.05).default(0),
  max_days_outstanding: z.number().int().min(1).max(3650).default(90),
});
export type SubscriptionLine = z.infer<typeof SubscriptionLine>;

/**
 * NAV facility (optional; absent = none): borrowing against the open loan book at cost, used
 * for reinvestment. At each reinvestment batch within its `term` (years from the first close)
 * and the reinvestment period it is drawn so that the balance reaches `max_ltv` of the book
 * (the new loans included); the balance above `max_ltv` of the book, and from the end of the
 * draw period all of it, is repaid before any distribution. `rate` (annual, on the balance)
 * is a fund expense. The summary reports LP net IRR with and without it (ILPA disclosure).
 */
export const NavFacility = z.strictObject({
  max_ltv: z.number().gt(0).max(0.8),
  rate: rate(0, 0.3),
  term: z.number().gt(0).max(30),
});
export type NavFacility = z.infer<typeof NavFacility>;

export const Leverage = z.strictObject({ subscription_line: SubscriptionLine.optional(), nav_facility: NavFacility.optional() });
export type Leverage = z.infer<typeof Leverage>;

export const CapitalCall = z.strictObject({ date: isoDate, amount: positiveAmount() });
export type CapitalCall = z.infer<typeof CapitalCall>;

/** A later close: `amount` of the total `size` joins at `date` (the first close holds the rest). */
export const FundClose = z.strictObject({ date: isoDate, amount: positiveAmount() });
export type FundClose = z.infer<typeof FundClose>;

const fundFields = {
  name: text().trim().min(1).max(200),
  /** Total commitments, dollars. */
  size: positiveAmount().max(1e12),
  /** Fund life in years. */
  term: z.number().int().min(1).max(30).default(10),
  type: text().trim().min(1).max(64).default('home_equity'),
  vintage_year: z.number().int().min(1990).max(2100),
  /** Simulation horizon in years (≥ term; defaults to the term). */
  time_horizon: z.number().int().min(1).max(30).optional(),
  fee_structure: FeeStructure.default(FeeStructure.parse({})),
  /** Scheduled capital calls; empty means capital is called on demand. */
  capital_calls: z.array(CapitalCall).max(1000).default([]),
  /**
   * Later closes (optional; absent = one close on 1 January of the vintage year). `size` is
   * the total of all closes. Later LPs pay their share of earlier contributions plus
   * equalisation interest (`fee_structure.equalisation_rate`, default the hurdle rate) and
   * committed-basis fees from the first close; the summary's `closes` gives each close's LP
   * net IRR. See libs/finance MODEL-NOTES "Multiple closes".
   */
  closes: z.array(FundClose).max(20).optional(),
  loan_parameters: LoanParameters.default(LoanParameters.parse({})),
  zone_parameters: ZoneParameterSet.default(ZoneParameterSet.parse({})),
  zone_correlations: ZoneCorrelations.default(ZoneCorrelations.parse({})),
  operations: Operations.default(Operations.parse({})),
  scenario: Scenario.default(Scenario.parse({})),
  /** Optional fund leverage (absent = none). */
  leverage: Leverage.optional(),
};

type FundLike = {
  size: number;
  fee_structure: { catch_up_rate: number; performance_fee_rate: number; hurdle_type?: 'irr' | 'multiple'; hurdle_multiple?: number };
  term: number;
  time_horizon?: number;
  capital_calls: { amount: number }[];
  closes?: { date: string; amount: number }[];
  vintage_year: number;
  loan_parameters: LoanParameters;
  scenario: Scenario;
};

/** Cross-field rules, reported with the path of the offending field. */
export function checkFundRules(fund: FundLike, ctx: z.RefinementCtx): void {
  const lp = fund.loan_parameters;
  const fs = fund.fee_structure;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const za = lp.zone_allocations;
  const sum = za.green + za.orange + za.red;
  if (Math.abs(sum - 1) > ZONE_SUM_TOLERANCE) {
    issue(['loan_parameters', 'zone_allocations'], `zone allocations must sum to 1 (got ${sum})`);
  }
  if (fs.catch_up_rate !== 0 && !(fs.catch_up_rate > fs.performance_fee_rate)) {
    issue(['fee_structure', 'catch_up_rate'], `catch_up_rate must be 0 (no catch-up) or above performance_fee_rate (${fs.performance_fee_rate}), got ${fs.catch_up_rate}`);
  }
  if (fs.hurdle_type === 'multiple' && fs.hurdle_multiple === undefined) issue(['fee_structure', 'hurdle_multiple'], 'hurdle_multiple is required with hurdle_type "multiple"');
  if (fs.hurdle_type !== 'multiple' && fs.hurdle_multiple !== undefined) issue(['fee_structure', 'hurdle_multiple'], 'hurdle_multiple is only used with hurdle_type "multiple"');
  if (lp.average_ltv > lp.max_ltv) issue(['loan_parameters', 'average_ltv'], 'average_ltv must not exceed max_ltv');
  if (lp.min_ltv > lp.average_ltv) issue(['loan_parameters', 'min_ltv'], 'min_ltv must not exceed average_ltv');
  if (lp.min_loan_size > lp.max_loan_size) issue(['loan_parameters', 'min_loan_size'], 'min_loan_size must not exceed max_loan_size');
  if (lp.min_hold_years > lp.loan_term_years) issue(['loan_parameters', 'min_hold_years'], 'min_hold_years must not exceed loan_term_years');
  if (fund.time_horizon !== undefined && fund.time_horizon < fund.term) issue(['time_horizon'], 'time_horizon must be at least the term');
  const called = fund.capital_calls.reduce((s, c) => s + c.amount, 0);
  if (called > fund.size * (1 + 1e-12)) issue(['capital_calls'], 'capital calls must not exceed the fund size');
  if (fund.closes !== undefined && fund.closes.length > 0) {
    // Days counted as the engine counts them, so that the schema and the engine agree.
    const day0 = isoDayNumber(`${fund.vintage_year}-01-01`);
    let prev = day0;
    let later = 0;
    fund.closes.forEach((c, i) => {
      const d = isoDayNumber(c.date);
      if (d <= prev) issue(['closes', i, 'date'], i === 0 ? 'must be after the first close (1 January of the vintage year)' : 'closes must be in increasing date order');
      else if ((d - day0) / 365 >= fund.term) issue(['closes', i, 'date'], 'must be before the end of the term');
      prev = Math.max(prev, d);
      later += c.amount;
    });
    if (!(later < fund.size)) issue(['closes'], 'later closes must leave a first close (their amounts sum below the fund size)');
  }
  fund.scenario.shocks.forEach((s, i) => {
    if (s.to_month < s.from_month) issue(['scenario', 'shocks', i, 'to_month'], 'to_month must not be before from_month');
  });
}

/**
 * Body of `POST /api/funds` and `PUT /api/funds/:id`: strict (an unknown key is a 400 naming
 * it); the read-only document fields a client may echo back are accepted and dropped.
 */
export const FundInput = z
  .strictObject({ ...fundFields, ...readOnlyMeta })
  .superRefine(checkFundRules)
  .transform(({ id: _id, version: _version, created_at: _created, updated_at: _updated, ...parameters }) => parameters);
export type FundInput = z.input<typeof FundInput>;

/** A stored fund, every parameter filled. */
export const Fund = z.strictObject({ ...fundFields, ...documentMeta }).superRefine(checkFundRules);
export type Fund = z.infer<typeof Fund>;

/** The fully-specified parameters of a fund (a `Fund` without the document fields). */
export type FundParameters = z.output<typeof FundInput>;

export const FundListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().min(1).max(1000).optional(),
  type: text().min(1).max(64).optional(),
  vintage_year: z.coerce.number().int().min(1990).max(2100).optional(),
  q: text().min(1).max(200).optional(),
});
export type FundListQuery = z.infer<typeof FundListQuery>;
