import { Fund, FundInput } from '@equihome/domain';
import { HttpProblem } from '@equihome/platform';
import { describe, expect, it } from 'vitest';
import { applyOverrides, deepMerge } from '../src/overrides.js';

const fund = Fund.parse({
  ...FundInput.parse({ name: 'F', size: 100_000_000, vintage_year: 2026 }),
  id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60',
  version: 3,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

function problemOf(overrides: Record<string, unknown>): HttpProblem {
  try {
    applyOverrides(fund, overrides);
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays, scalars and null', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, l: [1, 2], n: { x: 1 } }, { a: { c: 3 }, l: [9], n: null })).toEqual({ a: { b: 1, c: 3 }, l: [9], n: null });
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('applyOverrides', () => {
  it('returns the fund unchanged without overrides', () => {
    expect(applyOverrides(fund, undefined)).toBe(fund);
  });

  it('deep-merges a partial fund and keeps every other parameter', () => {
    const merged = applyOverrides(fund, { scenario: { name: 'gfc' }, fee_structure: { hurdle_rate: 0.06 } });
    expect(merged.scenario.name).toBe('gfc');
    expect(merged.fee_structure.hurdle_rate).toBe(0.06);
    expect(merged.fee_structure.performance_fee_rate).toBe(fund.fee_structure.performance_fee_rate);
    expect(merged.loan_parameters).toEqual(fund.loan_parameters);
    expect(merged.id).toBe(fund.id);
  });

  it('answers 400 naming overrides.<path> for an unknown key, a bad value, a broken cross-field rule or a document field', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ fee_structure: { hurdle: 0.1 } }, 'overrides.fee_structure.hurdle'],
      [{ colour: 'red' }, 'overrides.colour'],
      [{ fee_structure: { hurdle_rate: 3 } }, 'overrides.fee_structure.hurdle_rate'],
      [{ loan_parameters: { zone_allocations: { green: 0.5 } } }, 'overrides.loan_parameters.zone_allocations'],
      [{ version: 9 }, 'overrides.version'],
    ];
    for (const [overrides, path] of cases) {
      const problem = problemOf(overrides);
      expect(problem.status).toBe(400);
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
  });
});
