/**
 * documentChanges on the real PostgreSQL: create and compare-and-set change, each ONE
 * transaction with its events; a patch that declines writes nothing; concurrent writers are
 * retried on the version they lost to; an absent document is the caller's not-found error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentChanges } from '../src/index.js';
import { testWorld, type FundData, type TestWorld } from './helpers.js';

let world: TestWorld;
beforeAll(async () => {
  world = await testWorld();
});
afterAll(async () => {
  await world?.cleanup();
});

class Missing extends Error {}

describe('documentChanges', () => {
  it('creates and changes a document with its events in one transaction; null patches write nothing', async () => {
    const writes = documentChanges<FundData>({ store: world.store, events: world.messaging }, world.collection, { notFound: (id) => new Missing(id) });
    const id = '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f61';
    const created = await writes.create(id, { name: 'A', size: 1_000_000, vintage_year: 2026 }, async (tx, doc) => {
      await tx.emit('equihome.fund.created', { fund: doc }, { aggregate: doc.id });
    });
    expect(created).toMatchObject({ id, version: 1, name: 'A' });
    const renamed = await writes.change(id, () => ({ name: 'B' }), async (tx, updated, previous) => {
      expect(previous.name).toBe('A');
      await tx.emit('equihome.fund.updated', { fund: updated }, { aggregate: updated.id });
    });
    expect(renamed).toMatchObject({ changed: true, doc: { name: 'B', version: 2, size: 1_000_000 } });
    const same = await writes.change(id, () => null, async () => {
      throw new Error('after must not run for a declined patch');
    });
    expect(same).toMatchObject({ changed: false, doc: { version: 2 } });
    expect((await world.outboxRows()).length).toBe(2);
  });

  it('retries a writer that lost the version race, so concurrent changes all land', async () => {
    const writes = documentChanges<FundData>({ store: world.store, events: world.messaging }, world.collection, { notFound: (id) => new Missing(id), attempts: 20 });
    const id = '0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f62';
    await writes.create(id, { name: 'C', size: 0, vintage_year: 2026 }, async () => undefined);
    await Promise.all(Array.from({ length: 8 }, () => writes.change(id, (cur) => ({ size: cur.size + 1 }))));
    const { doc } = await writes.change(id, () => null);
    expect(doc).toMatchObject({ size: 8, version: 9 });
  });

  it("answers the caller's not-found error for an absent document", async () => {
    const writes = documentChanges<FundData>({ store: world.store, events: world.messaging }, world.collection, { notFound: (id) => new Missing(id) });
    await expect(writes.change('0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f63', () => ({ name: 'x' }))).rejects.toBeInstanceOf(Missing);
  });
});
