import { describe, expect, it } from 'vitest';
import { exampleFund, mergeSummaries, simulateFund } from '../src/index.js';
import type { SimulationSummary } from '../src/index.js';
import { oneLoanPortfolio, tinyFund } from './helpers.js';

const json = (s: SimulationSummary) => JSON.parse(JSON.stringify(s));

describe('simulateFund reproducibility and shard invariance', () => {
  const fund = exampleFund();
  const N = 60;
  // Computed inside each test (not at collection time), so mutation testing sees it.
  const simulateWhole = () => simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly' });

  it('is reproducible for the same inputs and differs for another seed', () => {
    const whole = simulateWhole();
    expect(json(simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly' }))).toStrictEqual(json(whole));
    const other = simulateFund(fund, { paths: N, seed: 2025, granularity: 'monthly' });
    expect(other.lp.irr.mean).not.toBe(whole.lp.irr.mean);
  });

  it('merges uneven shards in any order into a bit-identical summary', () => {
    const whole = simulateWhole();
    const cuts = [[0, 1], [1, 25], [25, 47], [47, 60]] as [number, number][];
    const parts = cuts.map((r) => simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly', path_range: r }));
    expect(json(mergeSummaries([parts[2], parts[0], parts[3], parts[1]]))).toStrictEqual(json(whole));
    // Through JSON (as stored / sent over NATS).
    expect(json(mergeSummaries(parts.map(json)))).toStrictEqual(json(whole));
  });

  it('merges equal shards, and merges of merges, into the same summary', () => {
    const whole = simulateWhole();
    const parts: SimulationSummary[] = [];
    for (let s = 0; s < N; s += 20) parts.push(simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly', path_range: [s, s + 20] }));
    const left = mergeSummaries(parts.slice(0, 2));
    const right = mergeSummaries(parts.slice(2));
    expect(json(mergeSummaries([right, left]))).toStrictEqual(json(whole));
    expect(whole.paths).toBe(N);
    expect(whole.path_ranges).toStrictEqual([[0, N]]);
  });

  it('refuses overlapping shards and shards of different simulations', () => {
    const a = simulateFund(fund, { paths: 20, seed: 1, granularity: 'yearly', path_range: [0, 10] });
    const b = simulateFund(fund, { paths: 20, seed: 1, granularity: 'yearly', path_range: [5, 15] });
    expect(() => mergeSummaries([a, b])).toThrow(expect.objectContaining({ code: 'SUMMARY_OVERLAP', message: 'overlapping path ranges [0, 10) and [5, 15)' }));
    const c = simulateFund(fund, { paths: 20, seed: 2, granularity: 'yearly', path_range: [10, 20] });
    expect(() => mergeSummaries([a, c])).toThrow(/different simulations/);
    const f2 = exampleFund();
    f2.fee_structure.management_fee_rate = 0.015;
    const d = simulateFund(f2, { paths: 20, seed: 1, granularity: 'yearly', path_range: [10, 20] });
    expect(() => mergeSummaries([a, d])).toThrow(expect.objectContaining({ code: 'SUMMARY_MISMATCH' }));
    // Any one identifying field differing (as stored or received) is refused.
    const e = simulateFund(fund, { paths: 20, seed: 1, granularity: 'yearly', path_range: [10, 20] });
    expect(mergeSummaries([a, e]).paths).toBe(20);
    const tampered: Partial<SimulationSummary>[] = [{ engine_version: '0.0.0' }, { seed: 99 }, { granularity: 'monthly' }, { periods: 11 }, { config_hash: '0000000000000000' }, { fund_size: 1 }];
    for (const t of tampered) expect(() => mergeSummaries([a, { ...json(e), ...t }]), JSON.stringify(t)).toThrow(expect.objectContaining({ code: 'SUMMARY_MISMATCH' }));
    expect(() => mergeSummaries([])).toThrow(expect.objectContaining({ code: 'SUMMARY_EMPTY', message: 'mergeSummaries needs at least one summary' }));
    expect(() => mergeSummaries([a, {} as SimulationSummary])).toThrow('parts.1: must be a SimulationSummary (with its state)');
    expect(() => mergeSummaries([a, { ...json(e), state: 5 } as unknown as SimulationSummary])).toThrow(/parts.1/);
    expect(() => mergeSummaries([a, 5 as unknown as SimulationSummary])).toThrow(/parts.1/);
    expect(() => mergeSummaries([a, { ...json(e), state: null } as unknown as SimulationSummary])).toThrow(/parts.1/);
    expect(() => mergeSummaries([null as unknown as SimulationSummary])).toThrow(/parts.0/);
  });

  it('coalesces adjacent path ranges and keeps gaps', () => {
    const shard = (r: [number, number]) => simulateFund(fund, { paths: 40, seed: 1, granularity: 'yearly', path_range: r });
    expect(mergeSummaries([shard([10, 20]), shard([0, 10])]).path_ranges).toStrictEqual([[0, 20]]);
    expect(mergeSummaries([shard([30, 40]), shard([0, 5]), shard([5, 10])]).path_ranges).toStrictEqual([[0, 10], [30, 40]]);
  });

  it('summarises an empty shard as zero paths with null ("no value") statistics', () => {
    const empty = simulateFund(fund, { paths: 40, seed: 1, granularity: 'yearly', path_range: [5, 5] });
    expect(empty.paths).toBe(0);
    expect(empty.path_ranges).toStrictEqual([]);
    expect(empty.lp.probability_of_loss).toBe(0);
    expect(empty.lp.irr).toMatchObject({ count: 0, missing: 0, mean: null, sd: null, p50: null, min: null, max: null });
    expect(empty.lp.var95.irr).toBeNull();
    expect(empty.lp.cvar95.irr).toBeNull();
    expect(empty.zones.green).toStrictEqual({ loans: 0, defaults: 0, exits: 0, losses: 0, default_rate: 0 });
    expect(empty.unfunded_loans).toBe(0);
    expect(empty.bands.nav.p50.every((x) => x === 0)).toBe(true);
    // Merging it changes nothing but nothing is lost either.
    const full = simulateFund(fund, { paths: 40, seed: 1, granularity: 'yearly', path_range: [0, 5] });
    expect(json(mergeSummaries([empty, full]))).toStrictEqual(json(full));
  });

  it('reports progress up to the number of paths in the call', () => {
    const seen: [number, number][] = [];
    const tiny = tinyFund();
    simulateFund(tiny, { paths: 2500, seed: 3, granularity: 'yearly', path_range: [100, 2200], portfolio: oneLoanPortfolio(), onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toStrictEqual([[1000, 2100], [2000, 2100], [2100, 2100]]);
    const exact: [number, number][] = [];
    simulateFund(tiny, { paths: 1000, seed: 3, granularity: 'yearly', portfolio: oneLoanPortfolio(), onProgress: (d, t) => exact.push([d, t]) });
    expect(exact).toStrictEqual([[1000, 1000]]);
  });

  it('fingerprints the inputs: key order, document fields and absent optionals do not matter, any parameter or loan does', () => {
    const portfolio = oneLoanPortfolio();
    const hash = (f: ReturnType<typeof tinyFund>, p = portfolio) => simulateFund(f, { paths: 1, seed: 1, granularity: 'yearly', portfolio: p }).config_hash;
    const base = tinyFund();
    const h = hash(base);
    // Same parameters built in another key order, with document fields and an undefined optional.
    const reordered = Object.fromEntries(Object.entries(structuredClone(base)).reverse()) as typeof base;
    reordered.fee_structure = Object.fromEntries(Object.entries(base.fee_structure).reverse()) as typeof base.fee_structure;
    Object.assign(reordered, { id: 'f-1', version: 3, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-02-01T00:00:00Z', time_horizon: undefined });
    expect(hash(reordered)).toBe(h);
    const withNull = structuredClone(base);
    withNull.fee_structure.fee_step_down = { after_year: 3, rate: 0.01 };
    expect(hash(withNull)).not.toBe(h);
    const otherLoan = oneLoanPortfolio({ loan_amount: 500_001 });
    expect(hash(base, otherLoan)).not.toBe(h);
    const calls = structuredClone(base);
    calls.capital_calls = [{ date: '2025-01-01', amount: 1 }, { date: '2026-01-01', amount: 2 }];
    const swapped = structuredClone(base);
    swapped.capital_calls = [{ date: '2026-01-01', amount: 2 }, { date: '2025-01-01', amount: 1 }];
    expect(hash(calls)).not.toBe(hash(swapped));
    // Always 16 hex digits, leading zeros kept.
    const many = Array.from({ length: 64 }, (_, i) => {
      const f = structuredClone(base);
      f.size = 1_000_000 + i;
      return hash(f);
    });
    for (const x of many) expect(x).toMatch(/^[0-9a-f]{16}$/);
    expect(many.some((x) => x[0] === '0' || x[8] === '0')).toBe(true);
    expect(new Set(many).size).toBe(64);
  });
});
