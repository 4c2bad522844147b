/**
 * PostgreSQL JSONB adapter of the document store: one shared `documents` table keyed by
 * (collection, id), created by `storageMigrations` (run `runMigrations(pool, storageMigrations)`
 * first). `equals` filters use JSONB containment on the document's top-level scalars
 * (`equihome_top_level_scalars(data) @> …`, served by the GIN index `documents_scalars_gin`,
 * migration 3); `contains` uses ILIKE on `data->>field`. `list(…, { omit })` selects
 * `data - $omit::text[]`, so omitted fields never leave the server. Version compare-and-set is a single
 * `update … where version = $expected`, so concurrent writers with the same expected version
 * cannot both succeed.
 */
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
  escapeLike,
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
import type { SqlExecutor } from './postgres-pool.js';

interface Row {
  id: string;
  data: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, data, version, created_at, updated_at';

function toDoc<T>(row: Row): Doc<T> {
  return {
    ...(row.data as T),
    id: row.id,
    version: row.version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Appends the filter's SQL conditions to `where`, parameters to `params`. */
function filterSql(filter: DocumentFilter | undefined, where: string[], params: unknown[]): void {
  const { equals, contains } = normalizeFilter(filter);
  if (equals.length > 0) {
    params.push(JSON.stringify(Object.fromEntries(equals)));
    // Same result as `data @> …` (a top-level array never contains-matches a scalar), but on
    // the expression that `documents_scalars_gin` indexes, so the index can answer it.
    where.push(`equihome_top_level_scalars(data) @> $${params.length}::jsonb`);
  }
  if (contains) {
    params.push(contains.field);
    const f = params.length;
    params.push(`%${escapeLike(contains.text)}%`);
    where.push(`jsonb_typeof(data -> $${f}::text) = 'string' and (data ->> $${f}::text) ilike $${params.length} escape '\\'`);
  }
}

/**
 * A store for `collection` on `db`: a `pg.Pool` (autocommit), or the client of a transaction
 * (then every statement joins it; see `DocumentStoreFactory.transaction`). No statement of
 * this store ever fails inside a transaction for a case it reports (duplicate id, taken
 * idempotency key, stale version, absent id), so the transaction stays usable after it.
 */
export function createPostgresDocumentStore<T extends object>(db: SqlExecutor, collection: string): DocumentStore<T> {
  assertCollectionName(collection);

  async function currentVersion(id: string): Promise<number | null> {
    const { rows } = await db.query<{ version: number }>('select version from documents where collection = $1 and id = $2', [collection, id]);
    return rows.length === 0 ? null : rows[0].version;
  }

  return {
    collection,

    async get(id) {
      assertId(id);
      const { rows } = await db.query<Row>(`select ${COLUMNS} from documents where collection = $1 and id = $2`, [collection, id]);
      return rows.length === 0 ? null : toDoc<T>(rows[0]);
    },

    async list(page: PageRequest, filter?: DocumentFilter, options?: ListOptions): Promise<Page<T>> {
      assertLimit(page?.limit);
      const omit = normalizeListOptions(options);
      const params: unknown[] = [collection];
      const where = ['collection = $1'];
      if (page.cursor !== undefined) {
        params.push(decodeCursor(page.cursor));
        where.push(`id > $${params.length}`);
      }
      filterSql(filter, where, params);
      let columns = COLUMNS;
      if (omit.length > 0) {
        // `jsonb - text[]` drops those top-level keys server-side: they never cross the wire.
        params.push(omit);
        columns = `id, data - $${params.length}::text[] as data, version, created_at, updated_at`;
      }
      params.push(page.limit + 1);
      const { rows } = await db.query<Row>(
        `select ${columns} from documents where ${where.join(' and ')} order by id limit $${params.length}`,
        params,
      );
      const more = rows.length > page.limit;
      const items = (more ? rows.slice(0, page.limit) : rows).map((r) => toDoc<T>(r));
      return { items, next_cursor: more ? encodeCursor(items[items.length - 1].id) : null };
    },

    async create(data: T, options: CreateOptions = {}) {
      const body = stripMeta(data);
      const id = options.id ?? uuidv7();
      assertId(id);
      const key = options.idempotencyKey ?? null;
      if (key !== null) assertIdempotencyKey(key);
      // `on conflict do nothing` (any unique constraint) rather than catching a unique
      // violation: an error would abort the caller's transaction.
      const { rows } = await db.query<Row>(
        `insert into documents (collection, id, data, version, idempotency_key)
         values ($1, $2, $3::jsonb, 1, $4)
         on conflict do nothing
         returning ${COLUMNS}`,
        [collection, id, JSON.stringify(body), key],
      );
      if (rows.length === 1) return { doc: toDoc<T>(rows[0]), created: true };
      if (key !== null) {
        // The key was taken: the conflicting insert has committed (ON CONFLICT waits for it), so it is visible now.
        const { rows: first } = await db.query<Row>(`select ${COLUMNS} from documents where collection = $1 and idempotency_key = $2`, [collection, key]);
        if (first.length === 1) return { doc: toDoc<T>(first[0]), created: false };
      }
      if ((await currentVersion(id)) !== null) throw new DuplicateError(collection, id);
      const taken = key === null ? `id "${id}"` : `idempotency key "${key}"`;
      throw new StoreError('UNAVAILABLE', `${collection}: ${taken} was taken but its document vanished (deleted concurrently); retry`);
    },

    async update(id, data, expectedVersion) {
      assertId(id);
      assertVersion(expectedVersion);
      const body = stripMeta(data);
      const { rows } = await db.query<Row>(
        `update documents set data = $4::jsonb, version = version + 1, updated_at = clock_timestamp()
         where collection = $1 and id = $2 and version = $3
         returning ${COLUMNS}`,
        [collection, id, expectedVersion, JSON.stringify(body)],
      );
      if (rows.length === 1) return toDoc<T>(rows[0]);
      const current = await currentVersion(id);
      if (current === null) throw new NotFoundError(collection, id);
      throw new VersionConflictError(collection, id, expectedVersion, current);
    },

    async delete(id, expectedVersion) {
      assertId(id);
      if (expectedVersion === undefined) {
        const { rowCount } = await db.query('delete from documents where collection = $1 and id = $2', [collection, id]);
        return (rowCount ?? 0) > 0;
      }
      assertVersion(expectedVersion);
      const { rowCount } = await db.query('delete from documents where collection = $1 and id = $2 and version = $3', [
        collection,
        id,
        expectedVersion,
      ]);
      if ((rowCount ?? 0) > 0) return true;
      const current = await currentVersion(id);
      if (current === null) return false;
      throw new VersionConflictError(collection, id, expectedVersion, current);
    },

    async deleteWhere(filter) {
      assertFilterGiven(filter);
      const params: unknown[] = [collection];
      const where = ['collection = $1'];
      filterSql(filter, where, params);
      const { rowCount } = await db.query(`delete from documents where ${where.join(' and ')}`, params);
      return rowCount ?? 0;
    },
  };
}
