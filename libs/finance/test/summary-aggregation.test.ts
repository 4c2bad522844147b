import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, exampleFund, simulateFund, simulatePath } from '../src/index.js';
import type { Fund, MetricDistribution, PathLedger, SimulationSummary } from '../src/index.js';
import { oneLoanPortfolio, sum, tinyFund } from './helpers.js';

// The summary of N paths must agree with the N per-path ledgers computed one by one
// (independent path: simulatePath + plain arithmetic here, per MODEL-NOTES "Metrics").

const PCTS = [['p1', 0.01], ['p5', 0.05], ['p10', 0.1], ['p25', 0.25], ['p50', 0.5], ['p75', 0.75], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99]] as const;
const LEVELS = ['gross', 'fund', 'lp', 'gp'] as const;
type Level = (typeof LEVELS)[number];

/** The value at continuous rank p·n of the sorted sample (the order statistic the histogram percentile lands on). */
const rankValue = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length - 1e-9) - 1)];

/** Per-path metrics of one level from its ledger (MODEL-NOTES §7): contributions, distributions, NAV share at the end. */
function levelMetrics(l: PathLedger, level: Level, g: number): { tvpi: number; dpi: number; payback: number; irr: number | null } {
  const share = level === 'gross' || level === 'fund' ? 1 : level === 'lp' ? 1 - g : g;
  const contrib = level === 'gross' ? l.advances : l.calls.map((c) => share * c);
  const dist = level === 'gross' ? l.proceeds : level === 'fund' ? l.distributions : level === 'lp' ? l.lp_distributions : l.gp_distributions;
  const navEnd = level === 'gross' ? 0 : share * l.cash[l.periods];
  let paid = 0;
  let got = 0;
  let payback = Number.NaN;
  for (let k = 0; k <= l.periods; k++) {
    paid += contrib[k];
    got += dist[k];
    if (Number.isNaN(payback) && paid > 0 && got >= paid) payback = k / l.steps_per_year;
  }
  return { tvpi: paid > 0 ? (got + navEnd) / paid : Number.NaN, dpi: paid > 0 ? got / paid : Number.NaN, payback: paid > 0 ? payback : Number.NaN, irr: l.irr[level] };
}

/** Largest fall of NAV + cumulative distributions from its running peak, as a fraction of the peak. */
function maxDrawdown(l: PathLedger): number {
  let peak = 0;
  let dd = 0;
  let cum = 0;
  for (let k = 0; k <= l.periods; k++) {
    cum += l.distributions[k];
    const tv = l.nav[k] + cum;
    if (tv > peak) peak = tv;
    else if (peak > 0) dd = Math.max(dd, (peak - tv) / peak);
  }
  return dd;
}

/** Checks a distribution against the sample: count/missing exact, mean/sd to the 2^-24 quantisation, min/max exact, every percentile within one bin. */
function expectDistribution(d: MetricDistribution, values: number[], binWidth: number, label: string): void {
  const finite = values.filter((v) => Number.isFinite(v));
  expect(d.count, label).toBe(finite.length);
  expect(d.missing, label).toBe(values.length - finite.length);
  if (finite.length === 0) {
    // No value: every statistic is null, never 0.
    for (const key of ['mean', 'sd', 'min', 'max', ...PCTS.map(([name]) => name)] as const) expect(d[key], `${label}.${key}`).toBeNull();
    return;
  }
  const mean = sum(finite) / finite.length;
  expect(Math.abs(d.mean! - mean), label).toBeLessThan(1e-7 * Math.max(1, Math.abs(mean)));
  if (finite.length > 1) {
    const sd = Math.sqrt(finite.reduce((a, x) => a + (x - mean) ** 2, 0) / (finite.length - 1));
    expect(Math.abs(d.sd! - sd), label).toBeLessThan(1e-6 * Math.max(1, sd));
  }
  const sorted = finite.slice().sort((a, b) => a - b);
  expect(d.min, label).toBe(sorted[0]);
  expect(d.max, label).toBe(sorted[sorted.length - 1]);
  for (const [name, p] of PCTS) expect(Math.abs(d[name]! - rankValue(sorted, p)), `${label}.${name}`).toBeLessThanOrEqual(binWidth * (1 + 1e-9));
}

/** Mean of the lowest 5% of the sample (CVaR95), which the histogram gives within one bin. */
function lowerTailMean(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const mass = 0.05 * sorted.length;
  let left = mass;
  let s = 0;
  for (const v of sorted) {
    if (left <= 0) break;
    const take = Math.min(1, left);
    s += take * v;
    left -= take;
  }
  return s / mass;
}

function check(fund: Fund, s: SimulationSummary, ledgers: PathLedger[]): void {
  const N = ledgers.length;
  const g = fund.fee_structure.gp_commitment_rate;
  for (const level of LEVELS) {
    const m = ledgers.map((l) => levelMetrics(l, level, g));
    const lv = s[level];
    // MODEL-NOTES "IRR placement": an unsolvable IRR of a level that paid in is placed at
    // −100% (TVPI < 1) or at the +300% cap (TVPI > 1); only levels without contributions are missing.
    const irrs = m.map((x) => x.irr ?? (Number.isFinite(x.tvpi) ? (x.tvpi > 1 ? 3 : -1) : Number.NaN));
    expect(lv.no_contributions, level).toBe(m.filter((x) => !Number.isFinite(x.tvpi)).length);
    expect(lv.irr_unsolvable.count, level).toBe(m.filter((x) => x.irr === null && Number.isFinite(x.tvpi)).length);
    const tvpis = m.map((x) => x.tvpi);
    expectDistribution(lv.irr, irrs, 1e-4, `${level}.irr`);
    expectDistribution(lv.tvpi, tvpis, 1e-3, `${level}.tvpi`);
    expectDistribution(lv.dpi, m.map((x) => x.dpi), 1e-3, `${level}.dpi`);
    expectDistribution(lv.payback_years, m.map((x) => x.payback), 1 / ledgers[0].steps_per_year, `${level}.payback_years`);
    expect(lv.moic, level).toStrictEqual(lv.tvpi);
    expect(lv.probability_of_loss, level).toBe(tvpis.filter((t) => t < 1).length / N);
    expect(lv.var95, level).toStrictEqual({ irr: lv.irr.p5, tvpi: lv.tvpi.p5 });
    if (lv.irr.count > 0) expect(Math.abs(lv.cvar95.irr! - lowerTailMean(irrs)), level).toBeLessThanOrEqual(1e-4);
    if (lv.tvpi.count > 0) expect(Math.abs(lv.cvar95.tvpi! - lowerTailMean(tvpis)), level).toBeLessThanOrEqual(1e-3);
    else expect(lv.cvar95.tvpi, level).toBeNull();
  }
  expectDistribution(s.max_drawdown, ledgers.map(maxDrawdown), 5e-4, 'max_drawdown');
  // Dollar means per path are exact to the 1/16 quantisation.
  const perPath = (f: (l: PathLedger) => number) => sum(ledgers.map(f)) / N;
  expect(Math.abs(s.gp_economics.management_fees - perPath((l) => sum(l.management_fees)))).toBeLessThan(0.05);
  expect(Math.abs(s.gp_economics.origination_fees - perPath((l) => l.gp_origination_fees))).toBeLessThan(0.05);
  expect(Math.abs(s.gp_economics.carried_interest - perPath((l) => sum(l.carry)))).toBeLessThan(0.05);
  expect(s.unfunded_loans).toBeCloseTo(perPath((l) => l.unfunded_loans), 12);
  for (const [i, z] of (['green', 'orange', 'red'] as const).entries()) {
    const loans = sum(ledgers.map((l) => l.zone_loans[i]));
    const defaults = sum(ledgers.map((l) => l.zone_defaults[i]));
    expect(s.zones[z].loans, z).toBeCloseTo(loans / N, 12);
    expect(s.zones[z].defaults, z).toBeCloseTo(defaults / N, 12);
    expect(s.zones[z].exits, z).toBeCloseTo(perPath((l) => l.zone_exits[i]), 12);
    expect(s.zones[z].default_rate, z).toBe(loans > 0 ? defaults / loans : 0);
    expect(Math.abs(s.zones[z].losses - perPath((l) => l.zone_losses[i])), z).toBeLessThan(0.05);
  }
  expect(s.conservation_max_error).toBe(Math.max(...ledgers.map((l) => l.conservation_error)));
  // Fan charts: per period, every band percentile within one bin of the sample's.
  const S = ledgers[0].steps_per_year;
  expect(s.bands.years).toStrictEqual(ledgers[0].years);
  expect(s.bands.years[s.bands.years.length - 1]).toBe(fund.term);
  for (let k = 0; k <= s.periods; k += 3) {
    const lpCalls = ledgers.map((l) => (1 - g) * sum(l.calls.slice(0, k + 1)));
    const lpDist = ledgers.map((l) => sum(l.lp_distributions.slice(0, k + 1)));
    const series: [keyof SimulationSummary['bands'], number[], number][] = [
      ['nav', ledgers.map((l) => l.nav[k]), 0.005 * fund.size],
      ['lp_distributions', lpDist, 0.01 * fund.size],
      ['dpi', lpDist.map((d, i) => (lpCalls[i] > 0 ? d / lpCalls[i] : 0)), 0.01],
      ['tvpi', ledgers.map((l, i) => (lpCalls[i] > 0 ? (lpDist[i] + (1 - g) * l.nav[k]) / lpCalls[i] : 0)), 0.01],
    ];
    for (const [name, values, width] of series) {
      const sorted = values.slice().sort((a, b) => a - b);
      const band = s.bands[name] as Record<'p5' | 'p25' | 'p50' | 'p75' | 'p95', number[]>;
      for (const p of [0.05, 0.25, 0.5, 0.75, 0.95] as const) {
        const key = `p${Math.round(p * 100)}` as 'p5';
        expect(Math.abs(band[key][k] - rankValue(sorted, p)), `${name}.${key}[${k}]`).toBeLessThanOrEqual(width * (1 + 1e-9) + 1e-9 * fund.size);
      }
    }
  }
  expect(s.steps_per_year).toBe(S);
}

describe('summary aggregates the per-path ledgers', () => {
  const N = 60;

  it('derives every level, the drawdown, GP economics, zones and fan charts from the paths (default fund, quarterly)', () => {
    const fund = exampleFund();
    const s = simulateFund(fund, { paths: N, seed: 404, granularity: 'quarterly' });
    const ledgers = Array.from({ length: N }, (_, path) => simulatePath(fund, { seed: 404, path, granularity: 'quarterly' }));
    check(fund, s, ledgers);
    expect(s).toMatchObject({ engine_version: ENGINE_VERSION, seed: 404, paths: N, path_ranges: [[0, N]], granularity: 'quarterly', steps_per_year: 4, periods: 40, fund_size: fund.size });
    expect(s.config_hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('does the same for a fund with carry, a GP commitment, defaults, unfunded loans and fees to the fund (monthly)', () => {
    const fund = exampleFund();
    fund.term = 3; // originations run over 3 years: the last ones fall at the term (unfunded)
    fund.fee_structure.gp_commitment_rate = 0.1;
    fund.fee_structure.origination_fee_recipient = 'fund';
    fund.zone_parameters.green.appreciation_rate = 0.15;
    fund.zone_parameters.red.default_rate = 0.3;
    const n = 40;
    const s = simulateFund(fund, { paths: n, seed: 8, granularity: 'monthly' });
    const ledgers = Array.from({ length: n }, (_, path) => simulatePath(fund, { seed: 8, path, granularity: 'monthly' }));
    check(fund, s, ledgers);
    expect(s.unfunded_loans).toBeGreaterThan(0);
    expect(s.gp_economics.carried_interest).toBeGreaterThan(0);
    expect(s.zones.red.defaults).toBeGreaterThan(0);
  });

  it('leaves the GP level without paid-in undefined (no payback, TVPI or DPI) when the GP commits nothing', () => {
    const fund = exampleFund();
    fund.fee_structure.gp_commitment_rate = 0;
    const n = 20;
    const s = simulateFund(fund, { paths: n, seed: 12, granularity: 'quarterly' });
    const ledgers = Array.from({ length: n }, (_, path) => simulatePath(fund, { seed: 12, path, granularity: 'quarterly' }));
    check(fund, s, ledgers);
    expect(s.gp.payback_years).toMatchObject({ count: 0, missing: n });
    expect(s.gp.tvpi).toMatchObject({ count: 0, missing: n });
    expect(s.gp.dpi).toMatchObject({ count: 0, missing: n });
  });

  it('clamps fan-chart values beyond the top bin into it (TVPI above 5, NAV above 2.5× size)', () => {
    const fund = tinyFund({ mu: 0.5 });
    fund.loan_parameters.appreciation_share_method = 'fixed';
    fund.loan_parameters.appreciation_share_rate = 1;
    const s = simulateFund(fund, { paths: 4, seed: 1, granularity: 'yearly', portfolio: oneLoanPortfolio() });
    const last = s.periods;
    for (const band of [s.bands.tvpi, s.bands.dpi]) {
      expect(band.p5[last]).toBeGreaterThan(4.99);
      expect(band.p95[last]).toBeLessThanOrEqual(5);
    }
    expect(s.bands.lp_distributions.p50[last]).toBeGreaterThan(4.99 * fund.size);
    expect(s.bands.lp_distributions.p50[last]).toBeLessThanOrEqual(5 * fund.size);
    // NAV at year 4: the loan is marked far above 2.5× the fund size.
    expect(s.bands.nav.p50[4]).toBeGreaterThan(2.49 * fund.size);
    expect(s.bands.nav.p50[4]).toBeLessThanOrEqual(2.5 * fund.size);
    expect(s.lp.tvpi.p50).toBeGreaterThan(5);
  });

  it('counts every originated loan as exactly one default or exit', () => {
    const fund = exampleFund();
    for (let path = 0; path < 5; path++) {
      const l = simulatePath(fund, { seed: 3, path, granularity: 'monthly' });
      for (let z = 0; z < 3; z++) expect(l.zone_loans[z]).toBe(l.zone_defaults[z] + l.zone_exits[z]);
      // The initial portfolio (341 loans) plus reinvestment loans.
      expect(sum(l.zone_loans)).toBeGreaterThan(341);
    }
  });
});
