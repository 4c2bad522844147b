import type { FundParameters } from '@equihome/domain';
import type { MessagingLogger } from '@equihome/messaging';
import { connectServiceBackends, type ServiceBackends } from '@equihome/outbox';
import type { FundServiceConfig } from './config.js';
import { createFundStore, FUNDS_COLLECTION, type FundStore } from './fund-store.js';

export const SERVICE_NAME = 'fund-service';

/** The connected back-ends fund-service runs on (see libs/outbox `connectServiceBackends`). */
export interface FundServiceInfrastructure extends ServiceBackends {
  /** Full collection name of the funds (`DOCUMENT_COLLECTION_PREFIX` + `funds`). */
  fundsCollection: string;
  /** The funds, outside any transaction (reads; writes go through `commitChange`). */
  funds: FundStore;
}

/**
 * Connects the document store (migrated; its outbox and audit log live beside the funds),
 * NATS (stream ensured) and the outbox relay. main.ts and the test harness both build the
 * service through this function.
 */
export async function connectInfrastructure(config: FundServiceConfig, logger?: MessagingLogger): Promise<FundServiceInfrastructure> {
  const fundsCollection = `${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${FUNDS_COLLECTION}`;
  const backends = await connectServiceBackends(config, { service: SERVICE_NAME, collections: [fundsCollection], ...(logger ? { logger } : {}) });
  return { ...backends, fundsCollection, funds: createFundStore(backends.documents.collection<FundParameters>(fundsCollection)) };
}
