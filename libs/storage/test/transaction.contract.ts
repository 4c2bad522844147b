/**
 * The behaviour of `DocumentStoreFactory.transaction` and `.outbox` every backend must show.
 * Run by one test file per backend: `transactionContract('PostgreSQL', () => factory)`.
 * Every test uses random collection names, a random audit resource and a random outbox
 * subject prefix (scope), so suites running at once never see each other's rows; afterAll
 * drains and prunes the scopes it used.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@equihome/domain';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DuplicateError,
  StoreError,
  VersionConflictError,
  type DocumentStoreFactory,
  type OutboxRecord,
  type OutboxScope,
  type StoreTransaction,
} from '../src/index.js';
import type { Item } from './document-store.contract.js';
import { uniqueName } from './test-database.js';

/** A valid CloudEvents envelope of `equihome.fund.deleted` under `prefix` (built by hand: storage does not depend on messaging). */
export function envelopeFor(prefix: string, data: { id: string; [key: string]: unknown }, id: string = randomUUID()): EventEnvelope {
  return {
    specversion: '1.0',
    id,
    type: 'equihome.fund.deleted',
    source: 'storage-test',
    time: new Date().toISOString(),
    subject: `${prefix}.fund.deleted`,
    datacontenttype: 'application/json',
    data,
  };
}

const takeAll = async (records: OutboxRecord[]) => records.map((r) => r.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function transactionContract(name: string, factory: () => DocumentStoreFactory) {
  describe(`transactions and outbox contract: ${name}`, () => {
    const scopes: OutboxScope[] = [];
    const collections: string[] = [];
    /** A fresh outbox scope (subject prefix) and its helpers. */
    function world() {
      const prefix = `t${randomBytes(6).toString('hex')}`;
      const scope = { subjectPrefix: prefix };
      scopes.push(scope);
      const collection = uniqueName('c');
      collections.push(collection);
      const resource = uniqueName('r');
      return { prefix, scope, collection, resource, envelope: (data: { id: string; [key: string]: unknown }, id?: string) => envelopeFor(prefix, data, id) };
    }
    /** Every record of the scope, published by one relay call that takes all (marks them sent). */
    async function drain(scope: OutboxScope): Promise<OutboxRecord[]> {
      const seen: OutboxRecord[] = [];
      await factory().outbox.relay(1000, async (records) => {
        seen.push(...records);
        return records.map((r) => r.id);
      }, scope);
      return seen;
    }
    afterAll(async () => {
      for (const scope of scopes) {
        await drain(scope).catch(() => undefined);
        await factory().outbox.prune(0, scope).catch(() => undefined);
      }
      for (const c of collections) await factory().collection(c).deleteWhere({}).catch(() => undefined);
    });

    it('commits the documents, the audit entry and the event together and resolves to what work returned', async () => {
      const w = world();
      const f = factory();
      const env = w.envelope({ id: 'd1' });
      const result = await f.transaction(async (tx) => {
        const store = tx.collection<Item>(w.collection);
        const { doc } = await store.create({ name: 'A', kind: 'k', n: 1 });
        const updated = await store.update(doc.id, { name: 'A2', kind: 'k', n: 2 }, 1);
        await tx.appendAudit({ actor: 'u1', role: 'admin', action: 'update', resource: w.resource, resource_id: doc.id, version: updated.version });
        const record = await tx.enqueueEvent({ aggregate: doc.id, envelope: env });
        expect(record).toMatchObject({ id: env.id, aggregate: doc.id, subject: `${w.prefix}.fund.deleted`, envelope: env });
        return updated;
      });
      expect(await f.collection<Item>(w.collection).get(result.id)).toEqual(result);
      expect(result).toMatchObject({ name: 'A2', version: 2 });
      expect(await f.audit.list({ resource: w.resource, limit: 10 })).toEqual([
        expect.objectContaining({ actor: 'u1', action: 'update', resource_id: result.id, version: 2 }),
      ]);
      expect(await f.outbox.pending(w.scope)).toBe(1);
      const [record] = await drain(w.scope);
      expect(record).toMatchObject({ id: env.id, aggregate: result.id, envelope: env });
      expect(new Date(record.created_at).toISOString()).toBe(record.created_at);
      expect(await f.outbox.pending(w.scope)).toBe(0);
    });

    it('keeps its writes invisible outside the transaction until it commits', async () => {
      const w = world();
      const f = factory();
      let seenOutside: unknown = 'not checked';
      let pendingOutside = -1;
      const id = await f.transaction(async (tx) => {
        const { doc } = await tx.collection<Item>(w.collection).create({ name: 'B', kind: 'k', n: 1 });
        await tx.enqueueEvent({ aggregate: doc.id, envelope: w.envelope({ id: doc.id }) });
        seenOutside = await f.collection<Item>(w.collection).get(doc.id);
        pendingOutside = await f.outbox.pending(w.scope);
        expect(await tx.collection<Item>(w.collection).get(doc.id)).toEqual(doc); // …but visible inside
        return doc.id;
      });
      expect(seenOutside).toBeNull();
      expect(pendingOutside).toBe(0);
      expect(await f.collection<Item>(w.collection).get(id)).not.toBeNull();
      expect(await f.outbox.pending(w.scope)).toBe(1);
    });

    it('rolls back every document, audit entry and event when work throws, and rethrows its error', async () => {
      const w = world();
      const f = factory();
      const boom = new Error('boom');
      let createdId = '';
      await f.collection<Item>(w.collection).create({ name: 'existing', kind: 'k', n: 0 }, { id: 'existing' });
      const outcome = await f
        .transaction(async (tx) => {
          const store = tx.collection<Item>(w.collection);
          createdId = (await store.create({ name: 'C', kind: 'k', n: 1 })).doc.id;
          await store.update('existing', { name: 'changed', kind: 'k', n: 1 }, 1);
          await tx.appendAudit({ actor: 'u1', role: 'admin', action: 'create', resource: w.resource, resource_id: createdId, version: 1 });
          await tx.enqueueEvent({ aggregate: createdId, envelope: w.envelope({ id: createdId }) });
          throw boom;
        })
        .catch((err: unknown) => err);
      expect(outcome).toBe(boom);
      expect(createdId).not.toBe('');
      expect(await f.collection<Item>(w.collection).get(createdId)).toBeNull();
      expect(await f.collection<Item>(w.collection).get('existing')).toMatchObject({ name: 'existing', version: 1 });
      expect(await f.audit.list({ resource: w.resource, limit: 10 })).toEqual([]);
      expect(await f.outbox.pending(w.scope)).toBe(0);
    });

    it('returns the first document for a repeated idempotency key inside a transaction, and 10 concurrent transactions create it once', async () => {
      const w = world();
      const f = factory();
      const first = await f.transaction(async (tx) => (await tx.collection<Item>(w.collection).create({ name: 'D', kind: 'k', n: 1 }, { idempotencyKey: 'key-1' })).doc);
      const again = await f.transaction(async (tx) => {
        const result = await tx.collection<Item>(w.collection).create({ name: 'other', kind: 'k', n: 9 }, { idempotencyKey: 'key-1' });
        // the transaction is still usable after the repeated key
        await tx.enqueueEvent({ aggregate: result.doc.id, envelope: w.envelope({ id: result.doc.id }) });
        return result;
      });
      expect(again).toEqual({ doc: first, created: false });
      expect(await f.outbox.pending(w.scope)).toBe(1);

      // Each transaction enqueues an event only when it created the document: exactly one event.
      const racers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          f.transaction(async (tx) => {
            const result = await tx.collection<Item>(w.collection).create({ name: `E${i}`, kind: 'k', n: i }, { idempotencyKey: 'key-2' });
            if (result.created) await tx.enqueueEvent({ aggregate: result.doc.id, envelope: w.envelope({ id: result.doc.id }) });
            return result;
          }),
        ),
      );
      expect(racers.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(racers.map((r) => r.doc.id)).size).toBe(1);
      expect(await f.outbox.pending(w.scope)).toBe(2);
    });

    it('rolls back the transaction when an update inside it meets a stale version', async () => {
      const w = world();
      const f = factory();
      const { doc } = await f.collection<Item>(w.collection).create({ name: 'V', kind: 'k', n: 1 });
      await f.collection<Item>(w.collection).update(doc.id, { name: 'V', kind: 'k', n: 2 }, 1);
      let otherId = '';
      const err = await f
        .transaction(async (tx) => {
          otherId = (await tx.collection<Item>(w.collection).create({ name: 'side effect', kind: 'k', n: 0 })).doc.id;
          await tx.enqueueEvent({ aggregate: otherId, envelope: w.envelope({ id: otherId }) });
          return tx.collection<Item>(w.collection).update(doc.id, { name: 'stale', kind: 'k', n: 3 }, 1);
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect(err).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
      expect(await f.collection<Item>(w.collection).get(otherId)).toBeNull();
      expect(await f.collection<Item>(w.collection).get(doc.id)).toMatchObject({ name: 'V', n: 2, version: 2 });
      expect(await f.outbox.pending(w.scope)).toBe(0);
    });

    it('refuses a transaction handle used after the transaction ended (TRANSACTION_CLOSED)', async () => {
      const w = world();
      const f = factory();
      let leaked: StoreTransaction | undefined;
      await f.transaction(async (tx) => {
        leaked = tx;
        tx.collection<Item>(w.collection); // opened inside, used after
      });
      expect(() => leaked!.collection<Item>(w.collection)).toThrow(expect.objectContaining({ code: 'TRANSACTION_CLOSED' }));
      const errors = await Promise.all([
        leaked!.appendAudit({ actor: 'u', role: 'r', action: 'a', resource: w.resource, resource_id: 'x', version: 1 }).catch((e: unknown) => e),
        leaked!.enqueueEvent({ aggregate: 'x', envelope: w.envelope({ id: 'x' }) }).catch((e: unknown) => e),
      ]);
      for (const e of errors) expect(e).toMatchObject({ code: 'TRANSACTION_CLOSED' });
      expect(await f.audit.list({ resource: w.resource, limit: 10 })).toEqual([]);
      expect(await f.outbox.pending(w.scope)).toBe(0);
    });

    it('validates enqueued events (aggregate, envelope fields, known type) and rejects a repeated envelope id', async () => {
      const w = world();
      const f = factory();
      const env = w.envelope({ id: 'x' });
      const cases: [(tx: StoreTransaction) => Promise<unknown>, string][] = [
        [(tx) => tx.enqueueEvent({ aggregate: '', envelope: env }), 'aggregate'],
        [(tx) => tx.enqueueEvent({ aggregate: 'a'.repeat(201), envelope: env }), 'aggregate'],
        [(tx) => tx.enqueueEvent({ aggregate: 'a', envelope: { ...env, specversion: '0.3' } as unknown as EventEnvelope }), 'envelope.specversion'],
        [(tx) => tx.enqueueEvent({ aggregate: 'a', envelope: { ...env, id: '' } }), 'envelope.id'],
        [(tx) => tx.enqueueEvent({ aggregate: 'a', envelope: { ...env, type: 'equihome.fund.vanished' } }), 'envelope.type'],
      ];
      for (const [call, field] of cases) {
        const err = await f.transaction(call).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(StoreError);
        expect((err as StoreError).field, field).toBe(field);
      }
      await f.transaction((tx) => tx.enqueueEvent({ aggregate: 'a', envelope: env }));
      const duplicate = await f
        .transaction(async (tx) => {
          await tx.appendAudit({ actor: 'u', role: 'r', action: 'a', resource: w.resource, resource_id: 'dup', version: 1 });
          return tx.enqueueEvent({ aggregate: 'b', envelope: env });
        })
        .catch((e: unknown) => e);
      expect(duplicate).toBeInstanceOf(DuplicateError);
      expect(await f.audit.list({ resource: w.resource, limit: 10 })).toEqual([]);
      expect(await f.outbox.pending(w.scope)).toBe(1);
    });

    it('relays oldest first, marks only what publish returned (per aggregate, up to the first miss), and nothing when publish throws', async () => {
      const w = world();
      const f = factory();
      const ids: string[] = [];
      // a1, b1, a2, b2, a3 — committed one after the other
      for (const [aggregate, n] of [['a', 1], ['b', 1], ['a', 2], ['b', 2], ['a', 3]] as const) {
        const env = w.envelope({ id: `${aggregate}${n}` });
        ids.push(env.id);
        await f.transaction((tx) => tx.enqueueEvent({ aggregate, envelope: env }));
      }
      const handed: string[][] = [];
      const throwing = await f.outbox
        .relay(10, async (records) => {
          handed.push(records.map((r) => r.id));
          throw new Error('nats down');
        }, w.scope)
        .catch((e: unknown) => e);
      expect(throwing).toMatchObject({ message: 'nats down' });
      expect(handed).toEqual([ids]);
      expect(await f.outbox.pending(w.scope)).toBe(5);

      // Publish "succeeds" for a1, a3 and b1 only: a3 must stay unsent (a2 was not published).
      const result = await f.outbox.relay(10, async () => [ids[0], ids[4], ids[1]], w.scope);
      expect(result).toEqual({ claimed: 5, published: 2, held: 0, failed: 3 });
      expect(await f.outbox.pending(w.scope)).toBe(3);
      const rest = await drain(w.scope);
      expect(rest.map((r) => r.id)).toEqual([ids[2], ids[3], ids[4]]);
      expect(rest.map((r) => r.aggregate)).toEqual(['a', 'b', 'a']);
      expect(Number(rest[0].seq)).toBeLessThan(Number(rest[2].seq));
      expect(await f.outbox.relay(10, takeAll, w.scope)).toEqual({ claimed: 0, published: 0, held: 0, failed: 0 });
    });

    it('never hands a record while an earlier record of its aggregate is claimed by another relay', async () => {
      const w = world();
      const f = factory();
      const a1 = w.envelope({ id: 'a1' });
      const a2 = w.envelope({ id: 'a2' });
      const b1 = w.envelope({ id: 'b1' });
      for (const [aggregate, envelope] of [['a', a1], ['a', a2], ['b', b1]] as const) await f.transaction((tx) => tx.enqueueEvent({ aggregate, envelope }));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let firstHanded: string[] = [];
      // Relay 1 claims only a1 and holds it while "publishing".
      const first = f.outbox.relay(1, async (records) => {
        firstHanded = records.map((r) => r.id);
        await gate;
        return records.map((r) => r.id);
      }, w.scope);
      for (let i = 0; i < 100 && firstHanded.length === 0; i++) await sleep(20);
      expect(firstHanded).toEqual([a1.id]);
      const secondHanded: string[] = [];
      const second = await f.outbox.relay(10, async (records) => {
        secondHanded.push(...records.map((r) => r.id));
        return records.map((r) => r.id);
      }, w.scope);
      expect(secondHanded).toEqual([b1.id]); // a2 held back: a1 is not sent yet
      expect(second).toMatchObject({ claimed: 2, published: 1, held: 1 });
      release();
      expect(await first).toMatchObject({ published: 1 });
      expect((await drain(w.scope)).map((r) => r.id)).toEqual([a2.id]);
    });

    it('publishes every record exactly once and in order per aggregate with 4 relays racing 6 concurrent writers', async () => {
      const w = world();
      const f = factory();
      const aggregates = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
      const perAggregate = 25;
      const log: Array<{ aggregate: string; n: number; id: string }> = [];
      let writing = true;
      const relayLoop = async () => {
        for (;;) {
          const done = !writing;
          const result = await f.outbox.relay(7, async (records) => {
            const published: string[] = [];
            for (const r of records) {
              await sleep(Math.random() * 2);
              log.push({ aggregate: r.aggregate, n: (r.envelope.data as { n: number }).n, id: r.id });
              published.push(r.id);
            }
            return published;
          }, w.scope);
          if (done && result.claimed === 0 && (await f.outbox.pending(w.scope)) === 0) return;
          if (result.claimed === 0) await sleep(5);
        }
      };
      const writer = async (aggregate: string) => {
        const store = f.collection<Item>(w.collection);
        const { doc } = await store.create({ name: aggregate, kind: 'k', n: 0 });
        for (let n = 1; n <= perAggregate; n++) {
          await f.transaction(async (tx) => {
            const current = await tx.collection<Item>(w.collection).get(doc.id);
            const updated = await tx.collection<Item>(w.collection).update(doc.id, { name: aggregate, kind: 'k', n }, current!.version);
            await tx.enqueueEvent({ aggregate, envelope: w.envelope({ id: doc.id, n: updated.n }) });
          });
        }
      };
      const relays = Array.from({ length: 4 }, relayLoop);
      await Promise.all(aggregates.map(writer));
      writing = false;
      await Promise.all(relays);

      expect(log).toHaveLength(aggregates.length * perAggregate);
      expect(new Set(log.map((e) => e.id)).size).toBe(log.length); // each published once
      for (const aggregate of aggregates) {
        const order = log.filter((e) => e.aggregate === aggregate).map((e) => e.n);
        expect(order, aggregate).toEqual(Array.from({ length: perAggregate }, (_, i) => i + 1));
      }
    });

    it('keeps each scope to itself: a relay, pending and prune of one subject prefix never touch another', async () => {
      const x = world();
      const y = world();
      const f = factory();
      await f.transaction(async (tx) => {
        await tx.enqueueEvent({ aggregate: 'a', envelope: x.envelope({ id: 'x' }) });
        await tx.enqueueEvent({ aggregate: 'a', envelope: y.envelope({ id: 'y' }) });
      });
      expect(await f.outbox.pending(x.scope)).toBe(1);
      const handed = await drain(x.scope);
      expect(handed.map((r) => r.subject)).toEqual([`${x.prefix}.fund.deleted`]);
      await f.outbox.prune(0, y.scope);
      expect(await f.outbox.prune(0, x.scope)).toBe(1);
      expect(await f.outbox.pending(y.scope)).toBe(1);
      await expect(f.outbox.pending({ subjectPrefix: 'bad prefix' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'scope.subjectPrefix' });
    });

    it('prunes only records sent longer ago than the retention, never an unsent one', async () => {
      const w = world();
      const f = factory();
      for (const id of ['p1', 'p2']) await f.transaction((tx) => tx.enqueueEvent({ aggregate: id, envelope: w.envelope({ id }) }));
      await drain(w.scope);
      await f.transaction((tx) => tx.enqueueEvent({ aggregate: 'p3', envelope: w.envelope({ id: 'p3' }) }));
      expect(await f.outbox.prune(60_000, w.scope)).toBe(0); // sent just now: younger than a minute
      await sleep(50);
      expect(await f.outbox.prune(20, w.scope)).toBe(2);
      expect(await f.outbox.pending(w.scope)).toBe(1);
      expect(await f.outbox.prune(0, w.scope)).toBe(0); // p3 is unsent
      await expect(f.outbox.prune(-1, w.scope)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'olderThanMs' });
      await expect(f.outbox.relay(0, takeAll, w.scope)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'limit' });
    });
  });
}
