import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DuplicateError, documentStoreFromEnv, type DocumentStoreFactory } from '../src/index.js';
import type { Item } from './document-store.contract.js';
import { envelopeFor, transactionContract } from './transaction.contract.js';
import { TEST_DATABASE_URL, uniqueName } from './test-database.js';

let factory: DocumentStoreFactory;
beforeAll(async () => {
  factory = documentStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL });
  await factory.migrate();
});
afterAll(async () => {
  await factory.close();
});

transactionContract('PostgreSQL', () => factory);

describe('PostgreSQL transactions and outbox specifics', () => {
  const prefix = `t${randomBytes(6).toString('hex')}`;
  const collection = uniqueName('c');
  afterAll(async () => {
    await factory.pool!.query('delete from outbox where starts_with(subject, $1)', [`${prefix}.`]);
    await factory.collection(collection).deleteWhere({});
  });

  it('creates the outbox table (migration 4) with its unique envelope id and the relay\'s partial indexes', async () => {
    const { rows: columns } = await factory.pool!.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `select column_name, data_type, is_nullable from information_schema.columns where table_name = 'outbox' order by ordinal_position`,
    );
    expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable])).toEqual([
      ['seq', 'bigint', 'NO'],
      ['id', 'text', 'NO'],
      ['aggregate', 'text', 'NO'],
      ['subject', 'text', 'NO'],
      ['envelope', 'jsonb', 'NO'],
      ['created_at', 'timestamp with time zone', 'NO'],
      ['sent_at', 'timestamp with time zone', 'YES'],
    ]);
    const { rows: indexes } = await factory.pool!.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where tablename = 'outbox' order by indexname`);
    const defs = Object.fromEntries(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(defs['outbox_id']).toMatch(/UNIQUE INDEX .* \(id\)/);
    expect(defs['outbox_unsent']).toMatch(/\(seq\) WHERE \(sent_at IS NULL\)/);
    expect(defs['outbox_unsent_aggregate']).toMatch(/\(aggregate, seq\) WHERE \(sent_at IS NULL\)/);
    expect(defs['outbox_sent_at']).toMatch(/\(sent_at\) WHERE \(sent_at IS NOT NULL\)/);
  });

  it('keeps a transaction usable after a DuplicateError that work catches (no statement failed in it)', async () => {
    await factory.collection<Item>(collection).create({ name: 'taken', kind: 'k', n: 0 }, { id: 'taken-id' });
    const result = await factory.transaction(async (tx) => {
      const store = tx.collection<Item>(collection);
      const err = await store.create({ name: 'again', kind: 'k', n: 1 }, { id: 'taken-id' }).catch((e: unknown) => e);
      const { doc } = await store.create({ name: 'fresh', kind: 'k', n: 2 });
      return { err, doc };
    });
    expect(result.err).toBeInstanceOf(DuplicateError);
    expect(await factory.collection<Item>(collection).get(result.doc.id)).toMatchObject({ name: 'fresh' });
  });

  it('serialises the transactions of one aggregate from enqueueEvent to commit, and no other aggregate waits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstEnqueued!: () => void;
    const enqueued = new Promise<void>((resolve) => (firstEnqueued = resolve));
    const first = factory.transaction(async (tx) => {
      const record = await tx.enqueueEvent({ aggregate: 'agg-1', envelope: envelopeFor(prefix, { id: 'a' }) });
      firstEnqueued();
      await gate;
      return record;
    });
    await enqueued;
    let secondDone = false;
    const second = factory
      .transaction((tx) => tx.enqueueEvent({ aggregate: 'agg-1', envelope: envelopeFor(prefix, { id: 'b' }) }))
      .finally(() => (secondDone = true));
    // Another aggregate commits while the first transaction is still open.
    const other = await factory.transaction((tx) => tx.enqueueEvent({ aggregate: 'agg-2', envelope: envelopeFor(prefix, { id: 'c' }) }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondDone).toBe(false); // waiting for the first transaction's aggregate lock
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(BigInt(b.seq)).toBeGreaterThan(BigInt(a.seq));
    expect(BigInt(other.seq)).toBeGreaterThan(BigInt(a.seq));
    expect(BigInt(b.seq)).toBeGreaterThan(BigInt(other.seq)); // numbered when it got the lock, after agg-2 committed
  });

  it('releases a relay\'s claim when its connection dies before the commit: the rows are claimed again', async () => {
    const env = envelopeFor(prefix, { id: 'crash' });
    await factory.transaction((tx) => tx.enqueueEvent({ aggregate: 'agg-crash', envelope: env }));
    const scope = { subjectPrefix: prefix };
    // The doomed relay runs on its own pool, named so that only its backends are terminated.
    const name = uniqueName('doomed');
    const doomed = documentStoreFromEnv({ DATABASE_URL: `${TEST_DATABASE_URL}?application_name=${name}` });
    let crashed: unknown;
    try {
      crashed = await doomed.outbox
        .relay(100, async (records) => {
          await factory.pool!.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [name]);
          return records.map((r) => r.id);
        }, scope)
        .catch((e: unknown) => e);
    } finally {
      await doomed.close();
    }
    expect(crashed).toBeInstanceOf(Error);
    const again: string[] = [];
    await factory.outbox.relay(100, async (records) => {
      again.push(...records.map((r) => r.id));
      return records.map((r) => r.id);
    }, scope);
    expect(again).toContain(env.id);
  });
});
