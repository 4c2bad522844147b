import { createService, type Service } from '@equihome/platform';
import type { SimulationServiceConfig } from './config.js';
import { consumePortfolioEvents } from './events.js';
import { SERVICE_NAME, type SimulationServiceInfrastructure } from './infrastructure.js';
import { startProgressTracker, type ProgressTracker } from './progress.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { startReconciler, type Reconciler } from './reconciler.js';
import { redisConnection } from './redis-connections.js';
import { chartRoutes } from './routes/charts.js';
import { simulationRoutes } from './routes/simulations.js';
import { startRpcServer } from './rpc-server.js';

export const SERVICE_VERSION = '0.1.0';

/** What the API runs besides HTTP (tests reach the reconciler and the tracker through it). */
export interface SimulationApi {
  service: Service<SimulationServiceConfig>;
  progress: ProgressTracker;
  reconciler: Reconciler;
}

/**
 * Builds simulation-service's API on its connected infrastructure, without listening: the
 * `/api/simulations` routes, the progress tracker (BullMQ queue events → progress events),
 * the reconciler and the durable consumers of portfolio events. `close()` drains HTTP, then
 * stops the consumers, the reconciler and the tracker, then closes the infrastructure
 * (relay, NATS, store, pool, Redis). Workers are separate processes (worker.ts).
 */
export async function buildApp(config: SimulationServiceConfig, infrastructure: SimulationServiceInfrastructure): Promise<SimulationApi> {
  const { log } = infrastructure;
  const eventsConnection = redisConnection(config.REDIS_URL, 'worker', `${SERVICE_NAME}-events`, log);
  const progress = await startProgressTracker({
    queueName: config.SIM_QUEUE,
    prefix: config.BULLMQ_PREFIX,
    connection: infrastructure.redis,
    eventsConnection,
    messaging: infrastructure.messaging,
    runs: infrastructure.runs,
    results: infrastructure.results,
    log,
    intervalMs: config.SIM_PROGRESS_INTERVAL_MS,
  }).catch(async (err: unknown) => {
    eventsConnection.disconnect();
    throw err;
  });
  const reconciler = startReconciler({
    runs: infrastructure.runs,
    results: infrastructure.results,
    queue: infrastructure.queue,
    log,
    intervalMs: config.SIM_RECONCILE_INTERVAL_MS,
    graceMs: config.SIM_RECONCILE_GRACE_MS,
  });
  const consumers: Array<{ stop(): Promise<void> }> = [];
  const stopBackground = async () => {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    await reconciler.stop();
    await progress.stop();
    await eventsConnection.quit().catch(() => eventsConnection.disconnect());
  };
  const submission = {
    messaging: infrastructure.messaging,
    runs: infrastructure.runs,
    results: infrastructure.results,
    queue: infrastructure.queue,
    fundTimeoutMs: config.FUND_RPC_TIMEOUT_MS,
    portfolioTimeoutMs: config.PORTFOLIO_RPC_TIMEOUT_MS,
    shardPaths: config.SIM_SHARD_PATHS,
  };
  let service: Service<SimulationServiceConfig>;
  try {
    service = await createService({
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      config,
      openapi: {
        title: 'Equihome simulation-service',
        description: 'Monte Carlo runs of a fund and its portfolio: sharded over BullMQ workers, cached, cancellable, with live progress.',
      },
      readiness: infrastructure.readiness,
      onClose: [stopBackground, () => infrastructure.close()],
      routes: (app) => {
        simulationRoutes(app, { ...submission, progress, log });
        chartRoutes(app, { runs: infrastructure.runs, results: infrastructure.results });
      },
    });
  } catch (err) {
    await stopBackground();
    throw err;
  }
  registerQueueMetrics(service.metrics.registry, infrastructure.queue.queue);
  try {
    consumers.push(...(await consumePortfolioEvents({ messaging: infrastructure.messaging, results: infrastructure.results, log: service.app.log, durable: config.PORTFOLIO_EVENTS_DURABLE })));
    // equihome.rpc.simulation.submit | get | cancel: optimization-service's candidates run here (rpc-server.ts).
    consumers.push(...startRpcServer(infrastructure.messaging, { ...submission, log: service.app.log }));
  } catch (err) {
    await service.close().catch(() => undefined);
    throw err;
  }
  return { service, progress, reconciler };
}
