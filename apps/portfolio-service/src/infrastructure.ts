import type { MessagingLogger } from '@equihome/messaging';
import { connectServiceBackends, type ServiceBackends } from '@equihome/outbox';
import type { PortfolioServiceConfig } from './config.js';
import { createPortfolioStore, PORTFOLIOS_COLLECTION, type PortfolioStore, type StoredPortfolio } from './portfolio-store.js';

export const SERVICE_NAME = 'portfolio-service';

/** The connected back-ends portfolio-service runs on (see libs/outbox `connectServiceBackends`). */
export interface PortfolioServiceInfrastructure extends ServiceBackends {
  /** Full collection name of the portfolios (`DOCUMENT_COLLECTION_PREFIX` + `portfolios`). */
  portfoliosCollection: string;
  /** The portfolios, outside any transaction (reads; writes go through `commitChange`). */
  portfolios: PortfolioStore;
}

/**
 * Connects the document store (migrated; outbox and audit log beside the portfolios), NATS
 * (stream ensured) and the outbox relay. main.ts and the test harness both build the
 * service through this function.
 */
export async function connectInfrastructure(config: PortfolioServiceConfig, logger?: MessagingLogger): Promise<PortfolioServiceInfrastructure> {
  const portfoliosCollection = `${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${PORTFOLIOS_COLLECTION}`;
  const backends = await connectServiceBackends(config, { service: SERVICE_NAME, collections: [portfoliosCollection], ...(logger ? { logger } : {}) });
  return { ...backends, portfoliosCollection, portfolios: createPortfolioStore(backends.documents.collection<StoredPortfolio>(portfoliosCollection)) };
}
