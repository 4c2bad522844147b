/**
 * Benchmark: what BullMQ itself costs per job, on the real local Redis — the figure the
 * capacity model (deploy/SCALING.md) needs. 10,000 shard-like jobs (priority = shard index,
 * ids and ranges only, removeOnComplete as the service sets it) are added in bulk and taken
 * by an in-process Worker whose processor does nothing, so everything measured is queue
 * overhead: jobs/s through add → take → complete, and the Redis server's own CPU seconds per
 * job (INFO cpu, before/after). Printed, never asserted.
 *   node --conditions=@equihome/source --import tsx apps/simulation-service/bench/queue.bench.ts
 * Env: BENCH_JOBS (10,000), BENCH_CONCURRENCY (50), REDIS_URL.
 */
import { randomUUID } from 'node:crypto';
import { deleteRedisKeys, TEST_REDIS_URL } from '@equihome/testing';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { REMOVE_ON_COMPLETE } from '../src/simulation-queue.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const prefix = `{qbench${randomUUID().slice(0, 8)}}`;
const connection = () => new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

const admin = connection();
const queue = new Queue('bench', { connection: connection(), prefix });
const runId = randomUUID();
try {
  const cpu0 = await redisCpuSeconds(admin);
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, JOBS - i) }, (_, k) => {
        const shard = i + k;
        return { name: 'shard', data: { run_id: runId, shard, path_range: [shard * 100, shard * 100 + 100] }, opts: { jobId: `sim-${runId}-0-${shard}`, priority: Math.min(shard + 1, 2 ** 21), removeOnComplete: REMOVE_ON_COMPLETE } };
      }),
    );
  }
  const added = performance.now();
  const cpuAdd = await redisCpuSeconds(admin);
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('bench', async () => undefined, { connection: connection(), prefix, concurrency: CONCURRENCY });
    worker.on('completed', () => {
      if (++done === JOBS) void worker.close().then(resolve);
    });
  });
  await finished;
  const t1 = performance.now();
  const cpu1 = await redisCpuSeconds(admin);
  const addS = (added - t0) / 1000;
  const takeS = (t1 - added) / 1000;
  console.log(`BullMQ queue overhead, ${JOBS.toLocaleString('en')} prioritized jobs, no-op processor, concurrency ${CONCURRENCY}, one worker process:`);
  console.log(`  add (addBulk of 1,000): ${addS.toFixed(2)} s = ${Math.round(JOBS / addS).toLocaleString('en')} jobs/s; Redis CPU ${(((cpuAdd - cpu0) / JOBS) * 1e6).toFixed(0)} µs/job`);
  console.log(`  take + complete: ${takeS.toFixed(2)} s = ${Math.round(JOBS / takeS).toLocaleString('en')} jobs/s; Redis CPU ${(((cpu1 - cpuAdd) / JOBS) * 1e6).toFixed(0)} µs/job`);
  console.log(`  Redis CPU per job, all: ${(((cpu1 - cpu0) / JOBS) * 1e6).toFixed(0)} µs → one Redis core saturates at ~${Math.round(JOBS / (cpu1 - cpu0)).toLocaleString('en')} jobs/s`);
} finally {
  await queue.close();
  await deleteRedisKeys(`${prefix}*`);
  admin.disconnect();
}
process.exit(0);
