import type { Fund, Loan } from '@equihome/domain';
import type { ProblemFieldError } from '@equihome/platform';

/**
 * Business rules of an edited loan list against its fund (the shape — zone names,
 * positive amounts, ltv in (0, 1] — is already checked by the `PortfolioUpdate` schema).
 * Years count from the fund's first close (fractional).
 * - `0 < ltv ≤ loan_parameters.max_ltv`;
 * - `loan_amount > 0`, `property_value > 0`, `loan_amount ≤ property_value`;
 * - `loan_amount = ltv × property_value` up to rounding: within {@link LTV_ROUNDING} of the
 *   property value (half a basis point of LTV, e.g. $20 on a $400k home) or $1, whichever is
 *   larger — an ltv given to four decimals passes, a loan whose three figures disagree does not;
 * - `0 ≤ origination_year ≤ term` (loans are originated during the fund's life);
 * - `origination_year < exit_year ≤ origination_year + loan_parameters.loan_term_years`
 *   (the loan's maturity; a loan still open at the end of the term is sold then, MODEL.md §5,
 *   so the exit itself may fall after the term — exactly what `generatePortfolio` produces);
 * - loan ids are unique.
 * Returns every violation with its path (`loans.3.ltv`); empty when the list is valid.
 */
/** Tolerance of `|loan_amount − ltv × property_value|`, as a fraction of `property_value` (with a $1 floor). */
export const LTV_ROUNDING = 0.00005;

export function loanRuleViolations(fund: Fund, loans: Loan[]): ProblemFieldError[] {
  const errors: ProblemFieldError[] = [];
  const lp = fund.loan_parameters;
  const seen = new Set<string>();
  loans.forEach((loan, i) => {
    const at = (field: string, message: string) => errors.push({ path: `loans.${i}.${field}`, message });
    if (!(loan.ltv > 0 && loan.ltv <= lp.max_ltv)) at('ltv', `must be in (0, ${lp.max_ltv}] (the fund's max_ltv), got ${loan.ltv}`);
    if (!(loan.loan_amount > 0)) at('loan_amount', `must be > 0, got ${loan.loan_amount}`);
    if (!(loan.property_value > 0)) at('property_value', `must be > 0, got ${loan.property_value}`);
    else if (loan.loan_amount > loan.property_value) at('loan_amount', `must not exceed property_value (${loan.property_value}), got ${loan.loan_amount}`);
    else {
      const implied = loan.ltv * loan.property_value;
      if (Math.abs(loan.loan_amount - implied) > Math.max(1, LTV_ROUNDING * loan.property_value)) {
        at('loan_amount', `must equal ltv × property_value (${implied.toFixed(2)}) up to rounding, got ${loan.loan_amount}`);
      }
    }
    if (!(loan.origination_year >= 0 && loan.origination_year <= fund.term)) {
      at('origination_year', `must be within the fund term [0, ${fund.term}], got ${loan.origination_year}`);
    }
    const maturity = loan.origination_year + lp.loan_term_years;
    if (!(loan.exit_year > loan.origination_year)) at('exit_year', `must be after origination_year (${loan.origination_year}), got ${loan.exit_year}`);
    else if (!(loan.exit_year <= maturity)) at('exit_year', `must be at most origination_year + loan_term_years (${maturity}), got ${loan.exit_year}`);
    if (seen.has(loan.id)) at('id', `duplicate loan id ${loan.id}`);
    seen.add(loan.id);
  });
  return errors;
}
