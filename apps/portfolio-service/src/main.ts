/**
 * portfolio-service entry point: parses the config ONCE, connects the infrastructure
 * (document store migrated, NATS stream ensured, outbox relay started), builds the app and
 * listens on PORT (default 3002). SIGTERM/SIGINT drain HTTP, stop the consumer and
 * responder, the relay, NATS and the store. A bad config or an unreachable back-end prints
 * one line and exits 1.
 */
import { ConfigError, loadConfig } from '@equihome/platform';
import { buildApp } from './app.js';
import { portfolioServiceConfigShape } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

try {
  const config = loadConfig(portfolioServiceConfigShape, process.env);
  const infrastructure = await connectInfrastructure(config);
  try {
    const service = await buildApp(config, infrastructure);
    await service.listen();
  } catch (err) {
    await infrastructure.close().catch(() => undefined);
    throw err;
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `${SERVICE_NAME} start-up error: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
