import { createService, type Service } from '@equihome/platform';
import type { PortfolioServiceConfig } from './config.js';
import { consumeFundDeleted } from './events.js';
import { SERVICE_NAME, type PortfolioServiceInfrastructure } from './infrastructure.js';
import { portfolioRoutes } from './routes/portfolios.js';
import { servePortfolioRpc } from './rpc.js';

export const SERVICE_VERSION = '0.2.0';

/**
 * Builds portfolio-service on its connected infrastructure, without listening: HTTP routes,
 * the `equihome.rpc.portfolio.get` responder and the durable `equihome.fund.deleted`
 * consumer. `close()` drains HTTP, stops the consumer and responder (the durable stays on
 * the server), then closes the infrastructure (relay, NATS, store).
 */
export async function buildApp(config: PortfolioServiceConfig, infrastructure: PortfolioServiceInfrastructure): Promise<Service<PortfolioServiceConfig>> {
  const running: Array<{ stop(): Promise<void> }> = [];
  const service = await createService({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    config,
    readiness: infrastructure.readiness,
    onClose: [async () => Promise.all(running.map((r) => r.stop())), () => infrastructure.close()],
    openapi: { title: 'Equihome portfolio-service', description: 'Loan portfolios of a fund: generate, edit, list, delete.' },
    routes: (app) => portfolioRoutes(app, { infrastructure, fundTimeoutMs: config.FUND_RPC_TIMEOUT_MS }),
  });
  try {
    running.push(...servePortfolioRpc(infrastructure));
    running.push(await consumeFundDeleted({ infrastructure, log: service.app.log, durable: config.FUND_EVENTS_DURABLE }));
  } catch (err) {
    await service.close().catch(() => undefined);
    throw err;
  }
  return service;
}
