import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { documentStoreFromConfig, StoreError, storageConfigShape } from '../src/index.js';

const schema = z.object(storageConfigShape);

describe('storageConfigShape', () => {
  it('defaults to the local PostgreSQL document store with no collection prefix', () => {
    expect(schema.parse({})).toEqual({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/equihome', DOCUMENT_STORE: 'postgresql' });
  });

  it('rejects an unknown DOCUMENT_STORE and a collection prefix that is not a lower-case identifier, naming the variable', () => {
    const result = schema.safeParse({ DOCUMENT_STORE: 'redis', DOCUMENT_COLLECTION_PREFIX: 'T-1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(['DOCUMENT_COLLECTION_PREFIX', 'DOCUMENT_STORE']);
  });
});

describe('documentStoreFromConfig', () => {
  it('opens PostgreSQL for postgresql and pings the real server', async () => {
    const documents = documentStoreFromConfig(schema.parse({ DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/equihome_test' }));
    try {
      expect(documents.kind).toBe('postgres');
      await expect(documents.ping()).resolves.toBeUndefined();
    } finally {
      await documents.close();
    }
  });

  it('refuses mongodb without MONGODB_URL with an error naming MONGODB_URL', () => {
    expect(() => documentStoreFromConfig(schema.parse({ DOCUMENT_STORE: 'mongodb' }))).toThrow(StoreError);
    expect(() => documentStoreFromConfig(schema.parse({ DOCUMENT_STORE: 'mongodb' }))).toThrow(expect.objectContaining({ field: 'MONGODB_URL' }));
  });
});
