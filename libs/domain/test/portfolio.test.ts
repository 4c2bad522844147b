import { describe, expect, it } from 'vitest';
import { Loan } from '../src/index.js';

const loan = { id: 'l1', loan_amount: 100_000, property_value: 200_000, ltv: 0.5, zone: 'green', appreciation_rate: 0.05, origination_year: 30, will_be_reinvested: false };

describe('Loan', () => {
  it('accepts an exit up to year 60 (origination ≤ 30 plus a loan term ≤ 30) and rejects one after it, naming exit_year', () => {
    expect(Loan.safeParse({ ...loan, exit_year: 60 }).success).toBe(true);
    const bad = Loan.safeParse({ ...loan, exit_year: 60.01 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['exit_year']);
  });
});
