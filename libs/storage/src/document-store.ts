/**
 * The document-store port: JSON documents in named collections with server-assigned
 * metadata (`id`, `version`, `created_at`, `updated_at`) and optimistic concurrency.
 *
 * Conventions shared by every adapter:
 * - ids are UUIDv7 strings unless the caller supplies one; `list` orders by id in binary
 *   (code-point) order, which for UUIDv7 is creation order.
 * - `version` starts at 1 and grows by exactly 1 per successful update.
 * - times are ISO-8601 UTC strings with millisecond precision (`2026-01-31T12:00:00.000Z`).
 * - the metadata keys (and MongoDB's `_id`) inside `data` are ignored: stored once, by the store.
 */
import { StoreError, invalidArgument } from './errors.js';

export interface StoredMeta {
  id: string;
  version: number;
  /** ISO-8601 UTC. */
  created_at: string;
  /** ISO-8601 UTC. */
  updated_at: string;
}

export type Doc<T> = T & StoredMeta;

/** All parts optional and AND-ed. Field names are top-level data fields (`[A-Za-z_][A-Za-z0-9_]*`). */
export interface DocumentFilter {
  /** Top-level field equality (JSON value equality: 1 equals 1.0, 'a' never equals 1). */
  equals?: Record<string, string | number | boolean>;
  /** Case-insensitive substring match on a top-level string field; non-string values never match. */
  contains?: { field: string; text: string };
}

export interface Page<T> {
  items: Doc<T>[];
  /** Opaque; pass back as `cursor` for the next page. `null` on the last page. */
  next_cursor: string | null;
}

/** What `list` returns of each document. */
export interface ListOptions {
  /**
   * Top-level data fields to leave out of the returned items (same name rules as filter
   * fields; metadata names are refused). Absent fields are ignored. Filters and paging still
   * see the whole document; only the reply is smaller (e.g. a portfolio list without `loans`).
   */
  omit?: string[];
}

export interface PageRequest {
  /** 1 … MAX_PAGE_LIMIT. */
  limit: number;
  cursor?: string;
}

export interface CreateOptions {
  /** Use this id instead of a fresh UUIDv7. A taken id → DuplicateError. */
  id?: string;
  /**
   * A retried create with the same key (in the same collection) returns the first document
   * with `created: false` and creates nothing. Enforced by a unique index, so it holds under
   * concurrency.
   */
  idempotencyKey?: string;
}

export interface DocumentStore<T extends object> {
  /** The collection name this store reads and writes. */
  readonly collection: string;
  get(id: string): Promise<Doc<T> | null>;
  /**
   * Stable order by id; a malformed cursor → StoreError `BAD_CURSOR`. With `options.omit` the
   * items lack those top-level data fields (typed as `Doc<T>` still: the caller asked for it).
   */
  list(page: PageRequest, filter?: DocumentFilter, options?: ListOptions): Promise<Page<T>>;
  create(data: T, options?: CreateOptions): Promise<{ doc: Doc<T>; created: boolean }>;
  /**
   * Replaces the data when `expectedVersion` is current (atomic compare-and-set):
   * version+1, updated_at now. NotFoundError when absent; VersionConflictError when stale,
   * in which case nothing changed.
   */
  update(id: string, data: T, expectedVersion: number): Promise<Doc<T>>;
  /** false when absent; VersionConflictError when `expectedVersion` is given and stale. */
  delete(id: string, expectedVersion?: number): Promise<boolean>;
  /**
   * Deletes every matching document and returns the count. The filter is required: `{}`
   * (explicitly) empties the collection; `undefined` → INVALID_ARGUMENT.
   */
  deleteWhere(filter: DocumentFilter): Promise<number>;
  close?(): Promise<void>;
}

export const MAX_PAGE_LIMIT = 1000;
export const META_KEYS = ['id', 'version', 'created_at', 'updated_at', '_id'] as const;

const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_ID_LENGTH = 200;
const MAX_KEY_LENGTH = 200;
/** At most this many names in `ListOptions.omit`. */
export const MAX_OMIT_FIELDS = 100;

/** Collection names: lower-case letter first, then `[a-z0-9_]`, at most 63 characters. */
export function assertCollectionName(name: string): void {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
    throw invalidArgument('collection', `"${String(name)}" must match ${COLLECTION_NAME.source}`);
  }
}

export function assertId(id: unknown, field = 'id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw invalidArgument(field, `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
  }
}

export function assertIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalidArgument('idempotencyKey', `must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
  }
}

export function assertVersion(version: unknown, field = 'expectedVersion'): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw invalidArgument(field, 'must be a non-negative integer');
  }
}

export function assertLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw invalidArgument('limit', `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
}

/** The data object without metadata keys; rejects non-objects. */
export function stripMeta<T extends object>(data: T): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw invalidArgument('data', 'must be a JSON object');
  }
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const key of META_KEYS) delete copy[key];
  return copy;
}

function assertFieldName(field: unknown, path: string, what = 'filters'): asserts field is string {
  if (typeof field !== 'string' || !FIELD_NAME.test(field)) {
    throw invalidArgument(path, `"${String(field)}" is not a top-level field name (${FIELD_NAME.source})`);
  }
  if ((META_KEYS as readonly string[]).includes(field)) {
    throw invalidArgument(path, `"${field}" is document metadata; ${what} apply to data fields`);
  }
}

/** deleteWhere demands an explicit filter object so that a missing argument never wipes a collection. */
export function assertFilterGiven(filter: unknown): asserts filter is DocumentFilter {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) throw invalidArgument('filter', 'must be an object ({} deletes all)');
}

/** Validates a filter and returns it in a normalized shape. */
export function normalizeFilter(filter: DocumentFilter | undefined): {
  equals: [string, string | number | boolean][];
  contains: { field: string; text: string } | null;
} {
  if (filter === undefined || filter === null) return { equals: [], contains: null };
  if (typeof filter !== 'object') throw invalidArgument('filter', 'must be an object');
  const equals: [string, string | number | boolean][] = [];
  if (filter.equals !== undefined) {
    if (filter.equals === null || typeof filter.equals !== 'object') throw invalidArgument('filter.equals', 'must be an object');
    for (const [field, value] of Object.entries(filter.equals)) {
      assertFieldName(field, `filter.equals.${field}`);
      const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      if (!ok) throw invalidArgument(`filter.equals.${field}`, 'must be a string, finite number or boolean');
      equals.push([field, value]);
    }
  }
  let contains: { field: string; text: string } | null = null;
  if (filter.contains !== undefined) {
    const c = filter.contains;
    if (c === null || typeof c !== 'object') throw invalidArgument('filter.contains', 'must be { field, text }');
    assertFieldName(c.field, 'filter.contains.field');
    if (typeof c.text !== 'string') throw invalidArgument('filter.contains.text', 'must be a string');
    contains = { field: c.field, text: c.text };
  }
  return { equals, contains };
}

/** Validates `ListOptions` and returns the distinct field names to omit (possibly none). */
export function normalizeListOptions(options: ListOptions | undefined): string[] {
  if (options === undefined || options === null) return [];
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidArgument('options', 'must be an object');
  if (options.omit === undefined) return [];
  if (!Array.isArray(options.omit) || options.omit.length > MAX_OMIT_FIELDS) {
    throw invalidArgument('options.omit', `must be an array of at most ${MAX_OMIT_FIELDS} field names`);
  }
  options.omit.forEach((field, i) => assertFieldName(field, `options.omit[${i}]`, 'projections'));
  return [...new Set(options.omit)];
}

/** Cursor = base64url(JSON `{ "after": <last id> }`). Opaque to callers. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: unknown): string {
  const bad = () => new StoreError('BAD_CURSOR', 'cursor: not a cursor returned by list()', { field: 'cursor' });
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const after = (parsed as { after?: unknown } | null)?.after;
  if (typeof after !== 'string' || after.length === 0 || after.length > MAX_ID_LENGTH) throw bad();
  return after;
}

/** Escapes `%`, `_` and `\` for a LIKE/ILIKE pattern with ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Escapes regular-expression metacharacters so `text` matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
