import { describe, expect, it } from 'vitest';
import { FinanceError, FinanceInputError } from '../src/index.js';

describe('typed errors', () => {
  it('carry a name, a code and (for input errors) the field, prefixed to the message', () => {
    const e = new FinanceInputError('fee_structure.hurdle_rate', 'must be ≥ 0');
    expect(e).toBeInstanceOf(FinanceError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'FinanceInputError', code: 'FINANCE_INPUT', field: 'fee_structure.hurdle_rate', message: 'fee_structure.hurdle_rate: must be ≥ 0' });
    expect(new FinanceError('boom')).toMatchObject({ name: 'FinanceError', code: 'FINANCE_ERROR', message: 'boom' });
    expect(new FinanceError('overlap', 'SUMMARY_OVERLAP').code).toBe('SUMMARY_OVERLAP');
  });
});
