import type { FundParameters } from '@equihome/domain';
import { connectMessaging, natsConnectOptions, type Messaging, type MessagingLogger } from '@equihome/messaging';
import type { Config, ReadinessCheck } from '@equihome/platform';
import { createAuditLog, createPool, documentStoreFromConfig, pingPostgres, runMigrations, storageMigrations, type AuditLog, type DocumentStoreFactory } from '@equihome/storage';
import type { FundServiceConfigShape } from './config.js';
import { createFundStore, FUNDS_COLLECTION, type FundStore } from './fund-store.js';

/** The connected back-ends `buildApp` needs, with their readiness checks and shutdown hooks. */
export interface FundServiceInfrastructure {
  funds: FundStore;
  audit: AuditLog;
  messaging: Messaging;
  readiness: Record<string, ReadinessCheck>;
  /** Closes NATS (draining responders), then the document store and PostgreSQL pools. */
  onClose: Array<() => Promise<unknown>>;
}

/**
 * Connects the document store (PostgreSQL by default, MongoDB with DOCUMENT_STORE=mongodb),
 * applies `storageMigrations` (documents + audit_log; MongoDB: the collection's indexes),
 * connects NATS and makes sure the event stream exists. The audit log is always in
 * PostgreSQL (DATABASE_URL). On a failure, whatever was opened is closed again.
 */
export async function connectInfrastructure(config: Config<FundServiceConfigShape>, logger?: MessagingLogger): Promise<FundServiceInfrastructure> {
  const opened: Array<() => Promise<unknown>> = [];
  try {
    const documents: DocumentStoreFactory = documentStoreFromConfig(config);
    opened.push(() => documents.close());
    const collection = documents.collection<FundParameters>(`${config.DOCUMENT_COLLECTION_PREFIX ?? ''}${FUNDS_COLLECTION}`);
    await documents.migrate();

    let audit: AuditLog;
    const readiness: Record<string, ReadinessCheck> = { documents: () => documents.ping() };
    if (documents.pool) {
      audit = createAuditLog(documents.pool);
    } else {
      const pool = createPool(config.DATABASE_URL, { applicationName: 'fund-service' });
      opened.push(() => pool.end());
      audit = createAuditLog(pool);
      await runMigrations(pool, storageMigrations);
      readiness.postgres = () => pingPostgres(pool);
    }

    const messaging = await connectMessaging({
      ...natsConnectOptions(config),
      name: 'fund-service',
      ...(logger !== undefined ? { logger } : {}),
    });
    opened.unshift(() => messaging.close());
    await messaging.ensureStream();
    readiness.nats = () => messaging.ping();

    return { funds: createFundStore(collection), audit, messaging, readiness, onClose: opened };
  } catch (err) {
    for (const close of opened) await close().catch(() => undefined);
    throw err;
  }
}
