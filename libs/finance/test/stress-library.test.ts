import { describe, expect, it } from 'vitest';
import { exampleFund, SCENARIO_NAMES, simulateFund, simulatePath, validateFund } from '../src/index.js';
import type { Fund, ScenarioName } from '../src/index.js';
import { oneLoanPortfolio, tinyFund } from './helpers.js';

// Issue 12 §2: the stress library beside gfc / stagnation / custom (MODEL-NOTES "Stress library").
// Hand-computed on the tiny zero-volatility fund: one loan A = 500,000 on V0 = 1,000,000
// (share 0.5) from 0 to the term 5, drift 5%, 5% simple interest.

const A = 500_000;
const V0 = 1_000_000;
const withScenario = (f: Fund, name: ScenarioName): Fund => ({ ...f, scenario: { name, shocks: [] } });

describe('stress library', () => {
  it('validates every named scenario', () => {
    expect(SCENARIO_NAMES).toEqual(['base', 'gfc', 'stagnation', 'hpa_decline_10', 'hpa_decline_25', 'valuation_haircut_10', 'rate_shock', 'custom']);
    for (const name of SCENARIO_NAMES) expect(() => validateFund(withScenario(exampleFund(), name))).not.toThrow();
  });

  it('hpa_decline_10 / _25: every zone index drops 10% / 25% at once (first period), in any granularity', () => {
    for (const [name, keep] of [['hpa_decline_10', 0.9], ['hpa_decline_25', 0.75]] as const) {
      for (const granularity of ['yearly', 'monthly'] as const) {
        const l = simulatePath(withScenario(tinyFund(), name), { seed: 1, path: 0, granularity, portfolio: oneLoanPortfolio() });
        const n = l.periods;
        // Payoff at the term: A(1 + 0.05·5) + 0.5·V0·(0.75·e^{0.25} − 1) for the 25% decline.
        expect(l.proceeds[n], `${name} ${granularity}`).toBeCloseTo(A * 1.25 + 0.5 * V0 * (keep * Math.exp(0.25) - 1), 6);
      }
    }
  });

  it('valuation_haircut_10: 10% off the property value at exit; foreclosures take 12 months longer', () => {
    const l = simulatePath(withScenario(tinyFund(), 'valuation_haircut_10'), { seed: 1, path: 0, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    expect(l.proceeds[5]).toBeCloseTo(A * 1.25 + 0.5 * (0.9 * V0 * Math.exp(0.25) - V0), 6);
    // A default in year 1 (hazard 1/yr; the first path that has one): recovery 0.9·A after
    // foreclosure_months (12) — at year 2 in base, at year 3 under the haircut scenario (same draws).
    const risky = tinyFund();
    risky.zone_parameters.green = { ...risky.zone_parameters.green, default_rate: 1 };
    const run = (f: Fund, path: number) => simulatePath(f, { seed: 1, path, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    let p = 0;
    while (!(run(risky, p).proceeds[2] > 0)) p++;
    const base = run(risky, p);
    const hair = run(withScenario(risky, 'valuation_haircut_10'), p);
    expect(base.zone_defaults[0]).toBe(1);
    expect(base.proceeds[2]).toBeCloseTo(0.9 * A, 6);
    expect(hair.zone_defaults[0]).toBe(1);
    expect(hair.proceeds[2]).toBe(0);
    expect(hair.proceeds[3]).toBeCloseTo(0.9 * A, 6);
  });

  it('rate_shock: default hazard ×2 (and drift −2pp) for three years: more defaults, lower LP returns than base', () => {
    const run = (name: ScenarioName) => simulateFund(withScenario(exampleFund(), name), { paths: 150, seed: 3, granularity: 'quarterly' });
    const base = run('base');
    const shock = run('rate_shock');
    for (const z of ['green', 'orange', 'red'] as const) expect(shock.zones[z].defaults).toBeGreaterThan(base.zones[z].defaults);
    expect(shock.lp.tvpi.p50!).toBeLessThan(base.lp.tvpi.p50!);
  });

  it('orders the library by severity on the default fund (median LP TVPI)', () => {
    const tvpi = (name: ScenarioName) => simulateFund(withScenario(exampleFund(), name), { paths: 150, seed: 3, granularity: 'quarterly' }).lp.tvpi.p50!;
    const base = tvpi('base');
    const d10 = tvpi('hpa_decline_10');
    const d25 = tvpi('hpa_decline_25');
    const hair = tvpi('valuation_haircut_10');
    expect(d10).toBeLessThan(base);
    expect(d25).toBeLessThan(d10);
    expect(hair).toBeLessThan(base);
  });
});
