// Errors
export { DuplicateError, invalidArgument, NotFoundError, StoreError, VersionConflictError } from './errors.js';
export type { StoreErrorCode } from './errors.js';

// The document-store port and its shared rules
export {
  assertCollectionName,
  assertFilterGiven,
  assertId,
  assertIdempotencyKey,
  assertLimit,
  assertVersion,
  decodeCursor,
  encodeCursor,
  escapeLike,
  escapeRegex,
  MAX_OMIT_FIELDS,
  MAX_PAGE_LIMIT,
  META_KEYS,
  normalizeFilter,
  normalizeListOptions,
  stripMeta,
} from './document-store.js';
export type { CreateOptions, Doc, DocumentFilter, DocumentStore, ListOptions, Page, PageRequest, StoredMeta } from './document-store.js';

// Transactions and the outbox
export type { StoreTransaction, TransactionWork } from './store-transaction.js';
export { MAX_RELAY_LIMIT } from './outbox.js';
export type { Outbox, OutboxEventInput, OutboxPublisher, OutboxRecord, OutboxScope, RelayResult } from './outbox.js';

// Adapters
export { createPostgresDocumentStore } from './postgres-document-store.js';
export { createPostgresOutbox } from './postgres-outbox.js';
export { createMongoDocumentStore } from './mongo-document-store.js';
export type { MongoDocumentStore, MongoStoreOptions } from './mongo-document-store.js';
export { createMongoOutbox, DEFAULT_OUTBOX_LEASE_MS, MONGO_OUTBOX_COLLECTION, MONGO_OUTBOX_COUNTERS } from './mongo-outbox.js';
export { createMongoAuditLog, MONGO_AUDIT_COLLECTION } from './mongo-audit-log.js';

// PostgreSQL pool, migrations, audit log
export { createPool, DEFAULT_DATABASE_URL, pingPostgres } from './postgres-pool.js';
export type { PoolOptions, SqlExecutor } from './postgres-pool.js';
export { runMigrations, storageMigrations } from './migrations.js';
export type { Migration, MigrationOptions, MigrationResult } from './migrations.js';
export { createAuditLog } from './audit-log.js';
export type { AuditEntry, AuditEntryInput, AuditLog, AuditQuery } from './audit-log.js';

// Redis
export { createRedis, DEFAULT_REDIS_URL, pingRedis } from './redis.js';
export type { CreateRedisOptions } from './redis.js';

// Choosing the backend from the environment / config
export { documentStoreFromEnv } from './document-store-from-env.js';
export type { DocumentStoreFactory, StorageEnv } from './document-store-from-env.js';
export { documentStoreFromConfig, storageConfigShape } from './config.js';
export type { StorageConfig } from './config.js';
export { postgresTls, redisTls, tlsEnv, TlsConfigError } from './tls.js';
export type { TlsEnv } from './tls.js';
