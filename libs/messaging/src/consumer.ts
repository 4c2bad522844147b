import { EventEnvelope, eventSchemas, type EventData, type EventSubject } from '@equihome/domain';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { MessagingError, MessagingValidationError } from './errors.js';
import { errorMessage, type MessagingLogger } from './logger.js';
import type { SubjectMapper } from './subjects.js';
import { parseOrThrow } from './validation.js';

/** What a handler learns about the delivery besides the event. */
export interface DeliveryContext {
  /** 1 on the first delivery, 2 on the first redelivery… */
  deliveryCount: number;
  /** Stream sequence of the stored event. */
  streamSequence: number;
}

export type EventHandler<S extends EventSubject> = (
  event: EventEnvelope<EventData<S>>,
  msg: DeliveryContext,
) => Promise<void>;

/** Options of `consume`; durations in milliseconds. */
export interface ConsumeEventsOptions<S extends EventSubject> {
  /** Durable consumer name (`[A-Za-z0-9_-]`); replicas sharing it share the work. */
  durable: string;
  /** Logical event subject (`equihome.fund.created`): the consumer's filter subject. */
  subject: S;
  handler: EventHandler<S>;
  /** Time the server waits for an ack before redelivering, ms (default 30 000). */
  ackWaitMs?: number;
  /** Deliveries before the server gives up on a message (default 5; -1 = unlimited). */
  maxDeliver?: number;
  /** First nak delay, ms, doubled per delivery (default 1 000). */
  retryDelayMs?: number;
  /** Cap of the nak delay, ms (default 60 000). */
  maxRetryDelayMs?: number;
  /** Messages pulled ahead of the handler (default 10); keep `maxMessages × handler time < ackWait`. */
  maxMessages?: number;
  /**
   * While a handler runs, send "in progress" every ackWait/2 so a slow handler is not
   * redelivered to another replica (default true). A crashed process stops sending it,
   * so its events are redelivered after ackWait.
   */
  extendAckWait?: boolean;
  /** Stream holding the subject (default: the connection's stream). */
  stream?: string;
}

/** A running consumer. */
export interface EventConsumer {
  /** Durable consumer name. */
  readonly durable: string;
  /** Stops pulling, waits for the message in hand to be handled and acked; the durable stays on the server. */
  stop(): Promise<void>;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_MAX_DELIVER = 5;

/** Delay before the next delivery after a failed one: `base × 2^(deliveryCount-1)`, capped. */
export function retryDelay(deliveryCount: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(deliveryCount - 1, 30)));
}

interface ConsumerDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  subjects: SubjectMapper;
  logger: MessagingLogger;
  stream: string;
  /** True once the connection is closed for good: the loop ends instead of restarting. */
  isClosed: () => boolean;
}

/**
 * Creates (or updates) the durable pull consumer and handles its messages one at a time:
 * handler resolves → ack (confirmed by the server); handler throws → nak with exponential delay; payload fails its
 * schema → term (it would fail forever) and an error log line.
 */
export async function startConsumer<S extends EventSubject>(deps: ConsumerDeps, options: ConsumeEventsOptions<S>): Promise<EventConsumer> {
  const { js, jsm, logger } = deps;
  const stream = options.stream ?? deps.stream;
  const filter = deps.subjects.toWire(options.subject);
  const schema = eventSchemas[options.subject];
  if (schema === undefined) throw new TypeError(`unknown event subject ${String(options.subject)}`);
  const retryBase = options.retryDelayMs ?? 1_000;
  const retryMax = options.maxRetryDelayMs ?? 60_000;
  const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const log = { stream, durable: options.durable, subject: options.subject };
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const keepAliveMs = options.extendAckWait === false ? 0 : Math.max(100, Math.floor(ackWaitMs / 2));
  const envelopeSchema = EventEnvelope.extend({ data: schema });

  await ensureConsumer(jsm, stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filter,
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
  });
  const consumer = await js.consumers.get(stream, options.durable);

  let stopped = false;
  let messages: ConsumerMessages | undefined;

  const handle = async (m: JsMsg): Promise<void> => {
    const context: DeliveryContext = { deliveryCount: m.info.deliveryCount, streamSequence: m.info.streamSequence };
    let event: EventEnvelope<EventData<S>>;
    try {
      event = parseOrThrow(envelopeSchema, m.json(), options.subject) as EventEnvelope<EventData<S>>;
    } catch (err) {
      const fields = err instanceof MessagingValidationError ? { field: err.field, issues: err.issues } : {};
      logger.error({ ...log, seq: context.streamSequence, ...fields, err: errorMessage(err) }, 'invalid event payload: terminated');
      // No term reason: nats-server 2.9 ignores `+TERM <reason>` (reasons arrived in 2.10).
      m.term();
      return;
    }
    // Long handlers tell the server they are still working, so the event is not redelivered meanwhile.
    const keepAlive =
      keepAliveMs > 0
        ? setInterval(() => {
            try {
              m.working();
            } catch {
              // connection closed: the server redelivers after ackWait, nothing else to do
            }
          }, keepAliveMs)
        : undefined;
    try {
      await options.handler(event, context);
    } catch (err) {
      const delay = retryDelay(context.deliveryCount, retryBase, retryMax);
      const last = maxDeliver > 0 && context.deliveryCount >= maxDeliver;
      logger[last ? 'error' : 'warn'](
        { ...log, id: event.id, seq: context.streamSequence, deliveryCount: context.deliveryCount, retryInMs: last ? null : delay, err: errorMessage(err) },
        last ? 'event handler failed on its last delivery: giving up' : 'event handler failed: will be redelivered',
      );
      m.nak(delay);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    if (deps.isClosed()) {
      logger.warn({ ...log, id: event.id, seq: context.streamSequence }, 'connection closed before the ack: the event will be redelivered');
      return;
    }
    // Wait for the server to confirm the ack: once stop() resolves, the event is settled.
    try {
      await m.ackAck();
    } catch (err) {
      logger.warn({ ...log, id: event.id, seq: context.streamSequence, err: errorMessage(err) }, 'ack not confirmed: the event may be redelivered');
    }
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        messages = await consumer.consume({ max_messages: options.maxMessages ?? 10 });
        if (stopped) {
          await messages.close();
          return;
        }
        void watchStatus(messages);
        for await (const m of messages) {
          try {
            await handle(m);
          } catch (err) {
            // ack/nak/term fail only when the connection is closed: the server redelivers after ackWait.
            logger.warn({ ...log, err: errorMessage(err) }, 'could not settle message');
          }
        }
        if (stopped || deps.isClosed()) return;
        logger.warn(log, 'consumer iterator ended: restarting in 1 s');
      } catch (err) {
        if (stopped || deps.isClosed()) return;
        logger.error({ ...log, err: errorMessage(err) }, 'consumer failed: restarting in 1 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };

  const watchStatus = async (iter: ConsumerMessages): Promise<void> => {
    try {
      for await (const s of iter.status()) {
        if (s.type === 'heartbeats_missed' || s.type === 'consumer_not_found' || s.type === 'stream_not_found' || s.type === 'consumer_deleted') {
          logger.warn({ ...log, status: s }, `consumer status: ${s.type}`);
        }
      }
    } catch {
      // status iterator ends with the consumer
    }
  };

  const done = run();
  return {
    durable: options.durable,
    async stop() {
      stopped = true;
      await messages?.close();
      await done;
    },
  };
}

/**
 * Adds the consumer, or updates it when it exists with another filter, ack wait or max
 * deliveries; refuses (MessagingError) a durable that exists with another ack policy.
 */
async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
  let existing: ConsumerConfig | null = null;
  try {
    existing = (await jsm.consumers.info(stream, config.durable_name)).config;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.ConsumerNotFound || err.code === JetStreamApiCodes.StreamNotFound))) throw err;
  }
  if (existing === null) {
    try {
      await jsm.consumers.add(stream, config);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
        throw new MessagingError(`stream ${stream} does not exist: call ensureStream() first`, { cause: err });
      }
      throw err;
    }
    return;
  }
  // The server cannot change a consumer's ack policy: a durable made with another one (e.g.
  // `none`, by hand) would take the events without redelivering a failed one. Refuse it.
  if (existing.ack_policy !== config.ack_policy) {
    throw new MessagingError(
      `durable ${config.durable_name} on stream ${stream} exists with ack policy ${String(existing.ack_policy)}, not ${String(config.ack_policy)}: delete it (the server cannot change an ack policy)`,
    );
  }
  const same =
    existing.filter_subject === config.filter_subject && existing.ack_wait === config.ack_wait && existing.max_deliver === config.max_deliver;
  if (!same) {
    await jsm.consumers.update(stream, config.durable_name, {
      filter_subject: config.filter_subject,
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
    });
  }
}
