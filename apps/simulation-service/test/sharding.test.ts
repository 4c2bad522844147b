/**
 * Sharding is invisible in the result: 3 worker processes or 1, shards of 1,000 or 20,000
 * paths — the summaries are deep-equal (and equal to the in-process engine). And the queue
 * is fair: 20 runs waiting at once all complete, the first shard of every run starting
 * before the third shard of any (with FIFO order the first run would finish before the
 * twentieth starts).
 */
import { createPool } from '@equihome/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi({ env: { SIM_SHARD_PATHS: '1000' } });
  await t.startWorkers(3);
}, 180_000);
afterAll(async () => {
  await t?.cleanup();
});

async function shardRows(runId: string) {
  const pool = createPool(t.env.DATABASE_URL);
  try {
    const { rows } = await pool.query<{ shard: number; path_start: number; path_end: number; worker: string; started: number }>(
      `select shard, path_start, path_end, worker, (extract(epoch from completed_at) * 1000 - duration_ms)::float8 as started
       from simulation_shards where run_id = $1 order by shard`,
      [runId],
    );
    return rows;
  } finally {
    await pool.end();
  }
}

describe('the same summary whatever the sharding', () => {
  const request = { paths: 4_000, seed: 99, granularity: 'monthly', cache: false } as const;
  let fundId: string;
  let withThree: Record<string, unknown>;

  it('runs 4 shards of 1,000 paths over 3 worker processes, equal to the in-process engine', async () => {
    fundId = t.fakes.addFund().id;
    const { id } = await t.submit({ fund_id: fundId, ...request });
    const run = await t.waitForEnd(id);
    expect(run.state).toBe('completed');
    withThree = run.summary!;
    expect(withThree).toEqual(await t.reference(id));
    const shards = await shardRows(id);
    expect(shards.map((s) => [s.path_start, s.path_end])).toEqual([
      [0, 1_000],
      [1_000, 2_000],
      [2_000, 3_000],
      [3_000, 4_000],
    ]);
    expect(new Set(shards.map((s) => s.worker.split('/')[1])).size).toBeGreaterThanOrEqual(2);
  });

  it('completes 20 runs submitted at once, in a fair order across runs', async () => {
    const fund = t.fakes.addFund();
    // Submitted while the queue is paused, so that all 60 shards wait together (20 POSTs take
    // seconds here; unpaused, early runs would finish before the last ones are enqueued).
    const { queue } = t.infrastructure.queue;
    await queue.pause();
    let ids: string[];
    try {
      ids = await Promise.all(Array.from({ length: 20 }, (_, i) => t.submit({ fund_id: fund.id, paths: 3_000, seed: 1_000 + i, granularity: 'yearly' }).then((r) => r.id)));
    } finally {
      await queue.resume();
    }
    const runs = await Promise.all(ids.map((id) => t.waitForEnd(id, 170_000)));
    expect(runs.map((r) => r.state)).toEqual(Array(20).fill('completed'));
    for (const i of [0, 10, 19]) expect(runs[i].summary).toEqual(await t.reference(ids[i]));
    // Shard k of every run has priority k + 1: all first shards start before any third shard.
    const shards = await Promise.all(ids.map(shardRows));
    const lastFirst = Math.max(...shards.map((s) => s[0].started));
    const firstThird = Math.min(...shards.map((s) => s[2].started));
    expect(lastFirst).toBeLessThan(firstThird);
  });

  it('gives the same summary with 1 worker process (after 2 stopped cleanly, leaving no stalled job)', async () => {
    const [a, b] = t.workers.splice(1, 2);
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);
    const active = await t.infrastructure.queue.queue.getActive();
    expect(active).toHaveLength(0);
    const { id } = await t.submit({ fund_id: fundId, ...request });
    const run = await t.waitForEnd(id);
    expect(run.summary).toEqual(withThree);
  });

  it('gives the same summary with shards of 20,000 paths (one shard)', async () => {
    const big = await startTestApi({ prefix: t.prefix, fakes: t.fakes, env: { SIM_SHARD_PATHS: '20000' } });
    try {
      const { id } = await big.submit({ fund_id: fundId, ...request });
      const run = await big.waitForEnd(id);
      expect(run.summary).toEqual(withThree);
      expect((await shardRows(id)).map((s) => [s.path_start, s.path_end])).toEqual([[0, 4_000]]);
    } finally {
      await big.close();
    }
  });
});
