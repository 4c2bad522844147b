import { z } from 'zod';
import { documentMeta, positiveAmount, ResourceId, text, Zone } from './common.js';

/**
 * A loan in a portfolio. Years are measured from the fund's first close (fractional:
 * 1.25 = month 15); `appreciation_rate` is the annual drift assumed for its zone.
 */
export const Loan = z.strictObject({
  id: text().min(1).max(100),
  /** The advance A = ltv × property_value, dollars. */
  loan_amount: positiveAmount(),
  property_value: positiveAmount(),
  /** Loan-to-value as a fraction in (0, 1]. */
  ltv: z.number().gt(0).max(1),
  zone: Zone,
  appreciation_rate: z.number().min(-0.5).max(0.5),
  origination_year: z.number().min(0).max(30),
  /** At most 60: origination ≤ 30 plus a hold ≤ loan_term_years ≤ 30. */
  exit_year: z.number().min(0).max(60),
  /** True when the exit falls inside the reinvestment period, so its principal is recycled. */
  will_be_reinvested: z.boolean(),
});
export type Loan = z.infer<typeof Loan>;

export const PortfolioMetrics = z.strictObject({
  /** Sum of property values at origination, dollars. */
  total_initial_value: z.number(),
  /** Sum of advances, dollars. */
  total_loan_amount: z.number(),
  /** Advance-weighted LTV. */
  average_ltv: z.number(),
  /** Advance-weighted annual appreciation drift. */
  weighted_appreciation_rate: z.number(),
  /** Gross IRR of the loans if every property follows its zone drift (no defaults, no fees). */
  expected_irr: z.number().nullable(),
  /** Gross multiple (payoffs / advances) under the same expectation. */
  expected_multiple: z.number(),
});
export type PortfolioMetrics = z.infer<typeof PortfolioMetrics>;

export const Portfolio = z.strictObject({
  ...documentMeta,
  fund_id: z.string().min(1),
  /** The fund version the portfolio was generated from. */
  fund_version: z.number().int().nonnegative().optional(),
  seed: z.number().int().optional(),
  loans: z.array(Loan),
  metrics: PortfolioMetrics,
});
export type Portfolio = z.infer<typeof Portfolio>;

/**
 * Loans per page of `equihome.rpc.portfolio.page`: 2,000 loans are about 0.5 MB of JSON,
 * half of NATS' default max payload, so a page always fits in one reply.
 */
export const PORTFOLIO_PAGE_MAX_LOANS = 2_000;

export const PortfolioPageRequest = z.strictObject({
  id: ResourceId,
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(PORTFOLIO_PAGE_MAX_LOANS).default(PORTFOLIO_PAGE_MAX_LOANS),
});
export type PortfolioPageRequest = z.input<typeof PortfolioPageRequest>;

/**
 * One page of a stored portfolio: the document without its loans, the loans
 * `[offset, offset + loans.length)` and the total. A reader assembles the pages and checks
 * that `portfolio.version` stayed the same across them (else the portfolio changed while
 * it read, and it starts again).
 */
export const PortfolioPage = z.strictObject({
  portfolio: Portfolio.omit({ loans: true }),
  offset: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  loans: z.array(Loan),
});
export type PortfolioPage = z.infer<typeof PortfolioPage>;

/** The page `[offset, offset + limit)` of a portfolio (what portfolio-service answers). */
export function portfolioPage(portfolio: Portfolio, offset: number, limit: number): PortfolioPage {
  const { loans, ...header } = portfolio;
  return { portfolio: header, offset, total: loans.length, loans: loans.slice(offset, offset + limit) };
}

export const GeneratePortfolioRequest = z.strictObject({
  fund_id: ResourceId,
  /** Random seed (uint32); a fresh one is drawn and returned when absent. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});
export type GeneratePortfolioRequest = z.infer<typeof GeneratePortfolioRequest>;

export const PortfolioUpdate = z.strictObject({ loans: z.array(Loan).min(1).max(100_000) });
export type PortfolioUpdate = z.infer<typeof PortfolioUpdate>;

export const PortfolioListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().min(1).max(1000).optional(),
  fund_id: ResourceId.optional(),
});
export type PortfolioListQuery = z.infer<typeof PortfolioListQuery>;
