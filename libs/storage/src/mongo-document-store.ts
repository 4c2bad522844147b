/**
 * MongoDB adapter of the document store (official `mongodb` driver).
 *
 * Stored shape: `{ _id: id, data: {...}, version, created_at: Date, updated_at: Date,
 * idempotency_key? }` — the caller's data lives under `data`, so its field names can never
 * collide with the metadata. Version compare-and-set is `findOneAndUpdate({ _id, version })`;
 * idempotent creates rely on a unique sparse index on `idempotency_key`, created by
 * `ensureIndexes()` (called automatically, once, before the first write).
 *
 * Bound to a transaction (`{ session }`, see `DocumentStoreFactory.transaction`) every
 * operation runs in that session. A write error aborts a MongoDB transaction, so there an
 * idempotent create first looks the key up (in the transaction's snapshot), and a key taken
 * by a concurrent transaction is reported as a transient error: the driver retries the whole
 * transaction, which then finds the first document.
 */
import { MongoServerError, type ClientSession, type Collection, type Db, type Filter } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { DuplicateError, NotFoundError, StoreError, VersionConflictError } from './errors.js';
import {
  assertCollectionName,
  assertFilterGiven,
  assertId,
  assertIdempotencyKey,
  assertLimit,
  assertVersion,
  decodeCursor,
  encodeCursor,
  escapeRegex,
  normalizeFilter,
  normalizeListOptions,
  stripMeta,
  type CreateOptions,
  type Doc,
  type DocumentFilter,
  type DocumentStore,
  type ListOptions,
  type Page,
  type PageRequest,
} from './document-store.js';

interface StoredDocument {
  _id: string;
  data: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  idempotency_key?: string;
}

export interface MongoDocumentStore<T extends object> extends DocumentStore<T> {
  /** Creates the unique sparse index on `idempotency_key` (paging uses the built-in `_id` index). Idempotent. */
  ensureIndexes(): Promise<void>;
}

/** Binds a store to a transaction. */
export interface MongoStoreOptions {
  /** Every operation runs in this session (its transaction). */
  session?: ClientSession;
  /** Called before every operation; throws once the transaction has ended. */
  assertOpen?: () => void;
  /** Index creation shared with the collection's non-transactional store (indexes are never built inside a transaction). */
  ensureIndexes?: () => Promise<void>;
}

const DUPLICATE_KEY = 11000;

function toDoc<T>(stored: StoredDocument): Doc<T> {
  return {
    ...(stored.data as T),
    id: stored._id,
    version: stored.version,
    created_at: stored.created_at.toISOString(),
    updated_at: stored.updated_at.toISOString(),
  };
}

function toMongoFilter(filter: DocumentFilter | undefined): Filter<StoredDocument> {
  const { equals, contains } = normalizeFilter(filter);
  // Each condition also excludes array values, keeping JSON semantics identical to the
  // PostgreSQL adapter: an array field never matches an element, and 1 never equals '1'.
  const conditions: Record<string, unknown>[] = equals.map(([field, value]) => ({
    [`data.${field}`]: { $eq: value, $not: { $type: 'array' } },
  }));
  if (contains) {
    const path = `data.${contains.field}`;
    conditions.push({ [path]: { $type: 'string', $regex: escapeRegex(contains.text), $options: 'i' } });
    conditions.push({ [path]: { $not: { $type: 'array' } } });
  }
  return (conditions.length === 0 ? {} : { $and: conditions }) as Filter<StoredDocument>;
}

export function createMongoDocumentStore<T extends object>(db: Db, collection: string, options: MongoStoreOptions = {}): MongoDocumentStore<T> {
  assertCollectionName(collection);
  const coll: Collection<StoredDocument> = db.collection<StoredDocument>(collection);
  const { session } = options;
  const inTransaction = session !== undefined;
  const check = options.assertOpen ?? (() => undefined);
  let indexes: Promise<void> | undefined;

  function ensureIndexes(): Promise<void> {
    if (options.ensureIndexes) return options.ensureIndexes();
    indexes ??= coll
      .createIndex({ idempotency_key: 1 }, { name: 'idempotency_key_unique', unique: true, sparse: true })
      .then(() => undefined)
      .catch((err: unknown) => {
        indexes = undefined; // let the next call try again
        throw err;
      });
    return indexes;
  }

  async function currentVersion(id: string): Promise<number | null> {
    const found = await coll.findOne({ _id: id }, { projection: { version: 1 }, session });
    return found ? found.version : null;
  }

  return {
    collection,
    ensureIndexes,

    async get(id) {
      check();
      assertId(id);
      const found = await coll.findOne({ _id: id }, { session });
      return found ? toDoc<T>(found) : null;
    },

    async list(page: PageRequest, filter?: DocumentFilter, listOptions?: ListOptions): Promise<Page<T>> {
      check();
      assertLimit(page?.limit);
      const omit = normalizeListOptions(listOptions);
      const query = toMongoFilter(filter);
      if (page.cursor !== undefined) (query as Record<string, unknown>)._id = { $gt: decodeCursor(page.cursor) };
      // An exclusion projection on `data.<field>` drops those fields server-side.
      const projection = omit.length === 0 ? undefined : Object.fromEntries(omit.map((field) => [`data.${field}`, 0]));
      const rows = await coll
        .find(query, projection === undefined ? { session } : { projection, session })
        .sort({ _id: 1 })
        .limit(page.limit + 1)
        .toArray();
      const more = rows.length > page.limit;
      const items = (more ? rows.slice(0, page.limit) : rows).map((r) => toDoc<T>(r));
      return { items, next_cursor: more ? encodeCursor(items[items.length - 1].id) : null };
    },

    async create(data: T, createOptions: CreateOptions = {}) {
      check();
      const body = stripMeta(data);
      const id = createOptions.id ?? uuidv7();
      assertId(id);
      const key = createOptions.idempotencyKey;
      if (key !== undefined) assertIdempotencyKey(key);
      await ensureIndexes();
      if (inTransaction && key !== undefined) {
        const first = await coll.findOne({ idempotency_key: key }, { session });
        if (first) return { doc: toDoc<T>(first), created: false };
      }
      const now = new Date();
      const stored: StoredDocument = { _id: id, data: body, version: 1, created_at: now, updated_at: now };
      if (key !== undefined) stored.idempotency_key = key;
      try {
        await coll.insertOne(stored, { session });
        return { doc: toDoc<T>(stored), created: true };
      } catch (err) {
        if (!(err instanceof MongoServerError) || err.code !== DUPLICATE_KEY) throw err;
        // keyPattern names the violated index (MongoDB ≥ 4.4); older servers only say it in the message.
        const keyPattern = err.keyPattern as Record<string, unknown> | undefined;
        const onKey = key !== undefined && (keyPattern ? 'idempotency_key' in keyPattern : err.message.includes('idempotency_key'));
        if (!onKey) throw new DuplicateError(collection, id, { cause: err });
        if (inTransaction) {
          // A concurrent transaction committed the key after our snapshot: retrying the whole
          // transaction (the driver does, on this label) finds its document.
          err.addErrorLabel('TransientTransactionError');
          throw err;
        }
        const first = await coll.findOne({ idempotency_key: key });
        if (!first) {
          throw new StoreError('UNAVAILABLE', `${collection}: idempotency key "${key}" was taken but its document vanished (deleted concurrently); retry`);
        }
        return { doc: toDoc<T>(first), created: false };
      }
    },

    async update(id, data, expectedVersion) {
      check();
      assertId(id);
      assertVersion(expectedVersion);
      const body = stripMeta(data);
      const updated = await coll.findOneAndUpdate(
        { _id: id, version: expectedVersion },
        { $set: { data: body, updated_at: new Date() }, $inc: { version: 1 } },
        { returnDocument: 'after', session },
      );
      if (updated) return toDoc<T>(updated);
      const current = await currentVersion(id);
      if (current === null) throw new NotFoundError(collection, id);
      throw new VersionConflictError(collection, id, expectedVersion, current);
    },

    async delete(id, expectedVersion) {
      check();
      assertId(id);
      if (expectedVersion === undefined) return (await coll.deleteOne({ _id: id }, { session })).deletedCount > 0;
      assertVersion(expectedVersion);
      if ((await coll.deleteOne({ _id: id, version: expectedVersion }, { session })).deletedCount > 0) return true;
      const current = await currentVersion(id);
      if (current === null) return false;
      throw new VersionConflictError(collection, id, expectedVersion, current);
    },

    async deleteWhere(filter) {
      check();
      assertFilterGiven(filter);
      return (await coll.deleteMany(toMongoFilter(filter), { session })).deletedCount;
    },
  };
}
