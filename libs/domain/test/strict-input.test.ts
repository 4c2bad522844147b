import { describe, expect, it } from 'vitest';
import { FundInput, FundListQuery, GeneratePortfolioRequest, IdParams, PortfolioUpdate, SimulationRequest, STREAM_SUBJECTS, eventSchemas } from '../src/index.js';

const minimal = { name: 'Fund I', size: 100_000_000, vintage_year: 2026 };
const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
const loan = { id: 'l1', loan_amount: 250_000, property_value: 400_000, ltv: 0.625, zone: 'green', appreciation_rate: 0.05, origination_year: 0, exit_year: 7, will_be_reinvested: false };

describe('strict request bodies', () => {
  it('rejects an unknown nested key instead of silently storing the default', () => {
    const r = FundInput.safeParse({ ...minimal, fee_structure: { hurdle: 0.1 } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.code === 'unrecognized_keys');
    expect(issue?.path).toEqual(['fee_structure']);
    expect((issue as { keys?: string[] }).keys).toEqual(['hurdle']);
  });

  it('rejects unknown top-level keys of every request body and query', () => {
    expect(FundInput.safeParse({ ...minimal, sise: 1 }).success).toBe(false);
    expect(GeneratePortfolioRequest.safeParse({ fund_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', sed: 1 }).success).toBe(false);
    expect(PortfolioUpdate.safeParse({ loans: [{ ...loan, colour: 'red' }] }).success).toBe(false);
    expect(SimulationRequest.safeParse({ fund_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', pathz: 5 }).success).toBe(false);
    expect(FundListQuery.safeParse({ limt: '5' }).success).toBe(false);
  });

  it('rejects U+0000 in any string and names the field', () => {
    expect(paths(FundInput.safeParse({ ...minimal, type: '\u0000' }))).toEqual(['type']);
    expect(paths(FundInput.safeParse({ ...minimal, name: 'Fund \u0000 I' }))).toEqual(['name']);
    expect(paths(PortfolioUpdate.safeParse({ loans: [{ ...loan, id: 'a\u0000' }] }))).toEqual(['loans.0.id']);
    expect(paths(FundListQuery.safeParse({ q: '\u0000' }))).toEqual(['q']);
    expect(FundInput.safeParse({ ...minimal, name: 'Fund I' }).success).toBe(true);
  });

  it('refuses capital-call days that do not exist rather than rolling them over', () => {
    expect(paths(FundInput.safeParse({ ...minimal, capital_calls: [{ date: '2025-02-30', amount: 1 }] }))).toEqual(['capital_calls.0.date']);
    expect(paths(FundInput.safeParse({ ...minimal, capital_calls: [{ date: '2025-02-29', amount: 1 }] }))).toEqual(['capital_calls.0.date']);
    expect(paths(FundInput.safeParse({ ...minimal, capital_calls: [{ date: '2025-04-31T00:00:00Z', amount: 1 }] }))).toEqual(['capital_calls.0.date']);
    expect(FundInput.safeParse({ ...minimal, capital_calls: [{ date: '2024-02-29', amount: 1 }] }).success).toBe(true);
  });

  it('accepts catch_up_rate 0 (no catch-up) or above the carry rate, and refuses it in between', () => {
    const withCatchUp = (catch_up_rate: number, performance_fee_rate = 0.2) => FundInput.safeParse({ ...minimal, fee_structure: { catch_up_rate, performance_fee_rate } });
    expect(withCatchUp(0).success).toBe(true);
    expect(withCatchUp(1).success).toBe(true);
    expect(withCatchUp(0.5).success).toBe(true);
    expect(paths(withCatchUp(0.2))).toEqual(['fee_structure.catch_up_rate']);
    expect(paths(withCatchUp(0.1))).toEqual(['fee_structure.catch_up_rate']);
    expect(withCatchUp(0.1, 0).success).toBe(true);
  });
});

describe('resource ids', () => {
  it('accepts UUIDs and refuses anything else before it reaches a store', () => {
    expect(IdParams.safeParse({ id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' }).success).toBe(true);
    for (const id of ['\u0000', '%00', 'missing', '', '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f6', 'x'.repeat(300)]) {
      expect(paths(IdParams.safeParse({ id }))).toEqual(['id']);
    }
  });
});

describe('event subjects', () => {
  it('derives the stream subjects from the event table, so every event subject is stored', () => {
    for (const subject of Object.keys(eventSchemas)) {
      const entity = subject.split('.')[1];
      expect(STREAM_SUBJECTS).toContain(`equihome.${entity}.>`);
    }
    expect(STREAM_SUBJECTS).toContain('equihome.optimization.>');
    expect(STREAM_SUBJECTS.some((s) => s.startsWith('equihome.rpc'))).toBe(false);
  });
});
