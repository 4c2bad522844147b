/**
 * The transactional outbox port: events are stored by the transaction that makes the change
 * they describe (`tx.enqueueEvent`), and a relay publishes them afterwards (`Outbox.relay`),
 * so an event is lost only if its change is.
 *
 * Conventions shared by both adapters:
 * - a record's `id` is its envelope's id (the JetStream `Nats-Msg-Id`): unique in the outbox.
 * - `aggregate` is the ordering key (e.g. the fund id). Records of one aggregate are
 *   numbered (`seq`) in commit order, and `relay` never hands a record to `publish` while an
 *   earlier unsent record of the same aggregate is claimed by another relay, so a relay that
 *   publishes each batch in order keeps the per-aggregate order across any number of relays.
 *   Nothing is promised about the order of different aggregates.
 * - `subject` is the envelope's wire subject (`equihome.fund.updated`, or `t1a2b.fund.updated`
 *   under a test prefix); an `OutboxScope` restricts every operation to the subjects under one
 *   prefix, so relays of different subject namespaces (parallel tests) never take each
 *   other's records.
 */
import { EventEnvelope, eventSchemas } from '@equihome/domain';
import { invalidArgument } from './errors.js';

/** What a transaction enqueues. */
export interface OutboxEventInput {
  /** Per-aggregate ordering key (e.g. the fund id): 1 … 200 characters. */
  aggregate: string;
  /** The complete CloudEvents envelope, published unchanged (messaging's `createEnvelope`). */
  envelope: EventEnvelope;
}

/** A stored outbox record, as handed to the relay's `publish`. */
export interface OutboxRecord {
  /**
   * Position, as a decimal string: increasing in commit order within one aggregate
   * (PostgreSQL: the table's identity; MongoDB: a counter per aggregate).
   */
  seq: string;
  /** = `envelope.id`. */
  id: string;
  aggregate: string;
  /** = `envelope.subject` (the wire subject). */
  subject: string;
  envelope: EventEnvelope;
  /** ISO-8601 UTC: when the record was written. */
  created_at: string;
}

/** Restricts an outbox operation to the records whose wire subject starts with `<subjectPrefix>.`. */
export interface OutboxScope {
  /** Dot-separated tokens of `[A-Za-z0-9_-]`, e.g. `equihome` or a test's `t1a2b`. Default: every record. */
  subjectPrefix?: string;
}

/**
 * Publishes the records in the given order and returns the ids it published, in order. It
 * should stop at its first failure: of each aggregate, only the records up to the first one
 * NOT returned are marked sent (a later one returned without its predecessor is not marked,
 * and will be handed again). Throwing marks nothing.
 */
export type OutboxPublisher = (records: OutboxRecord[]) => Promise<string[]>;

/** What one `relay` call did. */
export interface RelayResult {
  /** Unsent records this call claimed (at most the limit): `published + held + failed`. */
  claimed: number;
  /** Records published and marked sent. */
  published: number;
  /** Claimed but held back: an earlier record of their aggregate is claimed by another relay. */
  held: number;
  /** Handed to `publish` but not published (its failure, or a record after it): handed again later. */
  failed: number;
}

/** The relay's side of the outbox (`DocumentStoreFactory.outbox`). */
export interface Outbox {
  /**
   * Claims up to `limit` (1 … 10 000) unsent records, oldest first, skipping the ones other
   * relays hold; hands those whose aggregate has no earlier unsent record held elsewhere to
   * `publish`; marks the published ones sent. PostgreSQL does it in one transaction
   * (`FOR UPDATE SKIP LOCKED`): a relay that dies mid-way leaves its records unsent and
   * unclaimed. MongoDB claims with a lease instead (see the adapter).
   */
  relay(limit: number, publish: OutboxPublisher, scope?: OutboxScope): Promise<RelayResult>;
  /** Deletes the records sent more than `olderThanMs` ago (never an unsent one); returns the count. */
  prune(olderThanMs: number, scope?: OutboxScope): Promise<number>;
  /** The number of unsent records (claimed or not). */
  pending(scope?: OutboxScope): Promise<number>;
}

export const MAX_RELAY_LIMIT = 10_000;
const MAX_AGGREGATE_LENGTH = 200;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Validates what `tx.enqueueEvent` was given: INVALID_ARGUMENT naming the field otherwise. */
export function validateOutboxEvent(input: OutboxEventInput): void {
  if (input === null || typeof input !== 'object') throw invalidArgument('event', 'must be { aggregate, envelope }');
  const { aggregate } = input;
  if (typeof aggregate !== 'string' || aggregate.length === 0 || aggregate.length > MAX_AGGREGATE_LENGTH || aggregate.includes('\u0000')) {
    throw invalidArgument('aggregate', `must be a non-empty string of at most ${MAX_AGGREGATE_LENGTH} characters`);
  }
  const parsed = EventEnvelope.safeParse(input.envelope);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.');
    throw invalidArgument(path === '' ? 'envelope' : `envelope.${path}`, issue.message);
  }
  if (!Object.hasOwn(eventSchemas, parsed.data.type)) throw invalidArgument('envelope.type', `"${parsed.data.type}" is not an event subject of eventSchemas`);
  if (parsed.data.id.length > MAX_AGGREGATE_LENGTH) throw invalidArgument('envelope.id', `must be at most ${MAX_AGGREGATE_LENGTH} characters`);
}

export function assertRelayLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_RELAY_LIMIT) {
    throw invalidArgument('limit', `must be an integer from 1 to ${MAX_RELAY_LIMIT}`);
  }
}

export function assertAge(ms: unknown, field = 'olderThanMs'): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw invalidArgument(field, 'must be a non-negative number of milliseconds');
}

/** `<prefix>.` of the scope (what a record's subject must start with), or null for every record. */
export function scopeSubjectStart(scope: OutboxScope | undefined): string | null {
  if (scope === undefined || scope === null) return null;
  if (typeof scope !== 'object') throw invalidArgument('scope', 'must be { subjectPrefix? }');
  if (scope.subjectPrefix === undefined) return null;
  if (typeof scope.subjectPrefix !== 'string' || !SUBJECT_PREFIX.test(scope.subjectPrefix)) {
    throw invalidArgument('scope.subjectPrefix', `must match ${SUBJECT_PREFIX.source}`);
  }
  return `${scope.subjectPrefix}.`;
}

/**
 * Of `handed` (in publish order), the records to mark sent given the ids `publish` returned:
 * per aggregate, the leading run of returned ids. Anything after an aggregate's first
 * unpublished record stays unsent, so the aggregate's order cannot break.
 */
export function publishedRuns<R extends { id: string; aggregate: string }>(handed: readonly R[], publishedIds: readonly string[]): R[] {
  if (!Array.isArray(publishedIds)) throw invalidArgument('published', 'publish must resolve to an array of record ids');
  const published = new Set(publishedIds);
  const stopped = new Set<string>();
  const sent: R[] = [];
  for (const record of handed) {
    if (stopped.has(record.aggregate)) continue;
    if (published.has(record.id)) sent.push(record);
    else stopped.add(record.aggregate);
  }
  return sent;
}
