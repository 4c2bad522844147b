/**
 * Chooses the document-store adapter from the environment:
 * - `DOCUMENT_STORE=mongodb` and `MONGODB_URL` set → MongoDB (database from the URL path,
 *   else `MONGODB_DB`, else `equihome`);
 * - otherwise PostgreSQL at `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/equihome`).
 *
 * Start-up: call `migrate()` once (PostgreSQL: applies `storageMigrations` under the
 * advisory lock; MongoDB: creates the indexes of every collection opened so far).
 */
import { MongoClient } from 'mongodb';
import type pg from 'pg';
import type { DocumentStore } from './document-store.js';
import { createMongoDocumentStore, type MongoDocumentStore } from './mongo-document-store.js';
import { createPostgresDocumentStore } from './postgres-document-store.js';
import { createPool, DEFAULT_DATABASE_URL, pingPostgres } from './postgres-pool.js';
import { runMigrations, storageMigrations } from './migrations.js';
import { invalidArgument } from './errors.js';
import { probe } from './readiness.js';

export interface DocumentStoreFactory {
  readonly kind: 'postgres' | 'mongodb';
  /** A store for one named collection (same name → same store object). */
  collection<T extends object>(name: string): DocumentStore<T>;
  /** Prepares the backend schema (idempotent; safe from many pods at once). */
  migrate(): Promise<void>;
  /** Readiness: resolves when the backend answers within `timeoutMs`, else StoreError `UNAVAILABLE`. */
  ping(timeoutMs?: number): Promise<void>;
  /** Closes the pool / client. */
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
  const stores = new Map<string, DocumentStore<object>>();
  return {
    kind: 'postgres',
    pool,
    collection<T extends object>(name: string) {
      let store = stores.get(name);
      if (!store) stores.set(name, (store = createPostgresDocumentStore<object>(pool, name)));
      return store as DocumentStore<T>;
    },
    async migrate() {
      await runMigrations(pool, storageMigrations);
    },
    ping: (timeoutMs) => pingPostgres(pool, timeoutMs),
    close: () => pool.end(),
  };
}

function mongoFactory(url: string, dbName: string | undefined): DocumentStoreFactory {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(dbName || /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url)?.[1] || 'equihome');
  const stores = new Map<string, MongoDocumentStore<object>>();
  return {
    kind: 'mongodb',
    collection<T extends object>(name: string) {
      let store = stores.get(name);
      if (!store) stores.set(name, (store = createMongoDocumentStore<object>(db, name)));
      return store as unknown as DocumentStore<T>;
    },
    async migrate() {
      await Promise.all([...stores.values()].map((s) => s.ensureIndexes()));
    },
    async ping(timeoutMs = 2000) {
      await probe('MongoDB', timeoutMs, () => db.command({ ping: 1 }));
    },
    close: () => client.close(),
  };
}
