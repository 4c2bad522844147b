import type { Messaging, MessagingLogger } from '@equihome/messaging';
import { MAX_RELAY_LIMIT, type Outbox, type OutboxRecord, type OutboxScope, type RelayResult } from '@equihome/storage';
import { OutboxFlushTimeoutError, OutboxRelayStoppedError } from './errors.js';

/** Options of `startOutboxRelay`; durations in milliseconds. */
export interface OutboxRelayOptions {
  /** Publishes the envelopes (`publishEnvelope`: Nats-Msg-Id = envelope id); its subject prefix is the default scope. */
  messaging: Pick<Messaging, 'publishEnvelope' | 'subjects'>;
  /** The outbox of the service's store (`factory.outbox`). */
  outbox: Outbox;
  /** `{ info, warn, error }(fields, message)`: a pino logger fits. */
  logger: MessagingLogger;
  /** Name on the log lines (`relay` field), e.g. the service name (default `outbox-relay`). */
  name?: string;
  /** Wait between two looks at an empty outbox (default 250). `wake()` cuts it short. */
  pollIntervalMs?: number;
  /** Records claimed per round (default 100; 1 … 10 000). A full batch is followed by the next at once. */
  batchSize?: number;
  /** Sent records are kept this long, then pruned (default 7 days). */
  retentionMs?: number;
  /** Wait between two prunes (default 1 hour; the first prune runs at start). */
  pruneIntervalMs?: number;
  /** First wait after a failed round, doubled per consecutive failure (default 100). */
  initialBackoffMs?: number;
  /** Cap of that wait (default 5 000). */
  maxBackoffMs?: number;
  /** Records relayed (default: those under the messaging subject prefix, `{ subjectPrefix: messaging.subjects.prefix }`). */
  scope?: OutboxScope;
}

/** A running relay. */
export interface OutboxRelay {
  /** Publish now: call after a commit that enqueued events (`commitChange` does). Never throws. */
  wake(): void;
  /**
   * Resolves once the outbox (in this relay's scope) has no unsent record, counting those of
   * other relays. Rejects with OutboxFlushTimeoutError after `timeoutMs` (default: waits as
   * long as it takes) and OutboxRelayStoppedError when the relay stops first.
   */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops after the round in hand (its published records are marked sent); unsent records stay for the next relay. */
  stop(): Promise<void>;
}

export const DEFAULT_POLL_INTERVAL_MS = 250;
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_PRUNE_INTERVAL_MS = 3600 * 1000;
export const DEFAULT_INITIAL_BACKOFF_MS = 100;
export const DEFAULT_MAX_BACKOFF_MS = 5_000;

/** Wait after the n-th consecutive failed round: `initial × 2^(n−1)`, capped. */
export function relayBackoff(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

type Outage = { kind: 'publish' | 'outbox'; since: number; attempts: number };

/**
 * Starts the relay that publishes the outbox to JetStream, the one path from a committed
 * change to its event:
 * - each round claims up to `batchSize` unsent records (`outbox.relay`: oldest first,
 *   SKIP LOCKED, records of an aggregate that another relay is publishing held back) and
 *   publishes them with `publishEnvelope`: records of one aggregate one after the other
 *   (each waits for the previous PubAck), different aggregates concurrently;
 * - the first failure stops the batch: nothing more is started, and of each aggregate only
 *   the records before its first failure are marked sent, so the order per aggregate holds;
 * - after a failed round (NATS down, no stream, the database down) it waits
 *   `initialBackoffMs × 2^(n−1)` up to `maxBackoffMs` and tries again, logging one `warn` when
 *   an outage starts and one `info` when publishing works again (not one line per try);
 * - a record published but not yet marked sent when the process dies is published again
 *   by the next relay with the same envelope id: JetStream stores it once (duplicate window);
 * - every `pruneIntervalMs` it deletes the records sent more than `retentionMs` ago.
 * The first round runs at once, so whatever a crashed process left unsent goes out at boot.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { messaging, outbox, logger } = options;
  const name = options.name ?? 'outbox-relay';
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
  const initialBackoffMs = options.initialBackoffMs ?? DEFAULT_INITIAL_BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const scope: OutboxScope = options.scope ?? { subjectPrefix: messaging.subjects.prefix };
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_RELAY_LIMIT) throw new TypeError(`startOutboxRelay: batchSize must be an integer from 1 to ${MAX_RELAY_LIMIT}`);
  for (const [field, value] of Object.entries({ pollIntervalMs, retentionMs, pruneIntervalMs, initialBackoffMs, maxBackoffMs })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`startOutboxRelay: ${field} must be a non-negative number of milliseconds`);
  }

  let stopped = false;
  let woken = false;
  let interrupt: (() => void) | undefined;
  let wakeable = false;
  let failures = 0;
  let outage: Outage | undefined;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let roundWaiters: Array<() => void> = [];

  const sleep = (ms: number, canWake: boolean) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        interrupt = undefined;
        wakeable = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      interrupt = done;
      wakeable = canWake;
    });

  /** Publishes in order per aggregate; stops starting new publishes at the first failure. */
  const publishBatch = async (records: OutboxRecord[], onFailure: (err: unknown, record: OutboxRecord) => void): Promise<string[]> => {
    const published = new Set<string>();
    let failed = false;
    const chains = new Map<string, Promise<void>>();
    for (const record of records) {
      const previous = chains.get(record.aggregate) ?? Promise.resolve();
      chains.set(
        record.aggregate,
        previous.then(async () => {
          if (failed) return;
          try {
            await messaging.publishEnvelope(record.envelope);
            published.add(record.id);
          } catch (err) {
            if (!failed) onFailure(err, record);
            failed = true;
          }
        }),
      );
    }
    await Promise.all(chains.values());
    return records.filter((r) => published.has(r.id)).map((r) => r.id);
  };

  const begin = (kind: Outage['kind'], err: unknown, fields: Record<string, unknown>) => {
    if (outage?.kind === kind) {
      outage.attempts += 1;
      return;
    }
    outage = { kind, since: Date.now(), attempts: 1 };
    const message =
      kind === 'publish'
        ? 'outbox relay: publishing failed; retrying with backoff (logged once per outage)'
        : 'outbox relay: the outbox is not reachable; retrying with backoff (logged once per outage)';
    logger.warn({ relay: name, err: errorText(err), maxBackoffMs, ...fields }, message);
  };

  const end = (result: RelayResult) => {
    if (outage === undefined) return;
    logger.info(
      { relay: name, outageMs: Date.now() - outage.since, attempts: outage.attempts, published: result.published },
      outage.kind === 'publish' ? 'outbox relay: publishing again' : 'outbox relay: the outbox is reachable again',
    );
    outage = undefined;
  };

  const prune = async () => {
    if (Date.now() - lastPrune < pruneIntervalMs) return;
    lastPrune = Date.now();
    try {
      const deleted = await outbox.prune(retentionMs, scope);
      if (deleted > 0) logger.info({ relay: name, deleted, retentionMs }, 'outbox relay: pruned sent records');
    } catch (err) {
      logger.warn({ relay: name, err: errorText(err) }, 'outbox relay: prune failed; trying again at the next interval');
    }
  };

  /** One round: true when it should be followed at once (a full batch, or a wake meanwhile). */
  const round = async (): Promise<boolean> => {
    woken = false;
    let publishError: unknown;
    let failedRecord: OutboxRecord | undefined;
    let result: RelayResult;
    try {
      result = await outbox.relay(
        batchSize,
        (records) =>
          publishBatch(records, (err, record) => {
            publishError = err;
            failedRecord = record;
          }),
        scope,
      );
    } catch (err) {
      failures += 1;
      begin('outbox', err, {});
      return false;
    }
    if (publishError !== undefined) {
      failures += 1;
      begin('publish', publishError, { published: result.published, unsent: result.failed, type: failedRecord?.envelope.type, eventId: failedRecord?.id });
      return false;
    }
    failures = 0;
    end(result);
    return result.claimed >= batchSize || woken;
  };

  const loop = (async () => {
    while (!stopped) {
      await prune();
      const again = await round();
      const waiters = roundWaiters;
      roundWaiters = [];
      for (const resolve of waiters) resolve();
      if (stopped) break;
      if (failures > 0) await sleep(relayBackoff(failures, initialBackoffMs, maxBackoffMs), false);
      // `woken` again: a wake() that came after the round decided `again` must not wait for the poll.
      else if (!again && !woken) await sleep(pollIntervalMs, true);
    }
  })();

  const nextRound = () => new Promise<void>((resolve) => roundWaiters.push(resolve));
  const wake = () => {
    woken = true;
    if (wakeable) interrupt?.();
  };

  return {
    wake,

    async flush(flushOptions = {}) {
      const { timeoutMs } = flushOptions;
      const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const expiry = new Promise<void>((resolve) => {
        if (timeoutMs !== undefined) {
          timer = setTimeout(() => {
            timedOut = true;
            resolve();
          }, timeoutMs);
        }
      });
      try {
        for (;;) {
          if (stopped) throw new OutboxRelayStoppedError();
          const pending = await outbox.pending(scope);
          if (pending === 0) return;
          if (timedOut || Date.now() >= deadline) throw new OutboxFlushTimeoutError(timeoutMs ?? 0, pending);
          wake();
          await Promise.race([nextRound(), expiry]);
        }
      } finally {
        clearTimeout(timer);
      }
    },

    async stop() {
      stopped = true;
      interrupt?.();
      await loop;
      const waiters = roundWaiters;
      roundWaiters = [];
      for (const resolve of waiters) resolve();
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
