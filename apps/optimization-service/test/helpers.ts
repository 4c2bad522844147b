/**
 * optimization-service under test: built through the same wiring as main.ts (loadConfig →
 * connectInfrastructure → buildApp) on a random prefix, on top of the real simulation-service
 * (API + worker processes, see stack.ts) and the fund/portfolio stand-ins of that prefix.
 */
import { loadConfig } from '@equihome/platform';
import { createPool } from '@equihome/storage';
import { authHeaders, randomPrefix, silentLogger, testServiceEnv, waitFor } from '@equihome/testing';
import { buildApp, type OptimizationApi } from '../src/app.js';
import { optimizationServiceConfigShape, type OptimizationServiceConfig } from '../src/config.js';
import { connectInfrastructure, type OptimizationServiceInfrastructure } from '../src/infrastructure.js';
import { startSimulationStack, type SimulationStack } from './stack.js';

type Inject = OptimizationApi['service']['app']['inject'];
type Reply = Awaited<ReturnType<Inject>>;
export type JobDoc = Record<string, unknown> & { id: string; state: string; result: Record<string, unknown> | null; runs: string[]; progress: number };

export interface OptimizationInstance {
  api: OptimizationApi;
  config: OptimizationServiceConfig;
  infrastructure: OptimizationServiceInfrastructure;
  inject: Inject;
}

export interface OptimizationTest extends OptimizationInstance {
  prefix: string;
  sim: SimulationStack;
  auth: Record<'viewer' | 'analyst' | 'admin', string>;
  /** Another optimization-service replica on the same prefix (closed by cleanup). */
  startReplica(env?: Record<string, string>): Promise<OptimizationInstance>;
  post(path: string, body: unknown, options?: { wait?: boolean; role?: 'viewer' | 'analyst' }): Promise<Reply>;
  get(id: string): Promise<JobDoc>;
  waitForEnd(id: string, timeoutMs?: number): Promise<JobDoc>;
  count(): Promise<number>;
  cleanup(): Promise<void>;
}

export async function startOptimizationTest(options: { workers?: number; env?: Record<string, string> } = {}): Promise<OptimizationTest> {
  const prefix = randomPrefix('opt');
  const sim = await startSimulationStack(prefix, { workers: options.workers });
  await sim.startWorkers(options.workers ?? 1);
  const instances: OptimizationInstance[] = [];
  const start = async (env: Record<string, string> = {}): Promise<OptimizationInstance> => {
    const config = loadConfig(
      optimizationServiceConfigShape,
      testServiceEnv({ prefix, env: { OPT_POLL_INTERVAL_MS: '300', OPT_PROGRESS_INTERVAL_MS: '100', OPT_SWEEP_INTERVAL_MS: '300', OPT_LEASE_MS: '3000', ...options.env, ...env } }),
    );
    const infrastructure = await connectInfrastructure(config, silentLogger);
    const api = await buildApp(config, infrastructure);
    const instance = { api, config, infrastructure, inject: api.service.app.inject.bind(api.service.app) as Inject };
    instances.push(instance);
    return instance;
  };
  const main = await start();
  const auth = await authHeaders({ prefix });
  const { inject } = main;
  const t: OptimizationTest = {
    ...main,
    prefix,
    sim,
    auth,
    startReplica: start,
    post: async (path, body, o = {}) =>
      inject({ method: 'POST', url: `/api/optimization/${path}${o.wait ? '?wait=true' : ''}`, headers: { authorization: auth[o.role ?? 'analyst'] }, payload: body as object }),
    async get(id) {
      const res = await inject({ url: `/api/optimization/${id}`, headers: { authorization: auth.viewer } });
      if (res.statusCode !== 200) throw new Error(`GET ${id}: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    async waitForEnd(id, timeoutMs = 150_000) {
      return waitFor(
        async () => {
          const job = await t.get(id);
          return ['completed', 'failed', 'cancelled'].includes(job.state) ? job : null;
        },
        { timeoutMs, intervalMs: 200, message: `optimization ${id} ended` },
      );
    },
    async count() {
      const pool = createPool(main.config.DATABASE_URL);
      try {
        return Number((await pool.query<{ n: string }>('select count(*) as n from documents where collection = $1', [main.infrastructure.jobsCollection])).rows[0].n);
      } finally {
        await pool.end();
      }
    },
    async cleanup() {
      await Promise.allSettled(instances.map((i) => i.api.service.close()));
      const pool = createPool(main.config.DATABASE_URL);
      try {
        const ids = (await pool.query<{ id: string }>('select id from documents where collection = $1', [main.infrastructure.jobsCollection])).rows.map((r) => r.id);
        await pool.query("delete from audit_log where resource = 'optimization' and resource_id = any($1::text[])", [ids]);
        await pool.query('delete from documents where collection = $1', [main.infrastructure.jobsCollection]);
      } finally {
        await pool.end();
      }
      await sim.cleanup();
    },
  };
  return t;
}
