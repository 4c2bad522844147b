import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SHARDS, planShards, shardSize } from '../src/shard-plan.js';
import { jobIds } from '../src/simulation-queue.js';

describe('planShards', () => {
  it('cuts [0, paths) into contiguous ranges of the size, the last one shorter', () => {
    expect(planShards(6_000, 2_500)).toEqual([
      { index: 0, start: 0, end: 2_500 },
      { index: 1, start: 2_500, end: 5_000 },
      { index: 2, start: 5_000, end: 6_000 },
    ]);
    expect(planShards(1, 5_000)).toEqual([{ index: 0, start: 0, end: 1 }]);
  });

  it('covers every path exactly once for any paths and size', () => {
    fc.assert(
      // At most MAX_SHARDS shards per case (as shardSize guarantees), so a case stays cheap.
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }).chain((paths) => fc.tuple(fc.constant(paths), fc.integer({ min: Math.ceil(paths / MAX_SHARDS), max: 50_000 }))),
        ([paths, size]) => {
        const shards = planShards(paths, size);
        expect(shards.length).toBe(Math.ceil(paths / size));
        expect(shards[0].start).toBe(0);
        expect(shards[shards.length - 1].end).toBe(paths);
        shards.forEach((s, i) => {
          expect(s.index).toBe(i);
          expect(s.end - s.start).toBeGreaterThan(0);
          expect(s.end - s.start).toBeLessThanOrEqual(size);
          if (i > 0) expect(s.start).toBe(shards[i - 1].end);
        });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses non-positive or fractional arguments', () => {
    expect(() => planShards(0, 10)).toThrow(RangeError);
    expect(() => planShards(10, 0)).toThrow(RangeError);
    expect(() => planShards(10.5, 3)).toThrow(RangeError);
  });
});

describe('shardSize', () => {
  it('keeps the configured size unless the run would exceed MAX_SHARDS shards', () => {
    expect(shardSize(10_000, 5_000)).toBe(5_000);
    expect(shardSize(1_000_000, 100)).toBe(1_000_000 / MAX_SHARDS);
    expect(planShards(1_000_000, shardSize(1_000_000, 100)).length).toBeLessThanOrEqual(MAX_SHARDS);
  });
});

describe('jobIds', () => {
  it('round-trips run, generation and shard through the job ids, which contain no colon', () => {
    const run = '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60';
    expect(jobIds.parse(jobIds.shard(run, 3, 17))).toEqual({ runId: run, generation: 3, shard: 17 });
    expect(jobIds.parse(jobIds.merge(run, 0))).toEqual({ runId: run, generation: 0, shard: null });
    expect(jobIds.shard(run, 1, 2)).not.toContain(':');
    expect(jobIds.parse('repeat:abc')).toBeNull();
  });
});
