/**
 * A worker process's probe/metrics listener (WORKER_HEALTH_PORT), as Kubernetes and
 * Prometheus use it: live, ready (worker running + Redis answers), the jobs it finished in
 * /metrics, 404 for anything else, and it goes away with the process on SIGTERM.
 */
import { freePort } from '@equihome/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './helpers.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi({ env: { SIM_SHARD_PATHS: '500' } });
}, 180_000);
afterAll(async () => {
  await t?.cleanup();
});

let queuedRun: string;

describe("the API's queue gauge", () => {
  it('exports the queue by state for KEDA: shards wait as prioritized jobs, the merge waits for its children', async () => {
    const fund = t.fakes.addFund();
    queuedRun = (await t.submit({ fund_id: fund.id, paths: 1_000, seed: 3, granularity: 'yearly' })).id; // no worker runs yet
    const res = await t.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const sample = (state: string) => Number(new RegExp(`equihome_simulation_queue_jobs\\{state="${state}",service="simulation-service"\\} (\\d+)`).exec(res.body)?.[1]);
    expect(sample('prioritized')).toBe(2);
    expect(sample('waiting-children')).toBe(1);
    expect(sample('wait')).toBe(0);
    expect(sample('active')).toBe(0);
  });
});

describe('worker health listener', () => {
  it('answers the probes, counts finished jobs in /metrics, and stops with the worker', async () => {
    const port = await freePort();
    const [worker] = await t.startWorkers(1, { WORKER_HEALTH_PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { worker: true, redis: true } });
    expect((await fetch(`${url}/nope`)).status).toBe(404);

    const fund = t.fakes.addFund();
    const run = await t.submit({ fund_id: fund.id, paths: 1_000, seed: 4, granularity: 'yearly' });
    expect((await t.waitForEnd(run.id)).state).toBe('completed');
    expect((await t.waitForEnd(queuedRun)).state).toBe('completed');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    // two runs of two shards of 500 and a merge each
    expect(metrics).toMatch(/equihome_simulation_worker_jobs_total\{outcome="completed",service="simulation-service",role="worker"\} 6/);
    expect(metrics).toContain('process_resident_memory_bytes');

    await worker.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
