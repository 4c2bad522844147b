/**
 * The contract suites against a real MongoDB. vitest.config.ts collects this file only when
 * MONGODB_URL is set (no MongoDB server is part of the local stack). The transaction and
 * outbox contract needs a replica set (a single-node one will do), e.g.
 *   mongod --replSet rs0 --dbpath /tmp/rs0 & mongosh --eval 'rs.initiate()'
 *   MONGODB_URL=mongodb://127.0.0.1:27017/?replicaSet=rs0 MONGODB_DB=equihome_test npx vitest run test/mongo-document-store.test.ts
 * Every collection has a random name and is dropped afterwards; outbox records are scoped
 * by a random subject prefix and pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { createMongoDocumentStore, documentStoreFromEnv, type DocumentStoreFactory } from '../src/index.js';
import { documentStoreContract, type Item } from './document-store.contract.js';
import { transactionContract } from './transaction.contract.js';
import { uniqueName } from './test-database.js';

const url = process.env.MONGODB_URL;

describe('MongoDB document store', () => {
  let client: MongoClient;
  let db: Db;
  const collections: string[] = [];

  beforeAll(async () => {
    client = new MongoClient(url!);
    await client.connect();
    db = client.db(process.env.MONGODB_DB || 'equihome_test');
  });
  afterAll(async () => {
    for (const name of collections) await db.collection(name).drop().catch(() => undefined);
    await client?.close();
  });

  documentStoreContract('MongoDB', async (collection) => {
    collections.push(collection);
    const store = createMongoDocumentStore<Item>(db, collection);
    await store.ensureIndexes();
    return store;
  });

  it('creates a unique sparse index on idempotency_key', async () => {
    const name = uniqueName('c');
    collections.push(name);
    await createMongoDocumentStore(db, name).ensureIndexes();
    const index = (await db.collection(name).indexes()).find((i) => i.name === 'idempotency_key_unique');
    expect(index).toMatchObject({ key: { idempotency_key: 1 }, unique: true, sparse: true });
  });

  it('documentStoreFromEnv picks MongoDB when DOCUMENT_STORE=mongodb and answers ping', async () => {
    const factory = documentStoreFromEnv({ DOCUMENT_STORE: 'mongodb', MONGODB_URL: url, MONGODB_DB: 'equihome_test' });
    try {
      expect(factory.kind).toBe('mongodb');
      await expect(factory.ping()).resolves.toBeUndefined();
    } finally {
      await factory.close();
    }
  });
});

describe('MongoDB transactions and outbox', () => {
  let factory: DocumentStoreFactory;
  beforeAll(async () => {
    factory = documentStoreFromEnv({ DOCUMENT_STORE: 'mongodb', MONGODB_URL: url, MONGODB_DB: process.env.MONGODB_DB || 'equihome_test' });
    await factory.migrate(); // refuses a standalone server: transactions need a replica set
  });
  afterAll(async () => {
    await factory?.close();
  });

  transactionContract('MongoDB', () => factory);
});
