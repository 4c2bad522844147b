/**
 * fund-service entry point: reads the config, connects PostgreSQL/MongoDB and NATS (applying
 * migrations and the event stream), builds the app and listens on PORT (default 3001).
 * SIGTERM/SIGINT drain HTTP, stop the RPC responder, then close NATS and the databases.
 */
import { ConfigError, loadConfig } from '@equihome/platform';
import { buildApp } from './app.js';
import { fundServiceConfig } from './config.js';
import { connectInfrastructure } from './infrastructure.js';

try {
  const config = loadConfig(fundServiceConfig, process.env);
  const infrastructure = await connectInfrastructure(config);
  try {
    const service = await buildApp({ env: process.env, ...infrastructure });
    await service.listen();
  } catch (err) {
    for (const close of infrastructure.onClose) await close().catch(() => undefined);
    throw err;
  }
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `fund-service start-up error: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
}
