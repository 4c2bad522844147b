/**
 * realtime-gateway entry point: parses the config ONCE (an upstream URL variable set to the
 * empty string = that upstream is not configured), connects NATS, builds the gateway and
 * listens on PORT (default 8080): the one origin of the frontend. SIGTERM/SIGINT close every
 * WebSocket (1001), drain HTTP, say goodbye in presence and close NATS. A bad config or an
 * unreachable NATS prints one line and exits 1.
 */
import { runServiceMain } from '@equihome/platform';
import { buildApp } from './app.js';
import { gatewayConfigShape, gatewayEnv } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

await runServiceMain({
  name: SERVICE_NAME,
  configShape: gatewayConfigShape,
  env: gatewayEnv(process.env),
  connect: (config) => connectInfrastructure(config),
  build: async (config, infrastructure) => (await buildApp(config, infrastructure)).service,
});
