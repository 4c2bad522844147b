import type { Messaging, Responder } from '@equihome/messaging';
import { createService, type ReadinessCheck, type Service } from '@equihome/platform';
import type { AuditLog } from '@equihome/storage';
import { fundServiceConfig, type FundServiceConfigShape } from './config.js';
import { createFundEvents, type FundEventsOptions } from './events.js';
import { serveFundRpc } from './fund-rpc.js';
import type { FundStore } from './fund-store.js';
import { fundRoutes } from './routes/funds.js';

export const SERVICE_NAME = 'fund-service';
export const SERVICE_VERSION = '0.1.0';

export interface FundServiceDeps {
  /** Environment to read the config from (default `process.env`). */
  env?: Record<string, string | undefined>;
  funds: FundStore;
  audit: AuditLog;
  messaging: Messaging;
  readiness?: Record<string, ReadinessCheck>;
  /** Run at shutdown after HTTP has drained and the RPC responder has stopped (close NATS, DB). */
  onClose?: Array<() => Promise<unknown>>;
  events?: FundEventsOptions;
}

/**
 * Builds fund-service on injected dependencies, without listening: the `/api/funds`
 * routes, the `equihome.rpc.fund.get` responder, health, metrics and `/docs`.
 * `close()` stops HTTP, then the responder, then runs `deps.onClose`.
 */
export async function buildApp(deps: FundServiceDeps): Promise<Service<FundServiceConfigShape>> {
  const rpc: { responder?: Responder } = {};
  const service = await createService({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    ...(deps.env !== undefined ? { env: deps.env } : {}),
    config: fundServiceConfig,
    openapi: { title: 'Equihome fund-service', description: 'Design funds: every parameter of the financial model, with documented defaults.' },
    readiness: deps.readiness ?? {},
    onClose: [async () => rpc.responder?.stop(), ...(deps.onClose ?? [])],
    routes: (app) => {
      fundRoutes(app, { funds: deps.funds, audit: deps.audit, events: createFundEvents(deps.messaging, app.log, deps.events) });
    },
  });
  rpc.responder = serveFundRpc(deps.messaging, deps.funds);
  return service;
}
