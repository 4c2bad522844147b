import type { MessagingLogger } from '@equihome/messaging';
import { connectServiceBackends, type ServiceBackends } from '@equihome/outbox';
import type { OptimizationServiceConfig } from './config.js';
import { createOptimizationStore, optimizationsCollectionName, type OptimizationData, type OptimizationStore } from './optimization-store.js';

export const SERVICE_NAME = 'optimization-service';

/** The connected back-ends of optimization-service (see libs/outbox `connectServiceBackends`). */
export interface OptimizationServiceInfrastructure extends ServiceBackends {
  config: OptimizationServiceConfig;
  jobsCollection: string;
  jobs: OptimizationStore;
}

/**
 * Connects the document store (migrated; jobs, outbox and audit log), NATS (stream ensured)
 * and the outbox relay. main.ts and the test harness both build the service through this.
 */
export async function connectInfrastructure(config: OptimizationServiceConfig, logger?: MessagingLogger): Promise<OptimizationServiceInfrastructure> {
  const jobsCollection = optimizationsCollectionName(config);
  const backends = await connectServiceBackends(config, { service: SERVICE_NAME, collections: [jobsCollection], ...(logger ? { logger } : {}) });
  return { ...backends, config, jobsCollection, jobs: createOptimizationStore(jobsCollection, backends.documents.collection<OptimizationData>(jobsCollection), backends.changes) };
}
