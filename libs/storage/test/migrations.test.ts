import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool, runMigrations, StoreError, type Migration } from '../src/index.js';
import { TEST_DATABASE_URL, uniqueName } from './test-database.js';

describe('runMigrations', () => {
  let admin: pg.Pool;
  const dropTables: string[] = [];
  beforeAll(() => {
    admin = createPool(TEST_DATABASE_URL);
  });
  afterAll(async () => {
    for (const t of dropTables) await admin.query(`drop table if exists ${t}`);
    await admin.end();
  });

  /** Migrations over fresh random tables; the third appends to a log so double application shows. */
  function scenario() {
    const table = uniqueName('schema_migrations');
    const items = uniqueName('items');
    const log = uniqueName('log');
    dropTables.push(table, items, log);
    const migrations: Migration[] = [
      { id: 1, name: 'log', sql: `create table ${log} (id serial primary key, migration int not null)` },
      { id: 2, name: 'items', sql: `create table ${items} (id int primary key); insert into ${log} (migration) values (2)` },
      { id: 3, name: 'items_name', sql: `alter table ${items} add column name text; insert into ${log} (migration) values (3)` },
    ];
    return { table, items, log, migrations };
  }

  it('applies each migration exactly once when 5 pools run them concurrently', async () => {
    const { table, log, migrations } = scenario();
    const pools = Array.from({ length: 5 }, () => createPool(TEST_DATABASE_URL, { max: 2 }));
    try {
      const results = await Promise.all(pools.map((p) => runMigrations(p, migrations, { table })));
      expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3]);
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1); // the lock holder applied all, the rest found them done
      const { rows } = await admin.query(`select id, name from ${table} order by id`);
      expect(rows).toEqual([
        { id: 1, name: 'log' },
        { id: 2, name: 'items' },
        { id: 3, name: 'items_name' },
      ]);
      const applied = await admin.query(`select migration from ${log} order by id`);
      expect(applied.rows.map((r) => r.migration)).toEqual([2, 3]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('is a no-op on re-run and applies only migrations appended later', async () => {
    const { table, items, log, migrations } = scenario();
    expect(await runMigrations(admin, migrations.slice(0, 2), { table })).toEqual({ applied: [1, 2], skipped: [] });
    expect(await runMigrations(admin, migrations.slice(0, 2), { table })).toEqual({ applied: [], skipped: [1, 2] });
    // given out of order: still applied in id order
    expect(await runMigrations(admin, [migrations[2], migrations[0], migrations[1]], { table })).toEqual({ applied: [3], skipped: [1, 2] });
    await admin.query(`insert into ${items} (id, name) values (1, 'x')`);
    const applied = await admin.query(`select migration from ${log} order by id`);
    expect(applied.rows.map((r) => r.migration)).toEqual([2, 3]);
  });

  it('rolls back a failing migration completely, records nothing and reports it as MIGRATION_FAILED', async () => {
    const { table, items, migrations } = scenario();
    const broken: Migration = { id: 4, name: 'broken', sql: `alter table ${items} add column extra int; select * from no_such_table_${items}` };
    const err = await runMigrations(admin, [...migrations, broken], { table }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('MIGRATION_FAILED');
    expect((err as StoreError).message).toContain('migration 4 (broken)');
    const recorded = await admin.query(`select id from ${table} order by id`);
    expect(recorded.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    const cols = await admin.query(`select column_name from information_schema.columns where table_name = $1 order by column_name`, [items]);
    expect(cols.rows.map((r) => r.column_name)).toEqual(['id', 'name']);
  });

  it('refuses an id already recorded under another name', async () => {
    const { table, migrations } = scenario();
    await runMigrations(admin, migrations, { table });
    const err = await runMigrations(admin, [{ ...migrations[0], name: 'someone-else' }], { table }).catch((e: unknown) => e);
    expect((err as StoreError).code).toBe('MIGRATION_FAILED');
  });

  it('rejects malformed migration lists with INVALID_ARGUMENT naming the field', async () => {
    const cases: [Migration[], string][] = [
      [[{ id: 0, name: 'a', sql: 'select 1' }], 'migrations[0].id'],
      [[{ id: 1, name: '', sql: 'select 1' }], 'migrations[0].name'],
      [[{ id: 1, name: 'a', sql: ' ' }], 'migrations[0].sql'],
      [[{ id: 1, name: 'a', sql: 'select 1' }, { id: 1, name: 'b', sql: 'select 1' }], 'migrations[1].id'],
    ];
    for (const [list, field] of cases) {
      const err = await runMigrations(admin, list, { table: 'unused_table' }).catch((e: unknown) => e);
      expect((err as StoreError).code, field).toBe('INVALID_ARGUMENT');
      expect((err as StoreError).field, field).toBe(field);
    }
    const err = await runMigrations(admin, [], { table: 'bad-name; drop' }).catch((e: unknown) => e);
    expect((err as StoreError).field).toBe('table');
  });
});
