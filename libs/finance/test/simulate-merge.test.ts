import { describe, expect, it } from 'vitest';
import { exampleFund, FinanceError, mergeSummaries, simulateFund } from '../src/index.js';
import type { SimulationSummary } from '../src/index.js';

const json = (s: SimulationSummary) => JSON.parse(JSON.stringify(s));

describe('simulateFund reproducibility and shard invariance', () => {
  const fund = exampleFund();
  const N = 240;
  const whole = simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly' });

  it('is reproducible for the same inputs and differs for another seed', () => {
    expect(json(simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly' }))).toStrictEqual(json(whole));
    const other = simulateFund(fund, { paths: N, seed: 2025, granularity: 'monthly' });
    expect(other.lp.irr.mean).not.toBe(whole.lp.irr.mean);
  });

  it('merges uneven shards in any order into a bit-identical summary', () => {
    const cuts = [[0, 1], [1, 97], [97, 200], [200, 240]] as [number, number][];
    const parts = cuts.map((r) => simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly', pathRange: r }));
    expect(json(mergeSummaries([parts[2], parts[0], parts[3], parts[1]]))).toStrictEqual(json(whole));
    // Through JSON (as stored / sent over NATS).
    expect(json(mergeSummaries(parts.map(json)))).toStrictEqual(json(whole));
  });

  it('merges equal shards, and merges of merges, into the same summary', () => {
    const parts: SimulationSummary[] = [];
    for (let s = 0; s < N; s += 30) parts.push(simulateFund(fund, { paths: N, seed: 2024, granularity: 'monthly', pathRange: [s, s + 30] }));
    const left = mergeSummaries(parts.slice(0, 5));
    const right = mergeSummaries(parts.slice(5));
    expect(json(mergeSummaries([right, left]))).toStrictEqual(json(whole));
    expect(whole.paths).toBe(N);
    expect(whole.pathRanges).toStrictEqual([[0, N]]);
  });

  it('refuses overlapping shards and shards of different simulations', () => {
    const a = simulateFund(fund, { paths: 20, seed: 1, granularity: 'yearly', pathRange: [0, 10] });
    const b = simulateFund(fund, { paths: 20, seed: 1, granularity: 'yearly', pathRange: [5, 15] });
    expect(() => mergeSummaries([a, b])).toThrow(FinanceError);
    const c = simulateFund(fund, { paths: 20, seed: 2, granularity: 'yearly', pathRange: [10, 20] });
    expect(() => mergeSummaries([a, c])).toThrow(/different simulations/);
    const f2 = exampleFund();
    f2.fee_structure.management_fee_rate = 0.015;
    const d = simulateFund(f2, { paths: 20, seed: 1, granularity: 'yearly', pathRange: [10, 20] });
    expect(() => mergeSummaries([a, d])).toThrow(/different simulations/);
    expect(() => mergeSummaries([])).toThrow(FinanceError);
    expect(() => mergeSummaries([a, {} as SimulationSummary])).toThrow(/parts.1/);
  });

  it('reports progress up to the number of paths in the call', () => {
    const seen: [number, number][] = [];
    simulateFund(fund, { paths: 2500, seed: 3, granularity: 'yearly', pathRange: [0, 2100], onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toStrictEqual([[1000, 2100], [2000, 2100], [2100, 2100]]);
  });
});
