import type { Messaging, EventConsumer, Responder } from '@equihome/messaging';
import { createService, type Service } from '@equihome/platform';
import type { AuditLog, DocumentStoreFactory } from '@equihome/storage';
import { portfolioConfigShape, type PortfolioConfigShape } from './config.js';
import { consumeFundDeleted } from './events.js';
import { portfolioProblems } from './http-errors.js';
import { PortfolioStore } from './portfolio-store.js';
import { portfolioRoutes } from './routes/portfolios.js';

export const SERVICE_NAME = 'portfolio-service';

/** What the service is built from; `main.ts` connects them, tests pass their own. */
export interface AppDeps {
  /** Environment (config, see config.ts); default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Connected messaging; its stream must exist (`messaging.ensureStream()`). Not closed by the app. */
  messaging: Messaging;
  /** Document store factory, already migrated. Not closed by the app. */
  documents: DocumentStoreFactory;
  audit: AuditLog;
  /** Run at shutdown after the app's own consumer and responder stopped (close NATS, DB…). */
  onClose?: Array<() => Promise<unknown>>;
}

export type PortfolioService = Service<PortfolioConfigShape> & { store: PortfolioStore };

/**
 * Builds portfolio-service without listening: HTTP routes, the `equihome.rpc.portfolio.get`
 * responder and the durable `equihome.fund.deleted` consumer. `close()` drains HTTP, stops
 * the consumer and responder (the durable stays on the server), then runs `deps.onClose`.
 */
export async function buildApp(deps: AppDeps): Promise<PortfolioService> {
  const { messaging, documents, audit } = deps;
  const running: { consumer?: EventConsumer; responder?: Responder } = {};
  let store: PortfolioStore | undefined;

  const service = await createService({
    name: SERVICE_NAME,
    version: '0.1.0',
    env: deps.env ?? process.env,
    config: portfolioConfigShape,
    readiness: {
      documents: () => documents.ping(),
      nats: () => messaging.ping(),
    },
    onClose: [
      async () => {
        await running.consumer?.stop();
        await running.responder?.stop();
      },
      ...(deps.onClose ?? []),
    ],
    openapi: { description: 'Loan portfolios of a fund: generate, edit, list, delete.' },
    routes: (app, { config }) => {
      store = new PortfolioStore(documents, config.DOCUMENT_COLLECTION_PREFIX);
      portfolioRoutes(app, { store, messaging, audit, fundTimeoutMs: config.FUND_RPC_TIMEOUT_MS });
    },
  });
  const portfolios = store as unknown as PortfolioStore;

  try {
    running.responder = messaging.serve('equihome.rpc.portfolio.get', async ({ id }) => {
      const portfolio = await portfolios.get(id);
      if (portfolio === null) throw portfolioProblems.notFound(id);
      return portfolio;
    });
    running.consumer = await consumeFundDeleted({
      messaging,
      store: portfolios,
      audit,
      log: service.app.log,
      durable: service.config.FUND_EVENTS_DURABLE,
    });
  } catch (err) {
    await service.close().catch(() => undefined);
    throw err;
  }
  return Object.assign(service, { store: portfolios });
}
