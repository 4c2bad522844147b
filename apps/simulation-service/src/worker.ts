/**
 * simulation-service WORKER entry point (the same image as the API, another command):
 * `node dist/worker.js`, or from sources `node --conditions=@equihome/source --import tsx
 * apps/simulation-service/src/worker.ts`. Parses the config ONCE, connects PostgreSQL and
 * Redis, and runs the BullMQ Worker with WORKER_THREADS sandboxed threads. SIGTERM/SIGINT:
 * `worker.close()` (active shards finish, nothing is left stalled), then the connections
 * close and the process exits 0. The process title is `simulation-service worker`.
 */
import { ConfigError, loadConfig } from '@equihome/platform';
import { simulationServiceConfigShape } from './config.js';
import { connectWorkerInfrastructure } from './infrastructure.js';
import { jsonLogger } from './json-logger.js';
import { SERVICE_NAME } from './service-name.js';
import { startSimulationWorker } from './simulation-worker.js';
import { startWorkerHealth, type WorkerHealth } from './worker-health.js';

process.title = `${SERVICE_NAME} worker`;

try {
  const config = loadConfig(simulationServiceConfigShape, process.env);
  const log = jsonLogger(SERVICE_NAME, config.LOG_LEVEL, { role: 'worker', pid: process.pid });
  const infrastructure = await connectWorkerInfrastructure(config, log);
  const running = startSimulationWorker(infrastructure);
  const health: WorkerHealth | undefined =
    config.WORKER_HEALTH_PORT === undefined ? undefined : await startWorkerHealth({ port: config.WORKER_HEALTH_PORT, worker: running.worker, redis: infrastructure.redis, service: SERVICE_NAME });
  log.info({ threads: config.WORKER_THREADS, queue: config.SIM_QUEUE, prefix: config.BULLMQ_PREFIX, health_port: health?.port }, 'simulation worker started');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'simulation worker stopping');
    const force = setTimeout(() => process.exit(1), 60_000);
    force.unref();
    running
      .close()
      .then(() => health?.close())
      .then(() => infrastructure.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `${SERVICE_NAME} worker start-up error: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
