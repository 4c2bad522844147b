import { createService, type Service } from '@equihome/platform';
import type { FundServiceConfig } from './config.js';
import { SERVICE_NAME, type FundServiceInfrastructure } from './infrastructure.js';
import { serveFundRpc } from './rpc.js';
import { fundRoutes } from './routes/funds.js';

export const SERVICE_VERSION = '0.2.0';

/**
 * Builds fund-service on its connected infrastructure, without listening: the `/api/funds`
 * routes, the `equihome.rpc.fund.get` responder, health, metrics and `/docs`. `close()`
 * drains HTTP, stops the responder, then closes the infrastructure (relay, NATS, store).
 */
export async function buildApp(config: FundServiceConfig, infrastructure: FundServiceInfrastructure): Promise<Service<FundServiceConfig>> {
  const running: { responders: Array<{ stop(): Promise<void> }> } = { responders: [] };
  const service = await createService({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    config,
    openapi: { title: 'Equihome fund-service', description: 'Design funds: every parameter of the financial model, with documented defaults.' },
    readiness: infrastructure.readiness,
    onClose: [async () => Promise.all(running.responders.map((r) => r.stop())), () => infrastructure.close()],
    routes: (app) => fundRoutes(app, infrastructure),
  });
  running.responders = serveFundRpc(infrastructure);
  return service;
}
