import { describe, expect, it } from 'vitest';
import { FundInput, eventSchemas, GeneratePortfolioRequest } from '../src/index.js';

const minimal = { name: 'Fund I', size: 100_000_000, vintage_year: 2026 };

describe('FundInput', () => {
  it('fills every model default from MODEL.md', () => {
    const f = FundInput.parse(minimal);
    expect(f.term).toBe(10);
    expect(f.fee_structure).toMatchObject({ management_fee_rate: 0.02, hurdle_rate: 0.08, performance_fee_rate: 0.2, origination_fee_rate: 0.03, catch_up_rate: 1, gp_commitment_rate: 0.05 });
    expect(f.loan_parameters.zone_allocations).toEqual({ green: 0.6, orange: 0.3, red: 0.1 });
    expect(f.zone_parameters.red).toEqual({ appreciation_rate: 0.01, volatility: 0.12, default_rate: 0.05, recovery_rate: 0.7 });
    expect(f.zone_correlations).toEqual({ green_orange: 0.8, green_red: 0.7, orange_red: 0.8 });
    expect(f.operations.deployment_ratio).toBe(0.85);
    expect(f.scenario.name).toBe('base');
  });

  it('rejects zone allocations that do not sum to 1, naming the field', () => {
    const r = FundInput.safeParse({ ...minimal, loan_parameters: { zone_allocations: { green: 0.5, orange: 0.3, red: 0.1 } } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('loan_parameters.zone_allocations');
  });

  it('accepts allocations within 1e-9 of 1', () => {
    expect(FundInput.safeParse({ ...minimal, loan_parameters: { zone_allocations: { green: 0.1 + 0.2, orange: 0.6, red: 0.1 } } }).success).toBe(true);
  });

  it('rejects average_ltv above max_ltv and a negative size', () => {
    const r = FundInput.safeParse({ ...minimal, size: -1, loan_parameters: { average_ltv: 0.9, max_ltv: 0.8 } });
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('size');
    const r2 = FundInput.safeParse({ ...minimal, loan_parameters: { average_ltv: 0.9, max_ltv: 0.8 } });
    expect(r2.error!.issues.map((i) => i.path.join('.'))).toContain('loan_parameters.average_ltv');
  });

  it('rejects capital calls beyond the commitments and a non-positive term', () => {
    const calls = FundInput.safeParse({ ...minimal, capital_calls: [{ date: '2026-01-01', amount: 200_000_000 }] });
    expect(calls.error!.issues.map((i) => i.path.join('.'))).toContain('capital_calls');
    const term = FundInput.safeParse({ ...minimal, term: 0 });
    expect(term.error!.issues.map((i) => i.path.join('.'))).toContain('term');
  });
});

describe('event and request schemas', () => {
  it('validates the fund.deleted payload', () => {
    expect(eventSchemas['equihome.fund.deleted'].safeParse({ id: 'x' }).success).toBe(true);
    expect(eventSchemas['equihome.fund.deleted'].safeParse({}).success).toBe(false);
  });
  it('bounds the generation seed to uint32', () => {
    expect(GeneratePortfolioRequest.safeParse({ fund_id: '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60', seed: 2 ** 32 }).success).toBe(false);
  });
});

describe('FundInput scenario names (the engine stress library, libs/finance SCENARIO_NAMES)', () => {
  it('accepts every named scenario of the engine and nothing else', () => {
    for (const name of ['base', 'gfc', 'stagnation', 'hpa_decline_10', 'hpa_decline_25', 'valuation_haircut_10', 'rate_shock', 'custom']) {
      expect(FundInput.parse({ ...minimal, scenario: { name } }).scenario.name).toBe(name);
    }
    const r = FundInput.safeParse({ ...minimal, scenario: { name: 'hpa_decline_50' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('scenario.name');
  });
});

describe('FundInput optional fund terms (off when absent, the same rules as libs/finance validateFund)', () => {
  it('accepts a multiple hurdle and a fee offset, leaves them absent by default', () => {
    expect(FundInput.parse(minimal).fee_structure).not.toHaveProperty('hurdle_type');
    const f = FundInput.parse({ ...minimal, fee_structure: { hurdle_type: 'multiple', hurdle_multiple: 1.5, management_fee_offset_rate: 0.8 } });
    expect(f.fee_structure).toMatchObject({ hurdle_type: 'multiple', hurdle_multiple: 1.5, management_fee_offset_rate: 0.8 });
  });

  it('rejects a multiple without hurdle_type "multiple" (and the reverse), out-of-range values, naming the field', () => {
    const paths = (fee_structure: object) => {
      const r = FundInput.safeParse({ ...minimal, fee_structure });
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ hurdle_type: 'multiple' })).toContain('fee_structure.hurdle_multiple');
    expect(paths({ hurdle_multiple: 1.2 })).toContain('fee_structure.hurdle_multiple');
    expect(paths({ hurdle_type: 'multiple', hurdle_multiple: 0.5 })).toContain('fee_structure.hurdle_multiple');
    expect(paths({ management_fee_offset_rate: 1.2 })).toContain('fee_structure.management_fee_offset_rate');
    expect(paths({ hurdle_type: 'tvpi' })).toContain('fee_structure.hurdle_type');
  });
});

describe('FundInput leverage (subscription line; the same ranges as libs/finance validateFund)', () => {
  it('accepts a line with its defaults filled, none by default', () => {
    expect(FundInput.parse(minimal)).not.toHaveProperty('leverage');
    const f = FundInput.parse({ ...minimal, leverage: { subscription_line: { size: 10_000_000, rate: 0.06 } } });
    expect(f.leverage?.subscription_line).toEqual({ size: 10_000_000, rate: 0.06, unused_fee: 0, max_days_outstanding: 90 });
  });

  it('rejects bad line terms and unknown keys, naming the field', () => {
    for (const [line, field] of [
      [{ size: 0, rate: 0.05 }, 'leverage.subscription_line.size'],
      [{ size: 1e6, rate: 0.5 }, 'leverage.subscription_line.rate'],
      [{ size: 1e6, rate: 0.05, unused_fee: 0.2 }, 'leverage.subscription_line.unused_fee'],
      [{ size: 1e6, rate: 0.05, max_days_outstanding: 0 }, 'leverage.subscription_line.max_days_outstanding'],
      [{ size: 1e6, rate: 0.05, max_days_outstanding: 30.5 }, 'leverage.subscription_line.max_days_outstanding'],
    ] as const) {
      const r = FundInput.safeParse({ ...minimal, leverage: { subscription_line: line } });
      expect(r.success, field).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
    }
    expect(FundInput.safeParse({ ...minimal, leverage: { subscription_line: { size: 1e6, rate: 0.05, tenor: 3 } } }).success).toBe(false);
  });

  it('accepts a NAV facility and rejects bad terms naming the field', () => {
    const f = FundInput.parse({ ...minimal, leverage: { nav_facility: { max_ltv: 0.25, rate: 0.07, term: 4 } } });
    expect(f.leverage?.nav_facility).toEqual({ max_ltv: 0.25, rate: 0.07, term: 4 });
    for (const [nav, field] of [
      [{}, 'leverage.nav_facility.max_ltv'],
      [{ max_ltv: 0, rate: 0.05, term: 3 }, 'leverage.nav_facility.max_ltv'],
      [{ max_ltv: 0.9, rate: 0.05, term: 3 }, 'leverage.nav_facility.max_ltv'],
      [{ max_ltv: 0.2, rate: 0.5, term: 3 }, 'leverage.nav_facility.rate'],
      [{ max_ltv: 0.2, rate: 0.05, term: 0 }, 'leverage.nav_facility.term'],
      [{ max_ltv: 0.2, rate: 0.05, term: 3, covenant: 1 }, 'leverage.nav_facility'],
    ] as const) {
      const r = FundInput.safeParse({ ...minimal, leverage: { nav_facility: nav } });
      expect(r.success, field).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(field);
    }
  });
});

describe('FundInput closes', () => {
  it('counts a date-time by the UTC day of its instant, as the engine does', () => {
    const v = minimal.vintage_year;
    const closes = (date: string) => FundInput.safeParse({ ...minimal, closes: [{ date, amount: 1_000 }] });
    expect(closes(`${v}-03-01`).success).toBe(true);
    expect(closes(`${v}-01-01T20:00:00-05:00`).success).toBe(true); // 2 January, 01:00 UTC
    const early = closes(`${v}-01-02T01:00:00+05:00`); // 1 January, 20:00 UTC: the first close's day
    expect(early.success).toBe(false);
    expect(early.error!.issues.map((i) => i.path.join('.'))).toContain('closes.0.date');
  });
});
