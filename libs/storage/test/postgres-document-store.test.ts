import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool, createPostgresDocumentStore, runMigrations, StoreError, storageMigrations } from '../src/index.js';
import { documentStoreContract, type Item } from './document-store.contract.js';
import { TEST_DATABASE_URL } from './test-database.js';

let pool: pg.Pool;
beforeAll(async () => {
  pool = createPool(TEST_DATABASE_URL, { max: 20 });
  await runMigrations(pool, storageMigrations);
});
afterAll(async () => {
  await pool.end();
});

documentStoreContract('PostgreSQL', (collection) => createPostgresDocumentStore<Item>(pool, collection));

describe('PostgreSQL document store specifics', () => {
  it('rejects collection names that are not lower-case identifiers', () => {
    for (const bad of ['', 'Funds', 'a-b', '1abc', 'x'.repeat(64), "a'; drop table documents; --"]) {
      expect(() => createPostgresDocumentStore(pool, bad), bad).toThrow(StoreError);
    }
  });

  it('has a GIN index on data that can answer JSONB containment (equals filters)', async () => {
    const client = await pool.connect();
    try {
      await client.query('set enable_seqscan = off');
      const { rows } = await client.query(`explain select id from documents where data @> '{"kind":"a"}'::jsonb`);
      expect(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toContain('documents_data_gin');
    } finally {
      await client.query('reset enable_seqscan');
      client.release();
    }
  });
});
