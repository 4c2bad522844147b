/**
 * MongoDB adapter of the outbox: the `outbox` collection
 * `{ _id: envelope id, aggregate, seq, subject, envelope, created_at, sent_at, claimed_by, claimed_until }`
 * and `outbox_aggregates` `{ _id: aggregate, seq }`, the per-aggregate counter.
 *
 * - `enqueueMongoEvent` runs in the caller's transaction: it increments the aggregate's
 *   counter (two transactions of one aggregate write-conflict there, and the driver retries
 *   the later one, so an aggregate's `seq` grows in commit order) and inserts the record.
 * - `relay` claims with a lease instead of row locks: candidates (unsent, unclaimed or with
 *   an expired lease, oldest `created_at` first) are claimed by one `updateMany` that sets
 *   `claimed_by` (a fresh token) and `claimed_until` (now + lease); records of an aggregate
 *   with an earlier unsent record not claimed by this call are released at once; the rest go
 *   to `publish` in per-aggregate `seq` order; the published runs are marked sent, the rest
 *   released. A relay that dies leaves its claim until the lease expires (default 30 s);
 *   a relay slower than its lease may see its records re-published by another (same
 *   envelope id: JetStream drops the copy within its duplicate window).
 */
import { randomBytes } from 'node:crypto';
import { MongoServerError, type ClientSession, type Db, type Filter } from 'mongodb';
import { DuplicateError } from './errors.js';
import {
  assertAge,
  assertRelayLimit,
  publishedRuns,
  scopeSubjectStart,
  validateOutboxEvent,
  type Outbox,
  type OutboxEventInput,
  type OutboxPublisher,
  type OutboxRecord,
  type OutboxScope,
  type RelayResult,
} from './outbox.js';
import { escapeRegex } from './document-store.js';

export const MONGO_OUTBOX_COLLECTION = 'outbox';
export const MONGO_OUTBOX_COUNTERS = 'outbox_aggregates';
export const DEFAULT_OUTBOX_LEASE_MS = 30_000;
const DUPLICATE_KEY = 11000;

interface StoredRecord {
  _id: string;
  aggregate: string;
  seq: number;
  subject: string;
  envelope: OutboxRecord['envelope'];
  created_at: Date;
  sent_at: Date | null;
  claimed_by: string | null;
  claimed_until: Date | null;
}

function toRecord(stored: StoredRecord): OutboxRecord {
  return {
    seq: String(stored.seq),
    id: stored._id,
    aggregate: stored.aggregate,
    subject: stored.subject,
    envelope: stored.envelope,
    created_at: stored.created_at.toISOString(),
  };
}

function scopeFilter(scope: OutboxScope | undefined): Filter<StoredRecord> {
  const start = scopeSubjectStart(scope);
  return start === null ? {} : { subject: { $regex: `^${escapeRegex(start)}` } };
}

export async function ensureMongoOutboxIndexes(db: Db): Promise<void> {
  const outbox = db.collection(MONGO_OUTBOX_COLLECTION);
  await outbox.createIndex({ sent_at: 1, created_at: 1, seq: 1 }, { name: 'outbox_unsent' });
  await outbox.createIndex({ aggregate: 1, sent_at: 1, seq: 1 }, { name: 'outbox_unsent_aggregate' });
  await outbox.createIndex({ claimed_by: 1 }, { name: 'outbox_claimed_by' });
  // The counters collection must exist before a transaction upserts into it.
  await db.createCollection(MONGO_OUTBOX_COUNTERS).catch((err: unknown) => {
    if (!(err instanceof MongoServerError && err.codeName === 'NamespaceExists')) throw err;
  });
}

/** Stores one record in `session`'s transaction. */
export async function enqueueMongoEvent(db: Db, session: ClientSession, input: OutboxEventInput): Promise<OutboxRecord> {
  validateOutboxEvent(input);
  const { aggregate, envelope } = input;
  const counter = await db
    .collection<{ _id: string; seq: number }>(MONGO_OUTBOX_COUNTERS)
    .findOneAndUpdate({ _id: aggregate }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', session });
  const stored: StoredRecord = {
    _id: envelope.id,
    aggregate,
    seq: counter!.seq,
    subject: envelope.subject,
    envelope,
    created_at: new Date(),
    sent_at: null,
    claimed_by: null,
    claimed_until: null,
  };
  try {
    await db.collection<StoredRecord>(MONGO_OUTBOX_COLLECTION).insertOne(stored, { session });
  } catch (err) {
    if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) throw new DuplicateError('outbox', envelope.id, { cause: err });
    throw err;
  }
  return toRecord(stored);
}

/**
 * Orders records oldest first, then rewrites each aggregate's positions so that its records
 * appear in `seq` order (created_at comes from the writers' clocks, which may disagree).
 */
function inPublishOrder(records: StoredRecord[]): StoredRecord[] {
  const byTime = [...records].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.seq - b.seq);
  const queues = new Map<string, StoredRecord[]>();
  for (const r of byTime) queues.set(r.aggregate, [...(queues.get(r.aggregate) ?? []), r]);
  for (const queue of queues.values()) queue.sort((a, b) => a.seq - b.seq);
  return byTime.map((r) => queues.get(r.aggregate)!.shift()!);
}

export function createMongoOutbox(db: Db, options: { leaseMs?: number } = {}): Outbox {
  const coll = db.collection<StoredRecord>(MONGO_OUTBOX_COLLECTION);
  const leaseMs = options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS;

  return {
    async relay(limit: number, publish: OutboxPublisher, scope?: OutboxScope): Promise<RelayResult> {
      assertRelayLimit(limit);
      const scoped = scopeFilter(scope);
      const token = randomBytes(12).toString('hex');
      const now = new Date();
      const claimable: Filter<StoredRecord> = { ...scoped, sent_at: null, $or: [{ claimed_until: null }, { claimed_until: { $lte: now } }] };
      const candidates = await coll.find(claimable, { projection: { _id: 1 } }).sort({ created_at: 1, seq: 1 }).limit(limit).toArray();
      if (candidates.length === 0) return { claimed: 0, published: 0, held: 0, failed: 0 };
      await coll.updateMany(
        { ...claimable, _id: { $in: candidates.map((c) => c._id) } },
        { $set: { claimed_by: token, claimed_until: new Date(now.getTime() + leaseMs) } },
      );
      const claimed = await coll.find({ claimed_by: token, sent_at: null }).toArray();
      const release = (ids: string[]) =>
        ids.length === 0 ? Promise.resolve() : coll.updateMany({ _id: { $in: ids }, claimed_by: token }, { $set: { claimed_by: null, claimed_until: null } }).then(() => undefined);

      // Hold back every record of an aggregate with an earlier unsent record this call did not claim.
      const aggregates = [...new Set(claimed.map((r) => r.aggregate))];
      const earliest = new Map<string, number>();
      const others = coll.aggregate<{ _id: string; seq: number }>([
        { $match: { ...scoped, aggregate: { $in: aggregates }, sent_at: null, claimed_by: { $ne: token } } },
        { $group: { _id: '$aggregate', seq: { $min: '$seq' } } },
      ]);
      for await (const row of others) earliest.set(row._id, row.seq);
      const isHeld = (r: StoredRecord) => (earliest.get(r.aggregate) ?? Infinity) < r.seq;
      const heldIds = claimed.filter(isHeld).map((r) => r._id);
      await release(heldIds);
      const handed = inPublishOrder(claimed.filter((r) => !isHeld(r)));
      if (handed.length === 0) return { claimed: claimed.length, published: 0, held: heldIds.length, failed: 0 };

      const records = handed.map(toRecord);
      let sent: OutboxRecord[];
      try {
        sent = publishedRuns(records, await publish(records));
      } catch (err) {
        await release(handed.map((r) => r._id)).catch(() => undefined); // else the lease expires
        throw err;
      }
      const sentIds = new Set(sent.map((r) => r.id));
      if (sentIds.size > 0) {
        await coll.updateMany({ _id: { $in: [...sentIds] } }, { $set: { sent_at: new Date(), claimed_by: null, claimed_until: null } });
      }
      await release(handed.filter((r) => !sentIds.has(r._id)).map((r) => r._id));
      return { claimed: claimed.length, published: sentIds.size, held: heldIds.length, failed: handed.length - sentIds.size };
    },

    async prune(olderThanMs: number, scope?: OutboxScope): Promise<number> {
      assertAge(olderThanMs);
      const cutoff = new Date(Date.now() - olderThanMs);
      return (await coll.deleteMany({ ...scopeFilter(scope), sent_at: { $lt: cutoff } })).deletedCount;
    },

    async pending(scope?: OutboxScope): Promise<number> {
      return coll.countDocuments({ ...scopeFilter(scope), sent_at: null });
    },
  };
}
