import { describe, expect, it } from 'vitest';
import { exampleFund, FinanceInputError, generatePortfolio, portfolioMetrics, validateFund } from '../src/index.js';
import type { Fund, Loan } from '../src/index.js';
import { expectInputError } from './helpers.js';

describe('exampleFund', () => {
  it('is the $100M default fund of MODEL.md with avg_loan_size 250,000 explicit and passes validation', () => {
    const f = exampleFund();
    expect(f.size).toBe(100_000_000);
    expect(f).toMatchObject({ name: 'Equihome Fund I (example)', type: 'home_equity', term: 10, vintage_year: 2025 });
    expect(f.loan_parameters.avg_loan_size).toBe(250_000);
    expect(f.zone_parameters.red).toStrictEqual({ appreciation_rate: 0.01, volatility: 0.12, default_rate: 0.05, recovery_rate: 0.7 });
    expect(() => validateFund(f)).not.toThrow();
  });
});

describe('validateFund', () => {
  const cases: [string, (f: Fund) => void][] = [
    ['loan_parameters.zone_allocations', (f) => (f.loan_parameters.zone_allocations.green = 0.7)],
    ['size', (f) => (f.size = -5)],
    ['fee_structure.hurdle_rate', (f) => (f.fee_structure.hurdle_rate = Number.NaN)],
    ['loan_parameters.min_loan_size', (f) => (f.loan_parameters.min_loan_size = 600_000)],
    ['zone_parameters.orange.volatility', (f) => (f.zone_parameters.orange.volatility = 2)],
    ['term', (f) => (f.term = 7.5)],
    ['zone_correlations', (f) => Object.assign(f.zone_correlations, { green_orange: 0.9, green_red: -0.9, orange_red: 0.9 })],
    ['scenario.shocks.0.to_month', (f) => (f.scenario.shocks = [{ from_month: 10, to_month: 5, drift_add: 0, vol_mult: 1, default_mult: 1 }])],
  ];
  for (const [field, mutate] of cases) {
    it(`throws FinanceInputError naming ${field}`, () => {
      const f = exampleFund();
      mutate(f);
      try {
        validateFund(f);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(FinanceInputError);
        expect((e as FinanceInputError).field).toBe(field);
      }
    });
  }
});

describe('generatePortfolio', () => {
  const fund = exampleFund();
  // Generated inside each test (not at collection time), so mutation testing sees it.
  const generate = () => generatePortfolio(fund, { seed: 123 });

  it('deploys size × deployment_ratio in about 340 loans (MODEL.md §4)', () => {
    const p = generate();
    const total = p.loans.reduce((s, l) => s + l.loan_amount, 0);
    expect(total).toBeLessThanOrEqual(85_000_000 + 1e-6);
    expect(total).toBeGreaterThan(85_000_000 - 100_000);
    expect(p.loans.length).toBeGreaterThan(310);
    expect(p.loans.length).toBeLessThan(370);
    expect(p.metrics.total_loan_amount).toBeCloseTo(total, 6);
  });

  it('respects size and ltv clips, A = ltv·V0, and spreads originations over 3 years', () => {
    const p = generate();
    for (const l of p.loans.slice(0, -1)) {
      expect(l.loan_amount).toBeGreaterThanOrEqual(100_000);
      expect(l.loan_amount).toBeLessThanOrEqual(500_000);
    }
    for (const l of p.loans) {
      expect(l.ltv).toBeGreaterThanOrEqual(0.4);
      expect(l.ltv).toBeLessThanOrEqual(0.85);
      expect(l.ltv * l.property_value).toBeCloseTo(l.loan_amount, 6);
      expect(l.origination_year).toBeGreaterThanOrEqual(0);
      expect(l.origination_year).toBeLessThan(3);
      const hold = l.exit_year - l.origination_year;
      expect(hold).toBeGreaterThanOrEqual(1 - 1e-12);
      expect(hold).toBeLessThanOrEqual(10 + 1e-12);
      expect(l.will_be_reinvested).toBe(l.exit_year <= 5);
    }
  });

  it('matches zone_allocations by advance amount within one loan size', () => {
    const p = generate();
    const total = p.metrics.total_loan_amount;
    for (const [zone, target] of Object.entries(fund.loan_parameters.zone_allocations)) {
      const amt = p.loans.filter((l) => l.zone === zone).reduce((s, l) => s + l.loan_amount, 0);
      expect(Math.abs(amt - target * total)).toBeLessThanOrEqual(500_000);
    }
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const p = generate();
    expect(generatePortfolio(fund, { seed: 123 })).toStrictEqual(p);
    expect(generatePortfolio(fund, { seed: 124 }).loans[0]).not.toStrictEqual(p.loans[0]);
  });

  it('uses average_property_value × average_ltv as the mean advance when avg_loan_size is absent', () => {
    const f = exampleFund();
    delete f.loan_parameters.avg_loan_size;
    f.loan_parameters.average_property_value = 200_000;
    f.loan_parameters.loan_size_std_dev = 0;
    const q = generatePortfolio(f, { seed: 1 });
    expect(q.loans[0].loan_amount).toBeCloseTo(130_000, 6);
  });

  it('rejects a bad seed and a bad fund with a named field', () => {
    expect(() => generatePortfolio(fund, { seed: -1 })).toThrow(FinanceInputError);
    const f = exampleFund();
    f.loan_parameters.zone_allocations = { green: 0.5, orange: 0.3, red: 0.1 };
    expect(() => generatePortfolio(f, { seed: 1 })).toThrow(/loan_parameters.zone_allocations/);
  });
});

describe('portfolioMetrics', () => {
  it('computes the gross expected IRR and multiple of a single loan by hand', () => {
    // One loan: A = 100k, ltv 0.5 (V0 = 200k), green μ = 5%, held 4 years, r = 5% simple.
    // P = 100k·(1 + 0.05·4) + 0.5·(200k·e^{0.2} − 200k) = 120,000 + 22,140.2758 = 142,140.2758
    // IRR = (P/A)^{1/4} − 1.
    const fund = exampleFund();
    const loan: Loan = { id: 'a', loan_amount: 100_000, property_value: 200_000, ltv: 0.5, zone: 'green', appreciation_rate: 0.05, origination_year: 1, exit_year: 5, will_be_reinvested: true };
    const m = portfolioMetrics(fund, [loan]);
    const P = 120_000 + 0.5 * (200_000 * Math.exp(0.2) - 200_000);
    expect(m.expected_multiple).toBeCloseTo(P / 100_000, 12);
    expect(m.expected_irr).toBeCloseTo(Math.pow(P / 100_000, 1 / 4) - 1, 10);
    expect(m.average_ltv).toBe(0.5);
    expect(m.weighted_appreciation_rate).toBe(0.05);
    expect(m.total_initial_value).toBe(200_000);
  });

  it('clamps the payoff to the property value and floors appreciation under downside protection', () => {
    const fund = exampleFund();
    fund.zone_parameters.red.appreciation_rate = -0.2;
    const loan: Loan = { id: 'b', loan_amount: 80_000, property_value: 100_000, ltv: 0.8, zone: 'red', appreciation_rate: -0.2, origination_year: 0, exit_year: 5, will_be_reinvested: false };
    // V = 100k·e^{−1} = 36,787.94 < A(1+rτ) + s(V−V0): payoff = V.
    expect(portfolioMetrics(fund, [loan]).expected_multiple).toBeCloseTo((100_000 * Math.exp(-1)) / 80_000, 12);
    fund.loan_parameters.downside_protection = true;
    // floor: P = min(A(1+0.25), V) = V still (house is worth less).
    expect(portfolioMetrics(fund, [loan]).expected_multiple).toBeCloseTo((100_000 * Math.exp(-1)) / 80_000, 12);
  });

  it('rejects a loan with a bad field', () => {
    const fund = exampleFund();
    const loan = { id: 'c', loan_amount: Number.NaN, property_value: 1, ltv: 0.5, zone: 'green', appreciation_rate: 0, origination_year: 0, exit_year: 1, will_be_reinvested: false } as Loan;
    expect(() => portfolioMetrics(fund, [loan])).toThrow(/loans.0.loan_amount/);
  });
});

describe('generatePortfolio — deterministic draws (zero standard deviations)', () => {
  const fixed = (patch: (f: Fund) => void = () => {}): Fund => {
    const f = exampleFund();
    f.size = 1_100_000;
    f.operations.deployment_ratio = 1;
    f.loan_parameters.loan_size_std_dev = 0;
    f.loan_parameters.ltv_std_dev = 0;
    f.loan_parameters.early_exit_probability = 0;
    f.loan_parameters.exit_year_std_dev = 0;
    patch(f);
    return f;
  };

  it('draws loans until less than min_loan_size remains, cutting the last one to the remainder', () => {
    const p = generatePortfolio(fixed(), { seed: 1 });
    expect(p.loans.map((l) => l.loan_amount)).toStrictEqual([250_000, 250_000, 250_000, 250_000, 100_000]);
    expect(p.loans.map((l) => l.id)).toStrictEqual(['loan-0001', 'loan-0002', 'loan-0003', 'loan-0004', 'loan-0005']);
    // Originations at j/N of the 3-year deployment period; hold = avg_exit_year = 7.
    p.loans.forEach((l, j) => {
      expect(l.origination_year).toBeCloseTo((3 * j) / 5, 12);
      expect(l.exit_year).toBeCloseTo((3 * j) / 5 + 7, 12);
      expect(l.ltv).toBe(0.65);
      expect(l.property_value).toBeCloseTo(l.loan_amount / 0.65, 6);
      expect(l.will_be_reinvested).toBe(false);
      expect(l.appreciation_rate).toBe(exampleFund().zone_parameters[l.zone].appreciation_rate);
    });
    const stop = generatePortfolio(fixed((f) => (f.loan_parameters.min_loan_size = 150_000)), { seed: 1 });
    expect(stop.loans.map((l) => l.loan_amount)).toStrictEqual([250_000, 250_000, 250_000, 250_000]);
  });

  it('clips the holding period to [min_hold_years, loan_term_years] and marks loans back within the reinvestment period', () => {
    const short = generatePortfolio(fixed((f) => Object.assign(f.loan_parameters, { avg_exit_year: 0.2, min_hold_years: 1 })), { seed: 1 });
    short.loans.forEach((l) => expect(l.exit_year - l.origination_year).toBeCloseTo(1, 12));
    expect(short.loans.map((l) => l.will_be_reinvested)).toStrictEqual(short.loans.map((l) => l.exit_year <= 5));
    const long = generatePortfolio(fixed((f) => Object.assign(f.loan_parameters, { avg_exit_year: 12, loan_term_years: 8 })), { seed: 1 });
    long.loans.forEach((l) => expect(l.exit_year - l.origination_year).toBeCloseTo(8, 12));
  });

  it('draws early exits uniformly between min_hold_years and avg_exit_year', () => {
    const f = exampleFund();
    Object.assign(f.loan_parameters, { early_exit_probability: 1, min_hold_years: 2, avg_exit_year: 6 });
    const holds = generatePortfolio(f, { seed: 5 }).loans.map((l) => l.exit_year - l.origination_year);
    expect(Math.min(...holds)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...holds)).toBeLessThanOrEqual(6);
    const mean = holds.reduce((s, h) => s + h, 0) / holds.length;
    expect(Math.abs(mean - 4)).toBeLessThan(4 * (4 / Math.sqrt(12)) / Math.sqrt(holds.length));
    // Without early exits: Normal(avg_exit_year, exit_year_std_dev) clipped.
    Object.assign(f.loan_parameters, { early_exit_probability: 0, avg_exit_year: 5, exit_year_std_dev: 1 });
    const normal = generatePortfolio(f, { seed: 5 }).loans.map((l) => l.exit_year - l.origination_year);
    const m2 = normal.reduce((s, h) => s + h, 0) / normal.length;
    expect(Math.abs(m2 - 5)).toBeLessThan(4 / Math.sqrt(normal.length));
    expect(normal.some((h) => h < 4)).toBe(true);
  });

  it('never assigns a zone whose allocation is 0', () => {
    const f = exampleFund();
    f.loan_parameters.zone_allocations = { green: 0, orange: 0.5, red: 0.5 };
    const zones = new Set(generatePortfolio(f, { seed: 2 }).loans.map((l) => l.zone));
    expect([...zones].sort()).toStrictEqual(['orange', 'red']);
    f.loan_parameters.zone_allocations = { green: 0, orange: 0, red: 1 };
    expect(new Set(generatePortfolio(f, { seed: 2 }).loans.map((l) => l.zone))).toStrictEqual(new Set(['red']));
  });

  it('refuses a min_loan_size that would need more than a million loans', () => {
    const f = exampleFund();
    f.size = 1e12;
    f.loan_parameters.min_loan_size = 100_000;
    f.loan_parameters.avg_loan_size = 200_000;
    expectInputError(() => generatePortfolio(f, { seed: 1 }), 'loan_parameters.min_loan_size');
  });
});

describe('portfolioMetrics edge cases', () => {
  it('reports zeros and no IRR for an empty portfolio, and no IRR when nothing comes back', () => {
    const fund = exampleFund();
    expect(portfolioMetrics(fund, [])).toStrictEqual({ total_initial_value: 0, total_loan_amount: 0, average_ltv: 0, weighted_appreciation_rate: 0, expected_irr: null, expected_multiple: 0 });
    fund.zone_parameters.red.appreciation_rate = -0.5;
    fund.loan_parameters.appreciation_share_method = 'fixed';
    fund.loan_parameters.appreciation_share_rate = 1;
    // A(1 + r) + (V − V0) = 10,500 + 1,000,000·(e^{−0.5} − 1) < 0: the payoff is floored at
    // 0, nothing comes back and no rate solves NPV = 0.
    const lost: Loan = { id: 'z', loan_amount: 10_000, property_value: 1_000_000, ltv: 0.01, zone: 'red', appreciation_rate: -0.5, origination_year: 0, exit_year: 1, will_be_reinvested: true };
    const m = portfolioMetrics(fund, [lost]);
    expect(m.expected_irr).toBeNull();
    expect(m.expected_multiple).toBe(0);
  });

  it('weights ltv and appreciation by advance', () => {
    const fund = exampleFund();
    const a: Loan = { id: 'a', loan_amount: 100_000, property_value: 200_000, ltv: 0.5, zone: 'green', appreciation_rate: 0.05, origination_year: 0, exit_year: 2, will_be_reinvested: true };
    const b: Loan = { id: 'b', loan_amount: 300_000, property_value: 375_000, ltv: 0.8, zone: 'red', appreciation_rate: 0.01, origination_year: 1, exit_year: 4, will_be_reinvested: true };
    const m = portfolioMetrics(fund, [a, b]);
    expect(m.average_ltv).toBeCloseTo((0.5 * 1 + 0.8 * 3) / 4, 12);
    expect(m.weighted_appreciation_rate).toBeCloseTo((0.05 * 1 + 0.01 * 3) / 4, 12);
    expect(m.total_initial_value).toBe(575_000);
    expect(m.total_loan_amount).toBe(400_000);
    // Dated flows −A at origination, +P at exit: NPV at expected_irr is zero.
    const P = (l: Loan, mu: number) => l.loan_amount * (1 + 0.05 * (l.exit_year - l.origination_year)) + l.ltv * l.property_value * (Math.exp(mu * (l.exit_year - l.origination_year)) - 1);
    const r = m.expected_irr!;
    const npv = -100_000 + P(a, 0.05) / (1 + r) ** 2 - 300_000 / (1 + r) + P(b, 0.01) / (1 + r) ** 4;
    expect(Math.abs(npv)).toBeLessThan(1e-6);
    expect(m.expected_multiple).toBeCloseTo((P(a, 0.05) + P(b, 0.01)) / 400_000, 12);
  });
});

describe('generatePortfolio — draw distributions and inputs', () => {
  it('draws sizes, ltvs and holds from the configured normals (means and standard deviations)', () => {
    const f = exampleFund();
    f.size = 400_000_000; // about 1,360 loans
    f.loan_parameters.early_exit_probability = 0;
    f.loan_parameters.loan_term_years = 30; // holds are not clipped above
    const loans = generatePortfolio(f, { seed: 9 }).loans.slice(0, -1); // the last loan is cut
    const stats = (xs: number[]) => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      return { m, sd: Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)), n: xs.length };
    };
    const size = stats(loans.map((l) => l.loan_amount));
    const ltv = stats(loans.map((l) => l.ltv));
    const hold = stats(loans.map((l) => l.exit_year - l.origination_year));
    expect(Math.abs(size.m - 250_000)).toBeLessThan((4 * 50_000) / Math.sqrt(size.n));
    expect(size.sd / 50_000).toBeGreaterThan(0.9);
    expect(size.sd / 50_000).toBeLessThan(1.1);
    expect(Math.abs(ltv.m - 0.65)).toBeLessThan((4 * 0.05) / Math.sqrt(ltv.n));
    expect(ltv.sd / 0.05).toBeGreaterThan(0.9);
    expect(ltv.sd / 0.05).toBeLessThan(1.1);
    expect(Math.abs(hold.m - 7)).toBeLessThan((4 * 1.5) / Math.sqrt(hold.n));
    expect(hold.sd / 1.5).toBeGreaterThan(0.9);
    expect(hold.sd / 1.5).toBeLessThan(1.1);
  });

  it('accepts seeds 0 … 2^53 − 1 and names the seed otherwise', () => {
    const f = exampleFund();
    f.size = 1_000_000;
    expect(generatePortfolio(f, { seed: 0 }).loans.length).toBeGreaterThan(0);
    expect(generatePortfolio(f, { seed: Number.MAX_SAFE_INTEGER }).loans.length).toBeGreaterThan(0);
    expectInputError(() => generatePortfolio(f, { seed: 2 ** 53 }), 'seed');
    expectInputError(() => generatePortfolio(f, undefined as unknown as { seed: number }), 'seed');
    expect(() => generatePortfolio(f, { seed: -1 })).toThrow('seed: must be a non-negative integer, got -1');
    const tiny = exampleFund();
    tiny.size = 1e12;
    expect(() => generatePortfolio(tiny, { seed: 1 })).toThrow('loan_parameters.min_loan_size: too small for the fund size: more than 1000000 loans');
  });

  it('marks a loan back exactly at the end of the reinvestment period as reinvested', () => {
    const f = exampleFund();
    f.size = 1_000_000;
    Object.assign(f.loan_parameters, { loan_size_std_dev: 0, early_exit_probability: 0, exit_year_std_dev: 0, avg_exit_year: 2, min_hold_years: 1 });
    f.operations.reinvestment_period_years = 2;
    const first = generatePortfolio(f, { seed: 1 }).loans[0];
    expect(first.exit_year).toBe(2);
    expect(first.will_be_reinvested).toBe(true);
  });
});

describe('portfolioMetrics and validateLoans details', () => {
  const fund = exampleFund();
  const loan = (patch: Partial<Loan> = {}): Loan => ({ id: 'x', loan_amount: 50_000, property_value: 200_000, ltv: 0.25, zone: 'red', appreciation_rate: -0.2, origination_year: 0, exit_year: 5, will_be_reinvested: false, ...patch });

  it('floors only a negative appreciation share under downside protection', () => {
    const f = exampleFund();
    f.zone_parameters.red.appreciation_rate = -0.2;
    // V = 200k·e^{−1}; share 0.25 of the fall: payoff 62,500 − 0.25·(200k − V) without protection.
    const fall = 0.25 * (200_000 * Math.exp(-1) - 200_000);
    expect(portfolioMetrics(f, [loan()]).expected_multiple).toBeCloseTo((62_500 + fall) / 50_000, 12);
    f.loan_parameters.downside_protection = true;
    expect(portfolioMetrics(f, [loan()]).expected_multiple).toBeCloseTo(62_500 / 50_000, 12);
    f.zone_parameters.red.appreciation_rate = 0.1;
    const gain = 0.25 * (200_000 * Math.exp(0.5) - 200_000);
    expect(portfolioMetrics(f, [loan()]).expected_multiple).toBeCloseTo((62_500 + gain) / 50_000, 12);
  });

  it('names a non-object loan and states each rule', () => {
    expectInputError(() => portfolioMetrics(fund, [5 as unknown as Loan]), 'loans.0');
    expect(() => portfolioMetrics(fund, [null as unknown as Loan])).toThrow('loans.0: must be an object');
    expect(() => portfolioMetrics(fund, 'x' as unknown as Loan[])).toThrow('loans: must be an array');
    expect(() => portfolioMetrics(fund, [loan({ loan_amount: -1 })])).toThrow('loans.0.loan_amount: must be a positive finite number, got -1');
    expect(() => portfolioMetrics(fund, [loan({ ltv: 2 })])).toThrow('loans.0.ltv: must be in (0, 1], got 2');
    expect(() => portfolioMetrics(fund, [loan({ zone: 'blue' as Loan['zone'] })])).toThrow('loans.0.zone: must be green, orange or red, got blue');
    expect(() => portfolioMetrics(fund, [loan({ origination_year: 31 })])).toThrow('loans.0.origination_year: must be in [0, 30], got 31');
    expect(() => portfolioMetrics(fund, [loan({ exit_year: 61 })])).toThrow('loans.0.exit_year: must be in [origination_year, 60], got 61');
  });

  it('refuses more than a million loans', () => {
    const many = new Array<Loan>(1_000_001).fill(loan());
    expect(() => portfolioMetrics(fund, many)).toThrow('loans: at most 1000000 loans');
  });
});
