/**
 * simulation-service API entry point: parses the config ONCE, connects the infrastructure
 * (document store migrated, NATS stream ensured, outbox relay started, the service's own
 * tables migrated, Redis checked), builds the app and listens on PORT (default 3003).
 * Workers run apart: `src/worker.ts`, as many processes as wanted.
 * SIGTERM/SIGINT drain HTTP, stop the consumers, reconciler and progress tracker, the relay,
 * NATS, PostgreSQL and Redis. A bad config or an unreachable back-end prints one line and exits 1.
 */
import { runServiceMain } from '@equihome/platform';
import { buildApp } from './app.js';
import { simulationServiceConfigShape } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

await runServiceMain({
  name: SERVICE_NAME,
  configShape: simulationServiceConfigShape,
  connect: (config) => connectInfrastructure(config),
  build: async (config, infrastructure) => (await buildApp(config, infrastructure)).service,
});
