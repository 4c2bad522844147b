/**
 * optimization-service entry point: parses the config ONCE, connects the infrastructure
 * (document store migrated, NATS stream ensured, outbox relay started), builds the app and
 * listens on PORT (default 3004). The candidates of every job run on simulation-service's
 * workers (`equihome.rpc.simulation.submit`), so simulation-service (API + workers),
 * fund-service and, for jobs naming a portfolio, portfolio-service must run.
 * SIGTERM/SIGINT drain HTTP, stop the drivers (their jobs are resumed by any replica once
 * the lease expires), the run watcher, the relay, NATS and the store.
 */
import { runServiceMain } from '@equihome/platform';
import { buildApp } from './app.js';
import { optimizationServiceConfigShape } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

await runServiceMain({
  name: SERVICE_NAME,
  configShape: optimizationServiceConfigShape,
  connect: (config) => connectInfrastructure(config),
  build: async (config, infrastructure) => (await buildApp(config, infrastructure)).service,
});
