/**
 * The audit log in MongoDB: the `audit_log` collection, one document per entry
 * `{ _id: ObjectId, at, actor, role, action, resource, resource_id, version, details }`.
 * `at` is set by the server (`$currentDate` on an upsert of a fresh `_id`); `id` is the
 * ObjectId in hex (increasing per writer process). Bound to a session, entries join its
 * transaction. Indexes: `ensureMongoAuditIndexes` (`resource, resource_id, _id desc`).
 */
import { ObjectId, type ClientSession, type Db } from 'mongodb';
import { validateAuditEntry, validateAuditQuery, type AuditEntry, type AuditLog } from './audit-log.js';

export const MONGO_AUDIT_COLLECTION = 'audit_log';

interface StoredEntry {
  _id: ObjectId;
  at: Date;
  actor: string;
  role: string;
  action: string;
  resource: string;
  resource_id: string;
  version: number | null;
  details: Record<string, unknown> | null;
}

function toEntry(stored: StoredEntry): AuditEntry {
  const { _id, at, ...rest } = stored;
  return { ...rest, id: _id.toHexString(), at: at.toISOString() };
}

export function ensureMongoAuditIndexes(db: Db): Promise<unknown> {
  return db.collection(MONGO_AUDIT_COLLECTION).createIndex({ resource: 1, resource_id: 1, _id: -1 }, { name: 'audit_log_resource' });
}

export function createMongoAuditLog(db: Db, options: { session?: ClientSession; assertOpen?: () => void } = {}): AuditLog {
  const coll = db.collection<StoredEntry>(MONGO_AUDIT_COLLECTION);
  const { session } = options;
  const check = options.assertOpen ?? (() => undefined);
  return {
    async append(entry) {
      check();
      validateAuditEntry(entry);
      const fields = {
        actor: entry.actor,
        role: entry.role,
        action: entry.action,
        resource: entry.resource,
        resource_id: entry.resource_id,
        version: entry.version,
        details: entry.details ?? null,
      };
      const stored = await coll.findOneAndUpdate(
        { _id: new ObjectId() },
        { $setOnInsert: fields, $currentDate: { at: true } },
        { upsert: true, returnDocument: 'after', session },
      );
      return toEntry(stored!);
    },

    async list(query) {
      check();
      const filter = Object.fromEntries(validateAuditQuery(query));
      const rows = await coll.find(filter, { session }).sort({ _id: -1 }).limit(query.limit).toArray();
      return rows.map(toEntry);
    },
  };
}
