/**
 * The worker process's small HTTP listener for Kubernetes probes and Prometheus (workers
 * serve no API): `GET /health/live` → 200 while the event loop turns; `GET /health/ready` →
 * 200 when the BullMQ worker runs and Redis answers PING within a second, else 503;
 * `GET /metrics` → default process metrics plus `equihome_simulation_worker_jobs_total`
 * {outcome: completed|failed} and the active jobs gauge. Only when WORKER_HEALTH_PORT is set
 * (locally several workers share a host and need no probes).
 */
import { createServer, type Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface WorkerHealth {
  readonly port: number;
  close(): Promise<void>;
}

export async function startWorkerHealth(options: { port: number; host?: string; worker: Worker; redis: Redis; service: string }): Promise<WorkerHealth> {
  const { worker, redis } = options;
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service, role: 'worker' });
  collectDefaultMetrics({ register: registry });
  const jobs = new Counter({ name: 'equihome_simulation_worker_jobs_total', help: 'Jobs (shards and merges) this worker process finished, by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  let active = 0;
  new Gauge({ name: 'equihome_simulation_worker_active_jobs', help: 'Jobs this worker process is computing now', registers: [registry], collect() { this.set(active); } });
  worker.on('active', () => void active++);
  worker.on('completed', () => {
    active = Math.max(0, active - 1);
    jobs.inc({ outcome: 'completed' });
  });
  worker.on('failed', () => {
    active = Math.max(0, active - 1);
    jobs.inc({ outcome: 'failed' });
  });

  const ready = async (): Promise<boolean> => {
    if (!worker.isRunning()) return false;
    const ping = redis.ping().then((r) => r === 'PONG', () => false);
    const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 1_000, false).unref());
    return Promise.race([ping, timeout]);
  };

  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'application/problem+json', JSON.stringify({ type: 'urn:equihome:problem:METHOD_NOT_ALLOWED', title: 'Method not allowed', status: 405, code: 'METHOD_NOT_ALLOWED' }));
    if (req.url === '/health/live') return send(200, 'application/json', JSON.stringify({ status: 'live' }));
    if (req.url === '/health/ready') {
      void ready().then((ok) => send(ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ready' : 'not ready', checks: { worker: worker.isRunning(), redis: ok } })));
      return;
    }
    if (req.url === '/metrics') {
      void registry.metrics().then((text) => send(200, registry.contentType, text));
      return;
    }
    send(404, 'application/problem+json', JSON.stringify({ type: 'urn:equihome:problem:NOT_FOUND', title: 'Not found', status: 404, code: 'NOT_FOUND' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : options.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
