/**
 * `equihome_simulation_queue_jobs{state}`: the BullMQ queue's job counts, read from Redis at
 * each scrape of the API's /metrics — what KEDA's prometheus trigger scales the workers on
 * (deploy/k8s/overlays/prod). `prioritized` is where the shards wait (every shard has a
 * priority, see simulation-queue.ts), so the `…:wait` list alone would read 0.
 */
import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';

export const QUEUE_STATES = ['wait', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed'] as const;

export function registerQueueMetrics(registry: Registry, queue: Queue): void {
  new Gauge({
    name: 'equihome_simulation_queue_jobs',
    help: 'Jobs of the simulation queue by state (Redis, at scrape time)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      } catch {
        // Redis unreachable: no sample this scrape (readiness reports Redis separately)
        this.reset();
      }
    },
  });
}
