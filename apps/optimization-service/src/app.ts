import { hostname } from 'node:os';
import { createService, type Service } from '@equihome/platform';
import type { OptimizationServiceConfig } from './config.js';
import { SERVICE_NAME, type OptimizationServiceInfrastructure } from './infrastructure.js';
import { JobRunner } from './jobs.js';
import { chartRoutes } from './routes/charts.js';
import { optimizationRoutes, replicaName } from './routes/optimization.js';
import { RunWatcher } from './run-watcher.js';

export const SERVICE_VERSION = '0.1.0';

export interface OptimizationApi {
  service: Service<OptimizationServiceConfig>;
  runner: JobRunner;
  watcher: RunWatcher;
}

/**
 * Builds optimization-service on its connected infrastructure, without listening: the
 * `/api/optimization` routes, the run watcher (candidates' terminal events + polling) and the
 * job runner (drivers under leases, the sweeper that resumes orphaned jobs). `close()` drains
 * HTTP, stops the drivers (leases released: another replica resumes their jobs), the watcher,
 * then the infrastructure (relay, NATS, store).
 */
export async function buildApp(config: OptimizationServiceConfig, infrastructure: OptimizationServiceInfrastructure): Promise<OptimizationApi> {
  const log = consoleLike();
  const watcher = new RunWatcher(infrastructure.messaging, { pollMs: config.OPT_POLL_INTERVAL_MS, timeoutMs: config.SIMULATION_RPC_TIMEOUT_MS, log });
  watcher.start();
  const runner = new JobRunner({ jobs: infrastructure.jobs, messaging: infrastructure.messaging, watcher, config, log, owner: `${hostname()}/${replicaName()}` });
  let service: Service<OptimizationServiceConfig>;
  try {
    service = await createService({
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      config,
      openapi: { title: 'Equihome optimization-service', description: 'Efficient frontiers, sensitivity (tornado, heat map) and goal seek, on the simulation workers with common random numbers.' },
      readiness: infrastructure.readiness,
      onClose: [() => runner.stop(), () => watcher.stop(), () => infrastructure.close()],
      routes: (app) => {
        optimizationRoutes(app, { jobs: infrastructure.jobs, messaging: infrastructure.messaging, runner, config });
        chartRoutes(app, { jobs: infrastructure.jobs });
      },
    });
  } catch (err) {
    await runner.stop();
    await watcher.stop();
    throw err;
  }
  const appLog = service.app.log;
  Object.assign(log, { info: appLog.info.bind(appLog), warn: appLog.warn.bind(appLog), error: appLog.error.bind(appLog) });
  runner.start();
  return { service, runner, watcher };
}

/** A logger whose methods are replaced by the app's pino logger once it exists. */
function consoleLike() {
  return { info: (_f: Record<string, unknown>, _m: string) => undefined, warn: (_f: Record<string, unknown>, _m: string) => undefined, error: (_f: Record<string, unknown>, _m: string) => undefined };
}
