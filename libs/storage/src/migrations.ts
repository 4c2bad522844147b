/**
 * Numbered SQL migrations for PostgreSQL, applied at start-up.
 *
 * `runMigrations` takes a session-level `pg_advisory_lock` (one key per database) on one
 * connection, so any number of pods starting at once apply
 * each migration exactly once: the first applies, the others wait, then find it recorded.
 * Each migration runs in its own transaction together with its row in `schema_migrations`,
 * so a failed migration leaves no trace and is retried on the next start.
 *
 * Id ranges: the storage library owns ids 1–99 (`storageMigrations`); apps append theirs
 * from 100 upwards (e.g. `[...storageMigrations, { id: 100, name: 'runs', sql }]`). When
 * several services share one database (local dev, CI), give each service's own migrations
 * their own table (`{ table: 'simulation_migrations' }`) so ids never clash. An id recorded
 * under a different name is an error (two owners claimed the same id).
 */
import type pg from 'pg';
import { StoreError } from './errors.js';

export interface Migration {
  /** Positive integer; migrations apply in ascending id order. */
  id: number;
  name: string;
  sql: string;
}

export interface MigrationOptions {
  /** Table that records applied migrations (default `schema_migrations`). */
  table?: string;
}

export interface MigrationResult {
  /** Ids applied by this call (empty when everything was already applied). */
  applied: number[];
  /** Ids that were found already applied. */
  skipped: number[];
}

/**
 * One advisory-lock key for every migration run in a database, whatever its table: DDL of
 * different services (e.g. two running `create table if not exists` at once) never races.
 */
const MIGRATION_LOCK = 'equihome:migrations';
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The storage library's own schema: the shared `documents` table, `audit_log` and the `outbox`. */
export const storageMigrations: readonly Migration[] = Object.freeze([
  {
    id: 1,
    name: 'documents',
    sql: `
      create table if not exists documents (
        collection      text collate "C" not null,
        id              text collate "C" not null,
        data            jsonb not null,
        version         integer not null,
        created_at      timestamptz not null default clock_timestamp(),
        updated_at      timestamptz not null default clock_timestamp(),
        idempotency_key text,
        primary key (collection, id),
        constraint documents_idempotency_key unique (collection, idempotency_key)
      );
      create index if not exists documents_data_gin on documents using gin (data jsonb_path_ops);
    `,
  },
  {
    id: 2,
    name: 'audit_log',
    sql: `
      create table if not exists audit_log (
        id          bigint generated always as identity primary key,
        at          timestamptz not null default clock_timestamp(),
        actor       text not null,
        role        text not null,
        action      text not null,
        resource    text not null,
        resource_id text not null,
        version     integer,
        details     jsonb
      );
      create index if not exists audit_log_resource on audit_log (resource, resource_id, id desc);
    `,
  },
  {
    // Filters only ever address top-level scalar fields (`equals` → containment of a flat
    // object of scalars), so the GIN index of migration 1, which indexed every value of every
    // document (each loan of a 10,000-loan portfolio), is replaced by one over the top-level
    // scalars only. Writes of big documents no longer pay for indexing their nested parts.
    // `create index` (not concurrently: migrations run in a transaction) blocks writes to
    // `documents` while it builds; it reads only the top level of each document.
    id: 3,
    name: 'documents_top_level_scalars_index',
    sql: `
      create or replace function equihome_top_level_scalars(doc jsonb) returns jsonb
        language sql immutable strict parallel safe
        as $fn$
          select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
          from jsonb_each(case when jsonb_typeof(doc) = 'object' then doc else '{}'::jsonb end) as e
          where jsonb_typeof(e.value) not in ('array', 'object')
        $fn$;
      comment on function equihome_top_level_scalars(jsonb) is
        'The top-level keys of a JSON object whose values are scalars (string, number, boolean, null); {} for a non-object. Indexed by documents_scalars_gin.';
      drop index if exists documents_data_gin;
      create index if not exists documents_scalars_gin on documents using gin (equihome_top_level_scalars(data) jsonb_path_ops);
    `,
  },
  {
    // The transactional outbox (postgres-outbox.ts): events written by the transaction of
    // their change, published by a relay. `seq` orders records (in commit order per
    // aggregate); `id` is the envelope id (the JetStream Nats-Msg-Id); `subject` the wire
    // subject (relays scope by its prefix). Partial indexes keep the relay's queries on the
    // unsent rows only, whatever the number of sent rows kept for the retention period:
    // outbox_unsent serves the claim (oldest unsent first), outbox_unsent_aggregate the
    // "earlier unsent record of this aggregate" check, outbox_sent_at the prune.
    id: 4,
    name: 'outbox',
    sql: `
      create table if not exists outbox (
        seq        bigint generated always as identity primary key,
        id         text collate "C" not null,
        aggregate  text collate "C" not null,
        subject    text collate "C" not null,
        envelope   jsonb not null,
        created_at timestamptz not null default clock_timestamp(),
        sent_at    timestamptz,
        constraint outbox_id unique (id)
      );
      create index if not exists outbox_unsent on outbox (seq) where sent_at is null;
      create index if not exists outbox_unsent_aggregate on outbox (aggregate, seq) where sent_at is null;
      create index if not exists outbox_sent_at on outbox (sent_at) where sent_at is not null;
    `,
  },
]);

function validate(migrations: readonly Migration[], table: string): Migration[] {
  if (!TABLE_NAME.test(table)) throw new StoreError('INVALID_ARGUMENT', `table: "${table}" must match ${TABLE_NAME.source}`, { field: 'table' });
  if (!Array.isArray(migrations)) throw new StoreError('INVALID_ARGUMENT', 'migrations: must be an array', { field: 'migrations' });
  const seen = new Set<number>();
  migrations.forEach((m, i) => {
    const field = `migrations[${i}]`;
    if (!m || !Number.isSafeInteger(m.id) || m.id < 1) throw new StoreError('INVALID_ARGUMENT', `${field}.id: must be a positive integer`, { field: `${field}.id` });
    if (typeof m.name !== 'string' || m.name.length === 0) throw new StoreError('INVALID_ARGUMENT', `${field}.name: must be a non-empty string`, { field: `${field}.name` });
    if (typeof m.sql !== 'string' || m.sql.trim().length === 0) throw new StoreError('INVALID_ARGUMENT', `${field}.sql: must be non-empty SQL`, { field: `${field}.sql` });
    if (seen.has(m.id)) throw new StoreError('INVALID_ARGUMENT', `${field}.id: duplicate migration id ${m.id}`, { field: `${field}.id` });
    seen.add(m.id);
  });
  return [...migrations].sort((a, b) => a.id - b.id);
}

/** Applies every migration not yet recorded, in id order, each exactly once across concurrent callers. */
export async function runMigrations(pool: pg.Pool, migrations: readonly Migration[], options: MigrationOptions = {}): Promise<MigrationResult> {
  const table = options.table ?? 'schema_migrations';
  const ordered = validate(migrations, table);
  const client = await pool.connect();
  let broken: Error | undefined;
  const result: MigrationResult = { applied: [], skipped: [] };
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      await client.query(
        `create table if not exists ${table} (id integer primary key, name text not null, applied_at timestamptz not null default clock_timestamp())`,
      );
      const { rows } = await client.query<{ id: number; name: string }>(`select id, name from ${table}`);
      const done = new Map(rows.map((r) => [r.id, r.name]));
      for (const m of ordered) {
        const recorded = done.get(m.id);
        if (recorded !== undefined) {
          if (recorded !== m.name) {
            throw new StoreError('MIGRATION_FAILED', `migration ${m.id} is recorded as "${recorded}" but given as "${m.name}"`, { field: 'id' });
          }
          result.skipped.push(m.id);
          continue;
        }
        try {
          await client.query('begin');
          await client.query(m.sql);
          await client.query(`insert into ${table} (id, name) values ($1, $2)`, [m.id, m.name]);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback').catch(() => undefined);
          throw new StoreError('MIGRATION_FAILED', `migration ${m.id} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
        }
        result.applied.push(m.id);
      }
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch((err: Error) => {
        broken = err; // drop the connection so the session lock cannot outlive us
      });
    }
  } catch (err) {
    broken ??= err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
  return result;
}
