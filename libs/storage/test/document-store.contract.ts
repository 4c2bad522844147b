/**
 * The behaviour every DocumentStore adapter must show. Run by one test file per adapter:
 * `documentStoreContract('postgres', makeStore)`. `makeStore` returns a store for a fresh,
 * unique collection; the suite empties every collection it used afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  DuplicateError,
  NotFoundError,
  StoreError,
  VersionConflictError,
  type Doc,
  type DocumentStore,
} from '../src/index.js';
import { uniqueName } from './test-database.js';

export interface Item {
  name: string;
  kind: string;
  n: number;
  active?: boolean;
  counter?: number;
  writer?: number;
  [key: string]: unknown;
}

export function documentStoreContract(name: string, makeStore: (collection: string) => Promise<DocumentStore<Item>> | DocumentStore<Item>) {
  describe(`DocumentStore contract: ${name}`, () => {
    const used: DocumentStore<Item>[] = [];
    async function fresh(): Promise<DocumentStore<Item>> {
      const store = await makeStore(uniqueName('c'));
      used.push(store);
      return store;
    }
    afterAll(async () => {
      for (const store of used) await store.deleteWhere({});
    });

    it('creates a document with server metadata and reads it back by id', async () => {
      const store = await fresh();
      const { doc, created } = await store.create({ name: 'Alpha', kind: 'fund', n: 1 });
      expect(created).toBe(true);
      expect(doc).toMatchObject({ name: 'Alpha', kind: 'fund', n: 1, version: 1 });
      expect(doc.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7 (RFC 9562 §5.7)
      expect(new Date(doc.created_at).toISOString()).toBe(doc.created_at);
      expect(doc.updated_at).toBe(doc.created_at);
      expect(await store.get(doc.id)).toEqual(doc);
    });

    it('returns null for a missing id', async () => {
      const store = await fresh();
      expect(await store.get('00000000-0000-7000-8000-000000000000')).toBeNull();
    });

    it('ignores metadata keys inside the data and stores them once', async () => {
      const store = await fresh();
      const sneaky = { name: 'S', kind: 'k', n: 0, id: 'forged', version: 99, created_at: 'x', updated_at: 'y' } as Item;
      const { doc } = await store.create(sneaky);
      expect(doc.id).not.toBe('forged');
      expect(doc.version).toBe(1);
      const updated = await store.update(doc.id, { ...doc, name: 'S2', version: 500 } as Item, 1);
      expect(updated.version).toBe(2);
      expect(updated.id).toBe(doc.id);
      expect(updated.created_at).toBe(doc.created_at);
      expect(await store.get(doc.id)).toEqual(updated);
    });

    it('uses a caller-supplied id and rejects a duplicate id with DuplicateError', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'A', kind: 'k', n: 1 }, { id: 'fixed-id-1' });
      expect(doc.id).toBe('fixed-id-1');
      await expect(store.create({ name: 'B', kind: 'k', n: 2 }, { id: 'fixed-id-1' })).rejects.toBeInstanceOf(DuplicateError);
      expect((await store.get('fixed-id-1'))?.name).toBe('A');
    });

    it('pages 25 documents with limit 10 into 3 pages in id order with no duplicates or misses', async () => {
      const store = await fresh();
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) ids.push((await store.create({ name: `doc ${i}`, kind: i % 2 ? 'odd' : 'even', n: i })).doc.id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 10, cursor });
        sizes.push(page.items.length);
        seen.push(...page.items.map((d) => d.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(sizes).toEqual([10, 10, 5]);
      expect(seen).toEqual([...ids].sort());
      expect(seen).toEqual(ids); // UUIDv7 ids sort in creation order
    });

    it('returns next_cursor null when the page holds the last document exactly', async () => {
      const store = await fresh();
      for (let i = 0; i < 10; i++) await store.create({ name: `d${i}`, kind: 'k', n: i });
      const page = await store.list({ limit: 10 });
      expect(page.items).toHaveLength(10);
      expect(page.next_cursor).toBeNull();
    });

    it('filters by top-level equality, AND-ed, across pages', async () => {
      const store = await fresh();
      for (let i = 0; i < 25; i++) await store.create({ name: `doc ${i}`, kind: i % 2 ? 'odd' : 'even', n: i % 5, active: i % 3 === 0 });
      const all: Doc<Item>[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 4, cursor }, { equals: { kind: 'even' } });
        all.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(all.map((d) => d.n)).toEqual([0, 2, 4, 1, 3, 0, 2, 4, 1, 3, 0, 2, 4]);
      const both = await store.list({ limit: 100 }, { equals: { kind: 'odd', n: 3, active: true } });
      // i odd, i % 5 = 3, i % 3 = 0 → i ∈ {3}: i=3 (3%5=3, 3%3=0); i=13 (13%3=1); i=23 (23%3=2)
      expect(both.items.map((d) => d.name)).toEqual(['doc 3']);
      expect((await store.list({ limit: 100 }, { equals: { kind: 'none' } })).items).toEqual([]);
      // a number never equals its string spelling
      expect((await store.list({ limit: 100 }, { equals: { n: '3' } })).items).toEqual([]);
    });

    it('filters by case-insensitive substring and treats LIKE/regex characters literally', async () => {
      const store = await fresh();
      await store.create({ name: 'Sydney Growth Fund', kind: 'fund', n: 1 });
      await store.create({ name: 'MELBOURNE growth', kind: 'fund', n: 2 });
      await store.create({ name: 'Brisbane Income', kind: 'fund', n: 3 });
      await store.create({ name: '100% (A.B)_x', kind: 'other', n: 4 });
      await store.create({ name: 'growth', kind: 'other', n: 5 });
      const names = async (text: string, equals?: Record<string, string>) =>
        (await store.list({ limit: 50 }, { contains: { field: 'name', text }, equals })).items.map((d) => d.name);
      expect(await names('GROWTH')).toEqual(['Sydney Growth Fund', 'MELBOURNE growth', 'growth']);
      expect(await names('growth', { kind: 'fund' })).toEqual(['Sydney Growth Fund', 'MELBOURNE growth']);
      expect(await names('0% (a.b)_')).toEqual(['100% (A.B)_x']);
      expect(await names('%')).toEqual(['100% (A.B)_x']);
      expect(await names('.*')).toEqual([]);
      // a non-string field never matches a substring
      expect((await store.list({ limit: 50 }, { contains: { field: 'n', text: '1' } })).items).toEqual([]);
    });

    it('never matches array-valued fields with equals or contains (JSON value semantics)', async () => {
      const store = await fresh();
      await store.create({ name: 'scalar', kind: 'k', n: 1, tag: 'green' });
      await store.create({ name: 'array', kind: 'k', n: 2, tag: ['green', 'red'] });
      const names = async (filter: Parameters<typeof store.list>[1]) => (await store.list({ limit: 10 }, filter)).items.map((d) => d.name);
      expect(await names({ equals: { tag: 'green' } })).toEqual(['scalar']);
      expect(await names({ contains: { field: 'tag', text: 'gre' } })).toEqual(['scalar']);
    });

    it('omits the named top-level fields from listed items, keeping the others, the metadata and get() whole', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'big', kind: 'k', n: 1, payload: [{ a: 1 }, { a: 2 }], note: 'x', extra: { deep: true } });
      const page = await store.list({ limit: 10 }, undefined, { omit: ['payload', 'extra', 'absent'] });
      expect(page.items).toHaveLength(1);
      const item = page.items[0];
      expect(item).not.toHaveProperty('payload');
      expect(item).not.toHaveProperty('extra');
      expect(item).toEqual({ name: 'big', kind: 'k', n: 1, note: 'x', id: doc.id, version: 1, created_at: doc.created_at, updated_at: doc.updated_at });
      expect(await store.get(doc.id)).toEqual(doc); // nothing removed from the stored document
      expect((await store.list({ limit: 10 }, undefined, { omit: [] })).items).toEqual([doc]);
    });

    it('pages and filters exactly as without omit (filters may test an omitted field)', async () => {
      const store = await fresh();
      for (let i = 0; i < 25; i++) await store.create({ name: `doc ${i}`, kind: i % 2 ? 'odd' : 'even', n: i, payload: [i] });
      const walk = async (filter: Parameters<typeof store.list>[1], omit?: string[]) => {
        const out: Doc<Item>[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ limit: 4, cursor }, filter, omit === undefined ? undefined : { omit });
          out.push(...page.items);
          sizes.push(page.items.length);
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return { out, sizes };
      };
      const full = await walk(undefined);
      const slim = await walk(undefined, ['payload']);
      expect(slim.sizes).toEqual([4, 4, 4, 4, 4, 4, 1]);
      expect(slim.out).toEqual(full.out.map(({ payload: _payload, ...rest }) => rest));
      const evens = await walk({ equals: { kind: 'even' } }, ['payload']);
      expect(evens.out.map((d) => d.n)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
      const byName = await walk({ contains: { field: 'name', text: 'doc 1' } }, ['name', 'payload']);
      expect(byName.out.map((d) => d.n)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(byName.out.every((d) => !('name' in d) && !('payload' in d))).toBe(true);
    });

    it('rejects a malformed or foreign cursor with BAD_CURSOR', async () => {
      const store = await fresh();
      for (const cursor of ['not a cursor', 'abc', Buffer.from('{"x":1}').toString('base64url'), '']) {
        const err = await store.list({ limit: 5, cursor }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).code).toBe('BAD_CURSOR');
        expect((err as StoreError).field).toBe('cursor');
      }
    });

    it('rejects bad limits, collection-less field names and metadata filters with INVALID_ARGUMENT naming the field', async () => {
      const store = await fresh();
      const cases: [() => Promise<unknown>, string][] = [
        [() => store.list({ limit: 0 }), 'limit'],
        [() => store.list({ limit: 1.5 }), 'limit'],
        [() => store.list({ limit: 10 }, { equals: { 'a.b': 1 } }), 'filter.equals.a.b'],
        [() => store.list({ limit: 10 }, { equals: { $where: 1 } }), 'filter.equals.$where'],
        [() => store.list({ limit: 10 }, { equals: { version: 1 } }), 'filter.equals.version'],
        [() => store.list({ limit: 10 }, { contains: { field: 'name', text: 5 as unknown as string } }), 'filter.contains.text'],
        [() => store.list({ limit: 10 }, undefined, { omit: ['ok', 'a.b'] }), 'options.omit[1]'],
        [() => store.list({ limit: 10 }, undefined, { omit: ['version'] }), 'options.omit[0]'],
        [() => store.list({ limit: 10 }, undefined, { omit: 'loans' as unknown as string[] }), 'options.omit'],
        [() => store.update('x', { name: 'a', kind: 'k', n: 1 }, -1), 'expectedVersion'],
        [() => store.create([] as unknown as Item), 'data'],
        [() => store.get(''), 'id'],
      ];
      for (const [call, field] of cases) {
        const err = await call().catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(StoreError);
        expect((err as StoreError).code, field).toBe('INVALID_ARGUMENT');
        expect((err as StoreError).field, field).toBe(field);
      }
    });

    it('updates with the current version: version+1, updated_at advances, created_at kept', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'A', kind: 'k', n: 1 });
      await new Promise((r) => setTimeout(r, 5));
      const updated = await store.update(doc.id, { name: 'B', kind: 'k', n: 2 }, 1);
      expect(updated).toMatchObject({ id: doc.id, name: 'B', n: 2, version: 2, created_at: doc.created_at });
      expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(doc.updated_at));
      expect(await store.get(doc.id)).toEqual(updated);
    });

    it('replaces the whole data on update (fields left out are removed)', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'A', kind: 'k', n: 1, extra: 'gone soon' });
      const updated = await store.update(doc.id, { name: 'A', kind: 'k', n: 1 }, 1);
      expect(updated).not.toHaveProperty('extra');
    });

    it('rejects a stale version with VersionConflictError carrying the current version, changing nothing', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'A', kind: 'k', n: 1 });
      const v2 = await store.update(doc.id, { name: 'B', kind: 'k', n: 2 }, 1);
      const err = await store.update(doc.id, { name: 'C', kind: 'k', n: 3 }, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).code).toBe('VERSION_CONFLICT');
      expect((err as VersionConflictError).currentVersion).toBe(2);
      expect((err as VersionConflictError).expectedVersion).toBe(1);
      expect(await store.get(doc.id)).toEqual(v2);
    });

    it('rejects an update of a missing id with NotFoundError', async () => {
      const store = await fresh();
      const err = await store.update('missing-id', { name: 'A', kind: 'k', n: 1 }, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as NotFoundError).code).toBe('NOT_FOUND');
      expect(await store.get('missing-id')).toBeNull();
    });

    it('deletes a document, returns false when absent, and refuses a stale version', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'A', kind: 'k', n: 1 });
      await store.update(doc.id, { name: 'B', kind: 'k', n: 1 }, 1);
      const err = await store.delete(doc.id, 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).currentVersion).toBe(2);
      expect(await store.get(doc.id)).not.toBeNull();
      expect(await store.delete(doc.id, 2)).toBe(true);
      expect(await store.get(doc.id)).toBeNull();
      expect(await store.delete(doc.id)).toBe(false);
      expect(await store.delete(doc.id, 2)).toBe(false);
      const other = (await store.create({ name: 'C', kind: 'k', n: 1 })).doc;
      expect(await store.delete(other.id)).toBe(true);
    });

    it('deleteWhere removes only matching documents of its own collection and is idempotent', async () => {
      const store = await fresh();
      const neighbour = await fresh();
      for (let i = 0; i < 6; i++) await store.create({ name: `d${i}`, kind: i < 4 ? 'child' : 'keep', n: i });
      await neighbour.create({ name: 'n', kind: 'child', n: 0 });
      expect(await store.deleteWhere({ equals: { kind: 'child' } })).toBe(4);
      expect(await store.deleteWhere({ equals: { kind: 'child' } })).toBe(0);
      expect((await store.list({ limit: 50 })).items.map((d) => d.kind)).toEqual(['keep', 'keep']);
      expect((await neighbour.list({ limit: 50 })).items).toHaveLength(1);
    });

    it('refuses deleteWhere without a filter object, and empties the collection on an explicit {}', async () => {
      const store = await fresh();
      for (let i = 0; i < 3; i++) await store.create({ name: `d${i}`, kind: 'k', n: i });
      const err = await store.deleteWhere(undefined as unknown as object).catch((e: unknown) => e);
      expect((err as StoreError).code).toBe('INVALID_ARGUMENT');
      expect((err as StoreError).field).toBe('filter');
      expect((await store.list({ limit: 10 })).items).toHaveLength(3);
      expect(await store.deleteWhere({})).toBe(3);
      expect((await store.list({ limit: 10 })).items).toEqual([]);
    });

    it('creates once for a repeated idempotency key and returns the first document with created:false', async () => {
      const store = await fresh();
      const first = await store.create({ name: 'first', kind: 'k', n: 1 }, { idempotencyKey: 'req-1' });
      const second = await store.create({ name: 'second', kind: 'k', n: 2 }, { idempotencyKey: 'req-1' });
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.doc).toEqual(first.doc);
      expect((await store.list({ limit: 10 })).items).toHaveLength(1);
      // the same key in another collection is independent
      const other = await fresh();
      expect((await other.create({ name: 'x', kind: 'k', n: 1 }, { idempotencyKey: 'req-1' })).created).toBe(true);
    });

    it('creates exactly one document when 20 concurrent creates share one idempotency key', async () => {
      const store = await fresh();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.create({ name: `c${i}`, kind: 'k', n: i }, { idempotencyKey: 'same-key' })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const ids = new Set(results.map((r) => r.doc.id));
      expect(ids.size).toBe(1);
      const page = await store.list({ limit: 50 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toEqual(results.find((r) => r.created)!.doc);
    });

    it('lets exactly one of 100 concurrent updates with the same expected version win', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'race', kind: 'k', n: 0 });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => store.update(doc.id, { name: 'race', kind: 'k', n: 0, writer: i }, doc.version)),
      );
      const won = outcomes.filter((o): o is PromiseFulfilledResult<Doc<Item>> => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(99);
      for (const o of lost) {
        expect(o.reason).toBeInstanceOf(VersionConflictError);
        expect((o.reason as VersionConflictError).currentVersion).toBe(doc.version + 1);
      }
      const final = await store.get(doc.id);
      expect(final).toEqual(won[0].value);
      expect(final?.version).toBe(doc.version + 1);
      expect(final?.writer).toBe(won[0].value.writer);
    });

    it('applies every increment when 100 concurrent writers retry on conflict until they succeed', async () => {
      const store = await fresh();
      const { doc } = await store.create({ name: 'counter', kind: 'k', n: 0, counter: 0, writers: [] as number[] });
      let conflicts = 0;
      async function writer(w: number): Promise<void> {
        for (;;) {
          const current = (await store.get(doc.id))!;
          const next = { ...current, counter: (current.counter ?? 0) + 1, writers: [...(current.writers as number[]), w] };
          try {
            await store.update(doc.id, next, current.version);
            return;
          } catch (err) {
            if (!(err instanceof VersionConflictError)) throw err;
            conflicts += 1;
            await new Promise((r) => setTimeout(r, Math.random() * 3));
          }
        }
      }
      await Promise.all(Array.from({ length: 100 }, (_, w) => writer(w)));
      const final = (await store.get(doc.id))!;
      expect(final.version).toBe(doc.version + 100);
      expect(final.counter).toBe(100);
      expect([...(final.writers as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, w) => w));
      expect(conflicts).toBeGreaterThan(0); // the writers really did race
    });
  });
}
