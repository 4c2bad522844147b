/**
 * Append-only audit log of writes (who, what, when). PostgreSQL: the `audit_log` table
 * (created by `storageMigrations`); MongoDB: the `audit_log` collection
 * (`createMongoAuditLog`). The time is set by the database (`clock_timestamp()`, `$currentDate`),
 * never by the caller. Inside `DocumentStoreFactory.transaction` the entry commits or rolls
 * back with the documents (`tx.appendAudit`).
 */
import { invalidArgument } from './errors.js';
import type { SqlExecutor } from './postgres-pool.js';

export interface AuditEntryInput {
  /** Who: the subject of the authenticated caller (user id, service name). */
  actor: string;
  /** The caller's role when acting (e.g. `admin`, `analyst`, `service`). */
  role: string;
  /** What: a verb such as `create`, `update`, `delete`, `simulate`. */
  action: string;
  /** The resource type, e.g. `fund`, `portfolio`. */
  resource: string;
  resource_id: string;
  /** The resource version after the write (`null` when not versioned, e.g. after a delete). */
  version: number | null;
  /** Any JSON-serialisable context (request id, changed fields…). */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Omit<AuditEntryInput, 'details'> {
  /**
   * Increasing id: PostgreSQL a monotonic sequence number (decimal string; bigint in the
   * database); MongoDB the entry's ObjectId (24 hex digits, increasing per writer process).
   */
  id: string;
  /** ISO-8601 UTC, set by the database. */
  at: string;
  details: Record<string, unknown> | null;
}

export interface AuditQuery {
  resource?: string;
  resource_id?: string;
  /** 1 … 1000. */
  limit: number;
}

export interface AuditLog {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}

interface Row {
  id: string;
  at: Date;
  actor: string;
  role: string;
  action: string;
  resource: string;
  resource_id: string;
  version: number | null;
  details: Record<string, unknown> | null;
}

const COLUMNS = 'id::text as id, at, actor, role, action, resource, resource_id, version, details';
const TEXT_FIELDS = ['actor', 'role', 'action', 'resource', 'resource_id'] as const;

function toEntry(row: Row): AuditEntry {
  return { ...row, at: row.at.toISOString() };
}

/** Rejects an entry the log would not store faithfully (INVALID_ARGUMENT naming the field). */
export function validateAuditEntry(entry: AuditEntryInput): void {
  if (entry === null || typeof entry !== 'object') throw invalidArgument('entry', 'must be an object');
  for (const field of TEXT_FIELDS) {
    const value = entry[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 500) {
      throw invalidArgument(field, 'must be a non-empty string of at most 500 characters');
    }
  }
  if (entry.version !== null && (typeof entry.version !== 'number' || !Number.isSafeInteger(entry.version) || entry.version < 0)) {
    throw invalidArgument('version', 'must be a non-negative integer or null');
  }
  if (entry.details !== undefined && (entry.details === null || typeof entry.details !== 'object' || Array.isArray(entry.details))) {
    throw invalidArgument('details', 'must be a JSON object when given');
  }
}

/** Validates a query; returns its filter fields (`resource`, `resource_id`) that are set. */
export function validateAuditQuery(query: AuditQuery): Array<['resource' | 'resource_id', string]> {
  if (query === null || typeof query !== 'object') throw invalidArgument('query', 'must be an object');
  const { limit } = query;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw invalidArgument('limit', 'must be an integer from 1 to 1000');
  }
  const fields: Array<['resource' | 'resource_id', string]> = [];
  for (const field of ['resource', 'resource_id'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0) throw invalidArgument(field, 'must be a non-empty string');
    fields.push([field, value]);
  }
  return fields;
}

/** The PostgreSQL audit log on `pool`, or on a transaction's client (then entries join the transaction). */
export function createAuditLog(pool: SqlExecutor): AuditLog {
  return {
    async append(entry) {
      validateAuditEntry(entry);
      const { rows } = await pool.query<Row>(
        `insert into audit_log (actor, role, action, resource, resource_id, version, details)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb) returning ${COLUMNS}`,
        [entry.actor, entry.role, entry.action, entry.resource, entry.resource_id, entry.version, entry.details === undefined ? null : JSON.stringify(entry.details)],
      );
      return toEntry(rows[0]);
    },

    async list(query) {
      const params: unknown[] = [];
      const where: string[] = [];
      for (const [field, value] of validateAuditQuery(query)) {
        params.push(value);
        where.push(`${field} = $${params.length}`);
      }
      params.push(query.limit);
      const { rows } = await pool.query<Row>(
        `select ${COLUMNS} from audit_log ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
        params,
      );
      return rows.map(toEntry);
    },
  };
}
