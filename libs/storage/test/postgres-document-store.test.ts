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

  it('indexes only the top-level scalars (migration 3) and an equals filter can use that index', async () => {
    const { rows: indexes } = await pool.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where tablename = 'documents' and indexdef ilike '%using gin%'`,
    );
    expect(indexes.map((r) => r.indexname)).toEqual(['documents_scalars_gin']); // the whole-document documents_data_gin is gone
    expect(indexes[0].indexdef).toContain('equihome_top_level_scalars(data) jsonb_path_ops');
    const client = await pool.connect();
    try {
      // Only bitmap scans left: then the plan shows an index scan only if some index can answer
      // the condition, and the only candidate for this one is the GIN index. (The collection
      // condition list() adds is left out: the primary key could answer that part instead.)
      await client.query('set enable_seqscan = off');
      await client.query('set enable_indexscan = off');
      const { rows } = await client.query(`explain select id from documents where equihome_top_level_scalars(data) @> $1::jsonb`, ['{"kind":"a"}']);
      expect(rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on documents_scalars_gin/);
    } finally {
      await client.query('reset enable_seqscan');
      await client.query('reset enable_indexscan');
      client.release();
    }
  });

  it('equihome_top_level_scalars keeps exactly the top-level scalar members', async () => {
    const { rows } = await pool.query<{ s: unknown }>(`select equihome_top_level_scalars(d::jsonb) as s from unnest($1::text[]) with ordinality as t(d, i) order by i`, [
      [
        '{"a":"x","b":1.5,"c":true,"d":null,"e":[1],"f":{"g":1},"loans":[{"id":"l1"}]}',
        '{}',
        '[1,2]',
        '"scalar"',
      ],
    ]);
    expect(rows.map((r) => r.s)).toEqual([{ a: 'x', b: 1.5, c: true, d: null }, {}, {}, {}]);
  });
});
