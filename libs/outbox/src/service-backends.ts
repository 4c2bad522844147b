/**
 * The back-ends of a service that stores documents and announces their changes: the one
 * wiring every such app's `infrastructure.ts` calls, so fund-service, portfolio-service and
 * the services after them connect, migrate, relay and shut down the same way.
 */
import { connectMessaging, consoleLogger, natsConnectOptions, type Messaging, type MessagingLogger, type NatsConfig } from '@equihome/messaging';
import { documentStoreFromConfig, type DocumentStoreFactory, type StorageConfig } from '@equihome/storage';
import type { ChangeContext } from './commit-change.js';
import type { OutboxConfig } from './config.js';
import { startOutboxRelay, type OutboxRelay } from './outbox-relay.js';

export interface ServiceBackends {
  /** The document store (PostgreSQL JSONB or MongoDB), migrated, with its outbox and audit log. */
  documents: DocumentStoreFactory;
  /** NATS, with the event stream ensured. */
  messaging: Messaging;
  /** The relay of this process (undefined when OUTBOX_RELAY=false). */
  relay: OutboxRelay | undefined;
  /** What `commitChange` needs: store, envelope factory, relay. */
  changes: ChangeContext;
  /** Named readiness checks (`documents`, `nats`) for the service's `/health/ready`. */
  readiness: Record<string, () => Promise<void>>;
  /** Stops the relay (after its round in hand), drains NATS, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface ConnectServiceBackendsOptions {
  /** The service name: NATS connection name, envelope `source`, relay log name. */
  service: string;
  /**
   * Collections (full names, prefix included) to open before migrating: the MongoDB adapter
   * creates the indexes of the collections opened by then.
   */
  collections: string[];
  /** Where the messaging client and the relay log (a pino logger fits; default console). */
  logger?: MessagingLogger;
}

/**
 * Connects the document store and migrates it (PostgreSQL: storage migrations under the
 * advisory lock; MongoDB: indexes), connects NATS and ensures the event stream, and starts
 * the outbox relay unless `OUTBOX_RELAY=false`. On a failure, whatever was opened is closed
 * again and the error is rethrown.
 */
export async function connectServiceBackends(
  config: StorageConfig & NatsConfig & OutboxConfig,
  options: ConnectServiceBackendsOptions,
): Promise<ServiceBackends> {
  const opened: Array<() => Promise<unknown>> = [];
  const closeOpened = async () => {
    for (const close of opened.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const documents = documentStoreFromConfig(config);
    opened.push(() => documents.close());
    for (const name of options.collections) documents.collection(name);
    await documents.migrate();

    const messaging = await connectMessaging({ ...natsConnectOptions(config), name: options.service, ...(options.logger ? { logger: options.logger } : {}) });
    opened.push(() => messaging.close());
    await messaging.ensureStream();

    let relay: OutboxRelay | undefined;
    if (config.OUTBOX_RELAY) {
      relay = startOutboxRelay({
        messaging,
        outbox: documents.outbox,
        logger: options.logger ?? consoleLogger,
        name: options.service,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        retentionMs: config.OUTBOX_RETENTION_MS,
      });
      const running = relay;
      opened.push(() => running.stop());
    }

    let closing: Promise<void> | undefined;
    return {
      documents,
      messaging,
      relay,
      changes: { store: documents, events: messaging, ...(relay ? { relay } : {}) },
      readiness: { documents: () => documents.ping(), nats: () => messaging.ping() },
      close: () => (closing ??= closeOpened()),
    };
  } catch (err) {
    await closeOpened();
    throw err;
  }
}
