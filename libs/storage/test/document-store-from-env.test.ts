import { describe, expect, it } from 'vitest';
import { documentStoreFromEnv, StoreError } from '../src/index.js';
import { TEST_DATABASE_URL, uniqueName } from './test-database.js';

describe('documentStoreFromEnv', () => {
  it('defaults to PostgreSQL, migrates, serves named collections and answers ping', async () => {
    const factory = documentStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL });
    const name = uniqueName('c');
    try {
      expect(factory.kind).toBe('postgres');
      expect(factory.pool).toBeDefined();
      await factory.ping();
      await factory.migrate();
      const store = factory.collection<{ name: string }>(name);
      expect(factory.collection(name)).toBe(store);
      const { doc } = await store.create({ name: 'x' });
      expect(await store.get(doc.id)).toEqual(doc);
    } finally {
      await factory.collection(name).deleteWhere({});
      await factory.close();
    }
  });

  it('demands MONGODB_URL when DOCUMENT_STORE=mongodb, naming the variable', () => {
    const err = (() => {
      try {
        documentStoreFromEnv({ DOCUMENT_STORE: 'mongodb' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).field).toBe('MONGODB_URL');
  });

  it('rejects an unknown DOCUMENT_STORE value, naming the variable', () => {
    expect(() => documentStoreFromEnv({ DOCUMENT_STORE: 'cassandra' })).toThrow(/DOCUMENT_STORE/);
  });

  it('reports an unreachable PostgreSQL as UNAVAILABLE from ping', async () => {
    const factory = documentStoreFromEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const err = await factory.ping(1000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('UNAVAILABLE');
    } finally {
      await factory.close();
    }
  });
});
