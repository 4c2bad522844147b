import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exampleFund, FinanceInputError, sensitivity, simulateFund, validateFund, waterfall } from '../src/index.js';
import type { Fund } from '../src/index.js';

// One rule (MODEL-NOTES "catch_up_rate rule"): catch_up_rate is 0 (no catch-up tier) or
// strictly greater than the carry rate; a value in (0, carry] is rejected everywhere.

function fundWith(carry: number, catchUp: number): Fund {
  const f = exampleFund();
  f.fee_structure.performance_fee_rate = carry;
  f.fee_structure.catch_up_rate = catchUp;
  return f;
}

/** The FinanceInputError thrown by `fn`, or undefined when it does not throw. */
function inputError(fn: () => unknown): FinanceInputError | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FinanceInputError);
    return e as FinanceInputError;
  }
  return undefined;
}

const flows = { contributions: [{ date: '2021-01-01', amount: 100 }], distributions: [{ date: '2022-01-01', amount: 200 }] };

describe('catch_up_rate: 0 or strictly above the carry rate', () => {
  it('fund validation rejects a catch-up rate below or equal to the carry rate, naming fee_structure.catch_up_rate', () => {
    for (const catchUp of [0.1, 0.2]) {
      const e = inputError(() => validateFund(fundWith(0.2, catchUp)));
      expect(e?.field).toBe('fee_structure.catch_up_rate');
      expect(e?.message).toBe(`fee_structure.catch_up_rate: must be 0 (no catch-up) or greater than the carry rate 0.2, got ${catchUp}`);
    }
  });

  it('fund validation accepts no catch-up (0), a rate just above the carry rate and a full catch-up', () => {
    for (const catchUp of [0, 0.2000001, 0.5, 1]) expect(() => validateFund(fundWith(0.2, catchUp))).not.toThrow();
    // Without carry any catch-up rate is above it.
    expect(() => validateFund(fundWith(0, 0.01))).not.toThrow();
  });

  it('the engine refuses such a fund instead of simulating it without catch-up', () => {
    const e = inputError(() => simulateFund(fundWith(0.2, 0.15), { paths: 2, seed: 1, granularity: 'yearly' }));
    expect(e?.field).toBe('fee_structure.catch_up_rate');
  });

  it('waterfall() applies the same rule with the same message (0 allowed)', () => {
    const e = inputError(() => waterfall({ structure: 'european', carry_rate: 0.2, catch_up_rate: 0.2, ...flows }));
    expect(e?.field).toBe('catch_up_rate');
    expect(e?.message).toBe('catch_up_rate: must be 0 (no catch-up) or greater than the carry rate 0.2, got 0.2');
    expect(waterfall({ structure: 'european', carry_rate: 0.2, catch_up_rate: 0, ...flows }).gp.catch_up).toBe(0);
  });

  it('fund validation and waterfall() accept exactly the same (carry, catch-up) pairs with the same message', () => {
    const rate = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true }));
    fc.assert(
      fc.property(rate, fc.oneof(fc.constant(0), rate, fc.double({ min: 0, max: 1, noNaN: true })), (carry, catchUp) => {
        const fundError = inputError(() => validateFund(fundWith(carry, catchUp)));
        const waterfallError = inputError(() => waterfall({ structure: 'european', carry_rate: carry, catch_up_rate: catchUp, ...flows }));
        const valid = catchUp === 0 || catchUp > carry;
        expect(fundError === undefined).toBe(valid);
        expect(waterfallError === undefined).toBe(valid);
        if (!valid) expect(fundError!.message).toBe(`fee_structure.${waterfallError!.message}`);
      }),
      { numRuns: 300 },
    );
  });

  it('the tornado reports a carry moved up to a non-zero catch-up rate on the spec end that moved it', () => {
    const fund = fundWith(0.2, 0.22);
    const e = inputError(() => sensitivity(fund, { parameters: [{ parameter: 'hurdle_rate' }, { parameter: 'performance_fee_rate' }], paths: 5, seed: 1, granularity: 'yearly' }));
    expect(e?.field).toBe('parameters.1.high');
    expect(e?.message).toMatch(/fee_structure\.catch_up_rate/);
    const low = inputError(() => sensitivity(fund, { parameters: [{ parameter: 'performance_fee_rate', low: 0.05, high: -0.05 }], paths: 5, seed: 1, granularity: 'yearly' }));
    expect(low?.field).toBe('parameters.0.low');
    // Moving carry down (0.15 < 0.22) is fine.
    const r = sensitivity(fund, { parameters: [{ parameter: 'performance_fee_rate', high: 0.01 }], paths: 5, seed: 1, granularity: 'yearly' });
    expect(r.rows).toHaveLength(1);
  });
});
