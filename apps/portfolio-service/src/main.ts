/**
 * portfolio-service entry: reads the config, connects NATS (stream ensured) and the
 * document store (migrated), builds the app and listens. SIGTERM/SIGINT drain HTTP, stop
 * the consumer and responder, then close NATS and the database pools.
 */
import { connectMessaging, natsConnectOptions } from '@equihome/messaging';
import { ConfigError, loadConfig } from '@equihome/platform';
import { createAuditLog, createPool, documentStoreFromConfig, runMigrations, storageMigrations } from '@equihome/storage';
import { buildApp, SERVICE_NAME } from './app.js';
import { portfolioConfigShape } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig(portfolioConfigShape, process.env);
  const messaging = await connectMessaging({ ...natsConnectOptions(config), name: SERVICE_NAME });
  const documents = documentStoreFromConfig(config);
  // The audit log lives in PostgreSQL whatever the document store is.
  const auditPool = documents.pool ?? createPool(config.DATABASE_URL);
  const closeAll = async () => {
    await messaging.close();
    await documents.close();
    if (auditPool !== documents.pool) await auditPool.end();
  };
  try {
    await messaging.ensureStream();
    await documents.migrate();
    if (auditPool !== documents.pool) await runMigrations(auditPool, storageMigrations);
    const service = await buildApp({ env: process.env, messaging, documents, audit: createAuditLog(auditPool), onClose: [closeAll] });
    // The Mongo adapter creates indexes of the collections opened so far: open ours first.
    if (documents.kind === 'mongodb') await documents.migrate();
    await service.listen();
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `start-up error: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(1);
});
