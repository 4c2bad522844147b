import { EventEnvelope, eventSchemas, type EventSubject } from '@equihome/domain';
import type { NatsConnection } from '@nats-io/nats-core';
import { MessagingValidationError } from './errors.js';
import { errorMessage, type MessagingLogger } from './logger.js';
import type { SubjectMapper } from './subjects.js';
import { parseOrThrow } from './validation.js';

/** A live, non-durable subscription. */
export interface LiveSubscription {
  /** Logical pattern subscribed to. */
  readonly pattern: string;
  /** Unsubscribes after the messages already received are handled. */
  stop(): Promise<void>;
}

export type LiveEventHandler = (event: EventEnvelope<unknown> & { type: EventSubject }) => void | Promise<void>;

interface LiveDeps {
  nc: NatsConnection;
  subjects: SubjectMapper;
  logger: MessagingLogger;
}

/**
 * Core-NATS subscription to events as they are published (JetStream publishes reach plain
 * subscribers too): no storage, no ack, nothing replayed after a disconnect — for live
 * fan-out such as the realtime gateway's progress feed. `pattern` may use wildcards
 * (`equihome.simulation.>`). Each event is validated by the schema of its `type`; invalid
 * or unknown events are logged and skipped. Handlers run in arrival order.
 */
export function startLiveSubscription(deps: LiveDeps, pattern: string, handler: LiveEventHandler): LiveSubscription {
  const { nc, logger } = deps;
  const sub = nc.subscribe(deps.subjects.toWire(pattern));
  const loop = (async () => {
    for await (const msg of sub) {
      const logical = deps.subjects.toLogical(msg.subject);
      try {
        const envelope = parseOrThrow(EventEnvelope, msg.json(), logical);
        const schema = eventSchemas[envelope.type as EventSubject];
        if (schema === undefined) {
          logger.warn({ pattern, subject: logical, type: envelope.type }, 'live event of unknown type skipped');
          continue;
        }
        const data = parseOrThrow(schema, envelope.data, logical);
        await handler({ ...envelope, type: envelope.type as EventSubject, data });
      } catch (err) {
        const fields = err instanceof MessagingValidationError ? { field: err.field } : {};
        logger.error({ pattern, subject: logical, ...fields, err: errorMessage(err) }, 'live event skipped');
      }
    }
  })();
  return {
    pattern,
    async stop() {
      if (!sub.isClosed() && !nc.isClosed()) await sub.drain();
      await loop;
    },
  };
}
