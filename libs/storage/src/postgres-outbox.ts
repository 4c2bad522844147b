/**
 * PostgreSQL adapter of the outbox: the `outbox` table of `storageMigrations` (migration 4).
 *
 * - `enqueuePostgresEvent` inserts a record inside the caller's transaction after taking a
 *   transaction-scoped advisory lock on the aggregate (`pg_advisory_xact_lock(class, hashtext(aggregate))`):
 *   transactions enqueuing for one aggregate are serialised until commit, so identity values
 *   (`seq`) of an aggregate grow in commit order, and a relay that sees record n+1 committed
 *   also sees record n (a hash collision only serialises two aggregates, never reorders one).
 * - `relay` runs on one pooled client in one transaction: claim up to `limit` unsent rows
 *   oldest first with `FOR UPDATE SKIP LOCKED`, hold back every row of an aggregate that has
 *   an earlier unsent row outside the batch (claimed by another relay), hand the rest to
 *   `publish`, mark the published runs sent, commit. A relay that dies before its commit
 *   leaves its rows unsent and unlocked: they are published again (same envelope id, so
 *   JetStream drops the copy within its duplicate window).
 */
import type pg from 'pg';
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
import type { SqlExecutor } from './postgres-pool.js';

/** First key of the two-key advisory locks on aggregates (a key space of its own, apart from single-key locks such as the migration lock). */
export const OUTBOX_LOCK_CLASS = 0x0e7b0c;
/** Rows deleted per statement by `prune`, so a long backlog never holds one huge delete. */
const PRUNE_BATCH = 5_000;

interface Row {
  seq: string;
  id: string;
  aggregate: string;
  subject: string;
  envelope: OutboxRecord['envelope'];
  created_at: Date;
}

const COLUMNS = 'seq::text as seq, id, aggregate, subject, envelope, created_at';

function toRecord(row: Row): OutboxRecord {
  return { seq: row.seq, id: row.id, aggregate: row.aggregate, subject: row.subject, envelope: row.envelope, created_at: row.created_at.toISOString() };
}

/** Inserts one record on `db`, which must be a transaction's client (the advisory lock lasts until its commit). */
export async function enqueuePostgresEvent(db: SqlExecutor, input: OutboxEventInput): Promise<OutboxRecord> {
  validateOutboxEvent(input);
  const { aggregate, envelope } = input;
  // `on conflict do nothing`: a duplicate id is reported without aborting the caller's transaction.
  const { rows } = await db.query<Row>(
    `with locked as (select pg_advisory_xact_lock(${OUTBOX_LOCK_CLASS}, hashtext($2)))
     insert into outbox (id, aggregate, subject, envelope)
     select $1, $2, $3, $4::jsonb from locked
     on conflict (id) do nothing
     returning ${COLUMNS}`,
    [envelope.id, aggregate, envelope.subject, JSON.stringify(envelope)],
  );
  if (rows.length === 0) throw new DuplicateError('outbox', envelope.id);
  return toRecord(rows[0]);
}

/**
 * Claims the batch and flags the rows to hold back. `$2` is the scope's subject start (or
 * null). The `exists` finds an earlier unsent row of the same aggregate outside the batch:
 * one another relay holds (SKIP LOCKED passed over it). A row of the aggregate committed
 * after this statement's snapshot can only come later in `seq` (see `enqueuePostgresEvent`).
 */
const CLAIM = `
  with batch as (
    select seq, aggregate from outbox
    where sent_at is null and ($2::text is null or starts_with(subject, $2::text))
    order by seq
    limit $1
    for update skip locked
  )
  select o.seq::text as seq, o.id, o.aggregate, o.subject, o.envelope, o.created_at,
    exists (
      select 1 from outbox e
      where e.aggregate = b.aggregate and e.sent_at is null and e.seq < b.seq
        and ($2::text is null or starts_with(e.subject, $2::text))
        and e.seq not in (select seq from batch)
    ) as held
  from batch b join outbox o on o.seq = b.seq
  order by o.seq`;

export function createPostgresOutbox(pool: pg.Pool): Outbox {
  return {
    async relay(limit: number, publish: OutboxPublisher, scope?: OutboxScope): Promise<RelayResult> {
      assertRelayLimit(limit);
      const start = scopeSubjectStart(scope);
      const client = await pool.connect();
      // A checked-out client's connection errors (server restart, terminated backend) are ours to catch.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken ??= err;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
      } catch (err) {
        client.off('error', onError);
        client.release(err as Error);
        throw err;
      }
      try {
        const { rows } = await client.query<Row & { held: boolean }>(CLAIM, [limit, start]);
        const handed = rows.filter((r) => !r.held).map(toRecord);
        const held = rows.length - handed.length;
        let sent: OutboxRecord[] = [];
        if (handed.length > 0) {
          sent = publishedRuns(handed, await publish(handed));
          if (sent.length > 0) {
            await client.query('update outbox set sent_at = clock_timestamp() where seq = any($1::bigint[])', [sent.map((r) => r.seq)]);
          }
        }
        await client.query('commit');
        return { claimed: rows.length, published: sent.length, held, failed: handed.length - sent.length };
      } catch (err) {
        await client.query('rollback').catch((rollbackError: Error) => {
          broken = rollbackError; // drop the connection: its transaction state is unknown
        });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },

    async prune(olderThanMs: number, scope?: OutboxScope): Promise<number> {
      assertAge(olderThanMs);
      const start = scopeSubjectStart(scope);
      let total = 0;
      for (;;) {
        const { rowCount } = await pool.query(
          `delete from outbox where seq in (
             select seq from outbox
             where sent_at is not null and sent_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
               and ($2::text is null or starts_with(subject, $2::text))
             limit ${PRUNE_BATCH})`,
          [olderThanMs, start],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < PRUNE_BATCH) return total;
      }
    },

    async pending(scope?: OutboxScope): Promise<number> {
      const start = scopeSubjectStart(scope);
      const { rows } = await pool.query<{ n: number }>(
        'select count(*)::int as n from outbox where sent_at is null and ($1::text is null or starts_with(subject, $1::text))',
        [start],
      );
      return rows[0].n;
    },
  };
}
