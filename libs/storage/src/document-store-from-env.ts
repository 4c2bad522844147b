/**
 * Chooses the document-store adapter from the environment:
 * - `DOCUMENT_STORE=mongodb` and `MONGODB_URL` set → MongoDB (database from the URL path,
 *   else `MONGODB_DB`, else `equihome`);
 * - otherwise PostgreSQL at `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/equihome`).
 *
 * Start-up: call `migrate()` once (PostgreSQL: applies `storageMigrations` under the
 * advisory lock; MongoDB: checks that the server runs transactions (replica set or sharded
 * cluster), creates the indexes of the outbox, the audit log and every collection opened so far).
 *
 * Each factory also gives the backend's transactions (`transaction(work)`: documents, audit
 * entries and outbox events, all or nothing), its audit log (`audit`) and its outbox's relay
 * side (`outbox`) — all in the same database as the documents.
 */
import { MongoClient, type Db } from 'mongodb';
import type pg from 'pg';
import { createAuditLog, type AuditLog } from './audit-log.js';
import type { DocumentStore } from './document-store.js';
import { createMongoAuditLog, ensureMongoAuditIndexes } from './mongo-audit-log.js';
import { createMongoDocumentStore, type MongoDocumentStore } from './mongo-document-store.js';
import { createMongoOutbox, ensureMongoOutboxIndexes } from './mongo-outbox.js';
import { runMongoTransaction } from './mongo-transaction.js';
import type { Outbox } from './outbox.js';
import { createPostgresDocumentStore } from './postgres-document-store.js';
import { createPostgresOutbox } from './postgres-outbox.js';
import { createPool, DEFAULT_DATABASE_URL, pingPostgres } from './postgres-pool.js';
import { runPostgresTransaction } from './postgres-transaction.js';
import { runMigrations, storageMigrations } from './migrations.js';
import { invalidArgument, StoreError } from './errors.js';
import { probe } from './readiness.js';
import type { TransactionWork } from './store-transaction.js';

export interface DocumentStoreFactory {
  readonly kind: 'postgres' | 'mongodb';
  /** A store for one named collection (same name → same store object). */
  collection<T extends object>(name: string): DocumentStore<T>;
  /**
   * Runs `work` in one transaction (see `StoreTransaction`): commits when it resolves, rolls
   * back every document, audit entry and outbox event when it throws (rethrowing the error).
   */
  transaction<R>(work: TransactionWork<R>): Promise<R>;
  /** The audit log in this backend (outside any transaction; inside one use `tx.appendAudit`). */
  readonly audit: AuditLog;
  /** The relay side of this backend's outbox. */
  readonly outbox: Outbox;
  /** Prepares the backend schema (idempotent; safe from many pods at once). */
  migrate(): Promise<void>;
  /** Readiness: resolves when the backend answers within `timeoutMs`, else StoreError `UNAVAILABLE`. */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes the pools (PostgreSQL: the store's and the relay's own, of at most 2 connections) / the client. */
  close(): Promise<void>;
  /** The PostgreSQL pool (only for kind `postgres`), e.g. for the audit log or app migrations. */
  readonly pool?: pg.Pool;
}

export type StorageEnv = Record<string, string | undefined>;

export function documentStoreFromEnv(env: StorageEnv = process.env): DocumentStoreFactory {
  if (env.DOCUMENT_STORE !== undefined && !['mongodb', 'postgres', 'postgresql', ''].includes(env.DOCUMENT_STORE)) {
    throw invalidArgument('DOCUMENT_STORE', `"${env.DOCUMENT_STORE}" is not one of mongodb, postgres`);
  }
  if (env.DOCUMENT_STORE === 'mongodb' && env.MONGODB_URL) return mongoFactory(env.MONGODB_URL, env.MONGODB_DB);
  if (env.DOCUMENT_STORE === 'mongodb') throw invalidArgument('MONGODB_URL', 'must be set when DOCUMENT_STORE=mongodb');
  return postgresFactory(env.DATABASE_URL || DEFAULT_DATABASE_URL);
}

function postgresFactory(url: string): DocumentStoreFactory {
  const pool = createPool(url);
  // The relay gets connections of its own: it never queues behind the request transactions
  // for one (which would delay every event by the wait). A pg pool connects lazily, so a
  // process that runs no relay opens none of them.
  const relayPool = createPool(url, { max: 2, applicationName: 'equihome-outbox' });
  const stores = new Map<string, DocumentStore<object>>();
  return {
    kind: 'postgres',
    pool,
    audit: createAuditLog(pool),
    outbox: createPostgresOutbox(relayPool),
    transaction: (work) => runPostgresTransaction(pool, work),
    collection<T extends object>(name: string) {
      let store = stores.get(name);
      if (!store) stores.set(name, (store = createPostgresDocumentStore<object>(pool, name)));
      return store as DocumentStore<T>;
    },
    async migrate() {
      await runMigrations(pool, storageMigrations);
    },
    ping: (timeoutMs) => pingPostgres(pool, timeoutMs),
    close: async () => {
      await Promise.all([pool.end(), relayPool.end()]);
    },
  };
}

function mongoFactory(url: string, dbName: string | undefined): DocumentStoreFactory {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(dbName || /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url)?.[1] || 'equihome');
  const stores = new Map<string, MongoDocumentStore<object>>();
  const store = (name: string): MongoDocumentStore<object> => {
    let found = stores.get(name);
    if (!found) stores.set(name, (found = createMongoDocumentStore<object>(db, name)));
    return found;
  };
  return {
    kind: 'mongodb',
    audit: createMongoAuditLog(db),
    outbox: createMongoOutbox(db),
    collection<T extends object>(name: string) {
      return store(name) as unknown as DocumentStore<T>;
    },
    transaction: (work) => runMongoTransaction({ client, db, baseStore: store }, work),
    async migrate() {
      await assertTransactionsSupported(db);
      await ensureMongoOutboxIndexes(db);
      await ensureMongoAuditIndexes(db);
      await Promise.all([...stores.values()].map((s) => s.ensureIndexes()));
    },
    async ping(timeoutMs = 2000) {
      await probe('MongoDB', timeoutMs, () => db.command({ ping: 1 }));
    },
    close: () => client.close(),
  };
}

/** Transactions (the outbox) need a replica set member or a mongos: a standalone server is refused at start-up. */
async function assertTransactionsSupported(db: Db): Promise<void> {
  const hello = await db.admin().command({ hello: 1 });
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return;
  throw new StoreError(
    'MIGRATION_FAILED',
    'MongoDB runs transactions only on a replica set or a sharded cluster; this server is standalone (start mongod with --replSet and rs.initiate())',
  );
}
