import { describe, expect, it } from 'vitest';
import { exampleFund, generatePortfolio, portfolioMetrics } from '../src/index.js';

describe('generatePortfolio exit bound', () => {
  it('generates a valid portfolio when deployment_period_years + loan_term_years exceed 40 (exits up to year 60)', () => {
    // Found by portfolio-service's property test: originations up to year 30 plus holds up to
    // 30 years used to be rejected by validateLoans (exit_year ≤ 40) inside generatePortfolio.
    const fund = exampleFund();
    fund.size = 10_000_000;
    fund.operations.deployment_period_years = 30;
    fund.loan_parameters.loan_term_years = 30;
    fund.loan_parameters.min_hold_years = 29;
    fund.loan_parameters.avg_exit_year = 30;
    fund.loan_parameters.exit_year_std_dev = 0;
    fund.loan_parameters.early_exit_probability = 0;
    const { loans, metrics } = generatePortfolio(fund, { seed: 1 });
    const lastExit = Math.max(...loans.map((l) => l.exit_year));
    expect(lastExit).toBeGreaterThan(40);
    expect(lastExit).toBeLessThanOrEqual(60);
    expect(metrics).toEqual(portfolioMetrics(fund, loans));
  });

  it('still rejects an exit after year 60, naming the field', () => {
    const fund = exampleFund();
    const loan = { id: 'l1', loan_amount: 100_000, property_value: 200_000, ltv: 0.5, zone: 'green' as const, appreciation_rate: 0.05, origination_year: 30, exit_year: 60.5, will_be_reinvested: false };
    expect(() => portfolioMetrics(fund, [loan])).toThrow(/loans\.0\.exit_year/);
  });
});
