import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createAuditLog, createPool, runMigrations, StoreError, storageMigrations } from '../src/index.js';
import { TEST_DATABASE_URL, uniqueName } from './test-database.js';

describe('audit log', () => {
  let pool: pg.Pool;
  // a random resource type per run keeps these rows apart from every other test's rows
  const resource = uniqueName('fund');
  beforeAll(async () => {
    pool = createPool(TEST_DATABASE_URL);
    await runMigrations(pool, storageMigrations);
  });
  afterAll(async () => {
    await pool.query('delete from audit_log where resource = $1', [resource]);
    await pool.end();
  });

  it('appends entries with a database-set time and lists them newest first, filtered by resource and id', async () => {
    const audit = createAuditLog(pool);
    const { rows } = await pool.query<{ now: Date }>('select clock_timestamp() as now');
    const before = rows[0].now.getTime();
    const a = await audit.append({ actor: 'u1', role: 'admin', action: 'create', resource, resource_id: 'f1', version: 1, details: { request_id: 'r1' } });
    const b = await audit.append({ actor: 'u2', role: 'analyst', action: 'update', resource, resource_id: 'f1', version: 2 });
    const c = await audit.append({ actor: 'u1', role: 'admin', action: 'delete', resource, resource_id: 'f2', version: null });
    expect(a).toMatchObject({ actor: 'u1', role: 'admin', action: 'create', resource, resource_id: 'f1', version: 1, details: { request_id: 'r1' } });
    expect(b.details).toBeNull();
    expect(Date.parse(a.at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(c.at)).toBeGreaterThanOrEqual(Date.parse(a.at));
    expect(BigInt(b.id)).toBeGreaterThan(BigInt(a.id));

    expect((await audit.list({ resource, limit: 10 })).map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    expect((await audit.list({ resource, resource_id: 'f1', limit: 10 })).map((e) => e.version)).toEqual([2, 1]);
    expect(await audit.list({ resource, limit: 1 })).toEqual([c]);
    expect(await audit.list({ resource, resource_id: 'none', limit: 10 })).toEqual([]);
  });

  it('rejects an entry with a missing field or a bad limit with INVALID_ARGUMENT naming the field', async () => {
    const audit = createAuditLog(pool);
    const good = { actor: 'u', role: 'admin', action: 'create', resource, resource_id: 'x', version: 1 };
    const cases: [() => Promise<unknown>, string][] = [
      [() => audit.append({ ...good, actor: '' }), 'actor'],
      [() => audit.append({ ...good, resource_id: undefined as unknown as string }), 'resource_id'],
      [() => audit.append({ ...good, version: 1.5 }), 'version'],
      [() => audit.append({ ...good, details: [] as unknown as Record<string, unknown> }), 'details'],
      [() => audit.list({ limit: 0 }), 'limit'],
    ];
    for (const [call, field] of cases) {
      const err = await call().catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(StoreError);
      expect((err as StoreError).field, field).toBe(field);
    }
    expect(await audit.list({ resource, resource_id: 'x', limit: 10 })).toEqual([]);
  });
});
