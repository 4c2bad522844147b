import type { EventData, EventSubject } from '@equihome/domain';
import type { MessagingLogger } from './logger.js';
import type { EventDataInput, Messaging, PublishedEvent } from './messaging.js';
import { uuidv7 } from './uuid-v7.js';

export interface PublishReliablyOptions {
  /** Receives one `warn` per failed attempt that is retried and one `error` when giving up (a pino logger fits). */
  logger: MessagingLogger;
  /** Publish attempts before giving up (default 3; at least 1). */
  attempts?: number;
  /** Wait before the 2nd attempt, ms (default 100). */
  retryDelayMs?: number;
  /** Each further wait is the previous one times this (default 2: 100, 200, 400… ms). */
  backoffFactor?: number;
  /** Envelope id shared by every attempt, the `Nats-Msg-Id` (default: a new UUID v7). */
  id?: string;
  /** Envelope `source` (default: the service name). */
  source?: string;
  /** Extra fields on the log lines, e.g. `{ fundId }`. */
  logFields?: Record<string, unknown>;
}

/**
 * Publishes an event for a write that has ALREADY committed, so it never rejects: a failed
 * `messaging.publish` is retried (waits `retryDelayMs × backoffFactor^(n−1)` before attempt
 * n+1) with the SAME envelope id, so JetStream stores the event once even when an attempt
 * that "failed" (e.g. a lost ack) did land. Log lines: `warn` `event publish failed:
 * retrying` `{ err, subject, eventId, attempt }`, then `error` `event not published: giving
 * up` `{ err, subject, eventId, attempts }` (plus `logFields`).
 *
 * Resolves to the published event (with `duplicate` / `seq`), or `undefined` when every
 * attempt failed.
 */
export async function publishReliably<S extends EventSubject>(
  messaging: Pick<Messaging, 'publish'>,
  subject: S,
  data: EventDataInput<S>,
  options: PublishReliablyOptions,
): Promise<PublishedEvent<EventData<S>> | undefined> {
  const { logger, logFields = {} } = options;
  const attempts = Math.max(1, Math.floor(options.attempts ?? 3));
  const baseDelay = options.retryDelayMs ?? 100;
  const factor = options.backoffFactor ?? 2;
  const id = options.id ?? uuidv7();
  for (let attempt = 1; ; attempt++) {
    try {
      return await messaging.publish(subject, data, { id, ...(options.source !== undefined ? { source: options.source } : {}) });
    } catch (err) {
      if (attempt >= attempts) {
        logger.error({ ...logFields, err, subject, eventId: id, attempts }, 'event not published: giving up');
        return undefined;
      }
      logger.warn({ ...logFields, err, subject, eventId: id, attempt }, 'event publish failed: retrying');
      await new Promise((resolve) => setTimeout(resolve, baseDelay * factor ** (attempt - 1)));
    }
  }
}
