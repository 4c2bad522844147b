import {
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_CONTENT_TYPE,
  EventEnvelope as EventEnvelopeSchema,
  eventSchemas,
  STREAM_NAME,
  type EventData,
  type EventEnvelope,
  type EventSubject,
  type RpcReply,
  type RpcSubject,
  type rpcSchemas,
} from '@equihome/domain';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { z } from 'zod';
import { startConsumer, type ConsumeEventsOptions, type EventConsumer } from './consumer.js';
import { MessagingError, MessagingUnavailableError, MessagingValidationError } from './errors.js';
import { startLiveSubscription, type LiveEventHandler, type LiveSubscription } from './live-subscription.js';
import { consoleLogger, errorMessage, type MessagingLogger } from './logger.js';
import { sendRequest, startResponder, type RequestOptions, type Responder, type RpcHandler, type ServeOptions } from './rpc.js';
import { ensureStream, eventStreamSubjects, type EnsureStreamOptions } from './stream.js';
import { SubjectMapper } from './subjects.js';
import { uuidv7 } from './uuid-v7.js';
import { parseOrThrow } from './validation.js';

/** What a publisher passes: the schema's input (fields with defaults may be left out). */
export type EventDataInput<S extends EventSubject> = z.input<(typeof eventSchemas)[S]>;
/** What a requester passes: the request schema's input. */
export type RpcRequestInput<S extends RpcSubject> = z.input<(typeof rpcSchemas)[S]['request']>;

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/**
 * `Content-Type` header of every published event: the CloudEvents JSON event format, as the
 * NATS protocol binding's structured content mode names it (the body is the whole event).
 */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

export interface ConnectMessagingOptions {
  /** Comma-separated server URLs (default: `NATS_URL`, else nats://127.0.0.1:4222). */
  servers?: string;
  /** Service name: connection name, envelope `source`, default queue group. */
  name: string;
  logger?: MessagingLogger;
  /** Replaces the `equihome` subject root on the wire (tests: a random prefix). Default none. */
  subjectPrefix?: string;
  /** Stream used by `ensureStream` and `consume` (default `EQUIHOME`). */
  stream?: string;
  /** Base wait between reconnect attempts, ms (default 1 000); a random jitter of up to half of it is added. */
  reconnectTimeWaitMs?: number;
  /** Keep retrying when the first connect fails instead of rejecting (default false: fail fast at boot). */
  waitOnFirstConnect?: boolean;
  /** Timeout of the JetStream API and publish acks, ms (default 5 000). */
  jetStreamTimeoutMs?: number;
  /**
   * TLS to the servers (the server's certificate is always verified): a CA file, and a client
   * certificate + key for mutual TLS. Given (or a `tls://` server URL) → TLS is required.
   */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export interface PublishOptions {
  /** Event id, used as `Nats-Msg-Id` for de-duplication (default: a new UUID v7). */
  id?: string;
  /** Envelope `source` (default: the service name). */
  source?: string;
}

/** Options of `createEnvelope`: `PublishOptions` plus the event time. */
export interface CreateEnvelopeOptions extends PublishOptions {
  /** CloudEvents `time` (default: now). A `Date`, or an ISO-8601 date-time with offset. */
  time?: Date | string;
}

/** What JetStream said about a published envelope. */
export interface PublishAck {
  /** True when the stream already held an event with this id (within its duplicate window): not stored again. */
  duplicate: boolean;
  /** Stream sequence of the stored event (of the original one when `duplicate`). */
  seq: number;
}

/** The envelope as published, with what JetStream said about it. */
export type PublishedEvent<T> = EventEnvelope<T> & PublishAck;

/** What `createEnvelope` needs besides the event: the subject mapping and the default `source`. */
export interface EnvelopeContext {
  subjects: SubjectMapper;
  /** Default envelope `source` (the service name). */
  source: string;
}

/**
 * Builds the CloudEvents 1.0 envelope of an event without publishing it (e.g. to store it in
 * a transactional outbox): `data` is parsed by `eventSchemas[subject]` (defaults filled;
 * MessagingValidationError naming the field otherwise), `type` is the logical subject,
 * `subject` the wire subject (`subjects.toWire(type)`), `id` a new UUID v7 unless given,
 * `time` now unless given (ISO-8601 UTC with milliseconds), `source` the service name unless
 * given, `specversion` `1.0`, `datacontenttype` `application/json`.
 */
export function createEnvelope<S extends EventSubject>(
  context: EnvelopeContext,
  subject: S,
  data: EventDataInput<S>,
  options: CreateEnvelopeOptions = {},
): EventEnvelope<EventData<S>> {
  const schema = eventSchemas[subject];
  if (schema === undefined) throw new TypeError(`unknown event subject ${String(subject)}`);
  const parsed = parseOrThrow(schema, data, subject) as EventData<S>;
  const envelope: EventEnvelope<EventData<S>> = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: options.id ?? uuidv7(),
    type: subject,
    source: options.source ?? context.source,
    time: eventTime(options.time),
    subject: context.subjects.toWire(subject),
    datacontenttype: EVENT_CONTENT_TYPE,
    data: parsed,
  };
  // id, source and time may come from the caller: the result must still be a valid envelope.
  parseOrThrow(EventEnvelopeSchema, envelope, subject);
  return envelope;
}

function eventTime(time: Date | string | undefined): string {
  if (time === undefined) return new Date().toISOString();
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) throw new MessagingValidationError('envelope', [{ path: 'time', message: 'invalid date' }]);
    return time.toISOString();
  }
  return time;
}

export interface Messaging {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Service name given to `connectMessaging`. */
  readonly service: string;
  /** Stream used by default by `ensureStream` and `consume`. */
  readonly stream: string;
  /** Logical ↔ wire subject mapping (identity without `subjectPrefix`). */
  readonly subjects: SubjectMapper;
  ensureStream(options?: EnsureStreamOptions): Promise<void>;
  /** `createEnvelope` + `publishEnvelope`: validates, publishes and waits for the PubAck. */
  publish<S extends EventSubject>(subject: S, data: EventDataInput<S>, options?: PublishOptions): Promise<PublishedEvent<EventData<S>>>;
  /**
   * The CloudEvents envelope of an event, validated, NOT published (see the exported
   * `createEnvelope`): what a transaction stores in the outbox.
   */
  createEnvelope<S extends EventSubject>(subject: S, data: EventDataInput<S>, options?: CreateEnvelopeOptions): EventEnvelope<EventData<S>>;
  /**
   * Publishes a stored envelope unchanged to the wire subject of its `type`, with
   * `Nats-Msg-Id` = `envelope.id` and `Content-Type: application/cloudevents+json`, and waits for the PubAck. The envelope's shape is checked
   * (MessagingValidationError), its `data` is not re-parsed: `createEnvelope` did that.
   */
  publishEnvelope(envelope: EventEnvelope): Promise<PublishAck>;
  consume<S extends EventSubject>(options: ConsumeEventsOptions<S>): Promise<EventConsumer>;
  request<S extends RpcSubject>(subject: S, data: RpcRequestInput<S>, options?: RequestOptions): Promise<RpcReply<S>>;
  serve<S extends RpcSubject>(subject: S, handler: RpcHandler<S>, options?: ServeOptions): Responder;
  /** Live, non-durable subscription to events matching a logical pattern (`equihome.simulation.>`). */
  subscribe(pattern: string, handler: LiveEventHandler): LiveSubscription;
  /** Readiness: resolves when the server answers a ping within `timeoutMs` (default 2 000). */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * Graceful shutdown: stops consumers and responders (waiting up to `graceMs`, default
   * 10 000, for the events and requests in hand), then drains and closes the connection.
   * Events still unacked after the grace period are redelivered by the server. Idempotent.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Connects to NATS with reconnect-forever (maxReconnectAttempts -1, reconnectTimeWait plus
 * jitter) and logs every status change (disconnect, reconnect, errors) from `nc.status()`.
 */
export async function connectMessaging(options: ConnectMessagingOptions): Promise<Messaging> {
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new TypeError('connectMessaging: name is required (the service name)');
  }
  const logger = options.logger ?? consoleLogger;
  const subjects = new SubjectMapper(options.subjectPrefix);
  const servers = (options.servers ?? process.env['NATS_URL'] ?? DEFAULT_NATS_URL).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const reconnectTimeWait = options.reconnectTimeWaitMs ?? 1_000;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait,
      reconnectJitter: Math.round(reconnectTimeWait / 2),
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      ...(options.tls ? { tls: { ...options.tls } } : {}),
    });
  } catch (err) {
    throw new MessagingUnavailableError(`cannot connect to NATS at ${servers.join(',')}: ${errorMessage(err)}`, { cause: err });
  }
  logger.info({ server: nc.getServer(), name: options.name }, 'nats connected');
  const statusDone = logStatus(nc, logger);
  const jsOptions = { timeout: options.jetStreamTimeoutMs ?? 5_000 };
  const js = jetstream(nc, jsOptions);
  const jsm = await jetstreamManager(nc, jsOptions);
  return new NatsMessaging(nc, js, jsm, options.name, options.stream ?? STREAM_NAME, subjects, logger, statusDone);
}

async function logStatus(nc: NatsConnection, logger: MessagingLogger): Promise<void> {
  for await (const s of nc.status()) {
    switch (s.type) {
      case 'disconnect':
        logger.warn({ server: s.server }, 'nats disconnected');
        break;
      case 'reconnect':
        logger.info({ server: s.server }, 'nats reconnected');
        break;
      case 'error':
        logger.error({ err: errorMessage(s.error) }, 'nats error');
        break;
      case 'ldm':
        logger.warn({ server: s.server }, 'nats server entering lame duck mode');
        break;
      case 'staleConnection':
        logger.warn({}, 'nats connection stale');
        break;
      case 'slowConsumer':
        logger.warn({ subject: s.sub.getSubject(), pending: s.pending }, 'nats slow consumer');
        break;
      default:
        break;
    }
  }
}

class NatsMessaging implements Messaging {
  private readonly consumers = new Set<EventConsumer>();
  private readonly responders = new Set<Responder | LiveSubscription>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly service: string,
    readonly stream: string,
    readonly subjects: SubjectMapper,
    private readonly logger: MessagingLogger,
    private readonly statusDone: Promise<void>,
  ) {}

  async ensureStream(options: EnsureStreamOptions = {}): Promise<void> {
    await ensureStream(this.jsm, {
      ...options,
      name: options.name ?? this.stream,
      subjects: options.subjects ?? eventStreamSubjects(Object.keys(eventSchemas)).map((s) => this.subjects.toWire(s)),
    });
  }

  async publish<S extends EventSubject>(subject: S, data: EventDataInput<S>, options: PublishOptions = {}): Promise<PublishedEvent<EventData<S>>> {
    const envelope = this.createEnvelope(subject, data, options);
    return { ...envelope, ...(await this.publishEnvelope(envelope)) };
  }

  createEnvelope<S extends EventSubject>(subject: S, data: EventDataInput<S>, options: CreateEnvelopeOptions = {}): EventEnvelope<EventData<S>> {
    return createEnvelope({ subjects: this.subjects, source: this.service }, subject, data, options);
  }

  async publishEnvelope(envelope: EventEnvelope): Promise<PublishAck> {
    const checked = parseOrThrow(EventEnvelopeSchema, envelope, typeof envelope?.type === 'string' ? envelope.type : 'envelope');
    if (eventSchemas[checked.type as EventSubject] === undefined) throw new TypeError(`unknown event subject ${checked.type}`);
    const wire = this.subjects.toWire(checked.type);
    try {
      const h = headers();
      h.set('Content-Type', CLOUDEVENTS_JSON);
      const ack = await this.js.publish(wire, JSON.stringify(envelope), { msgID: envelope.id, headers: h });
      return { duplicate: ack.duplicate, seq: ack.seq };
    } catch (err) {
      // A JetStream publish nobody answers is reported as "jetstream is not enabled"; the usual cause is a missing stream.
      if (err instanceof Error && err.name === 'JetStreamNotEnabled') {
        throw new MessagingError(`publish ${checked.type} failed: no stream stores ${wire} (call ensureStream()) or JetStream is not enabled`, { cause: err });
      }
      throw new MessagingError(`publish ${checked.type} failed: ${errorMessage(err)}`, { cause: err });
    }
  }

  async consume<S extends EventSubject>(options: ConsumeEventsOptions<S>): Promise<EventConsumer> {
    const consumer = await startConsumer(
      { js: this.js, jsm: this.jsm, subjects: this.subjects, logger: this.logger, stream: this.stream, isClosed: () => this.nc.isClosed() },
      options,
    );
    this.consumers.add(consumer);
    return {
      durable: consumer.durable,
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  request<S extends RpcSubject>(subject: S, data: RpcRequestInput<S>, options?: RequestOptions): Promise<RpcReply<S>> {
    return sendRequest(this.rpcDeps(), subject, data, options);
  }

  serve<S extends RpcSubject>(subject: S, handler: RpcHandler<S>, options?: ServeOptions): Responder {
    const responder = startResponder(this.rpcDeps(), subject, handler, options);
    this.responders.add(responder);
    return {
      subject: responder.subject,
      stop: async () => {
        this.responders.delete(responder);
        await responder.stop();
      },
    };
  }

  subscribe(pattern: string, handler: LiveEventHandler): LiveSubscription {
    const live = startLiveSubscription({ nc: this.nc, subjects: this.subjects, logger: this.logger }, pattern, handler);
    this.responders.add(live);
    return {
      pattern: live.pattern,
      stop: async () => {
        this.responders.delete(live);
        await live.stop();
      },
    };
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    if (this.nc.isClosed()) throw new MessagingUnavailableError('nats connection is closed');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MessagingUnavailableError(`nats did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.nc.flush(), timeout]);
    } catch (err) {
      if (err instanceof MessagingUnavailableError) throw err;
      throw new MessagingUnavailableError(`nats ping failed: ${errorMessage(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  close(options: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? 10_000);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const stops = [...this.consumers, ...this.responders].map((c) => c.stop());
    this.consumers.clear();
    this.responders.clear();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const results = await Promise.race([Promise.allSettled(stops), grace]);
    clearTimeout(timer);
    if (results === 'timeout') {
      this.logger.warn({ graceMs }, 'handlers still running after the grace period: closing anyway');
    } else {
      for (const r of results) {
        if (r.status === 'rejected') this.logger.warn({ err: errorMessage(r.reason) }, 'stopping a consumer failed');
      }
    }
    if (!this.nc.isClosed()) {
      try {
        await this.nc.drain();
      } catch (err) {
        this.logger.warn({ err: errorMessage(err) }, 'nats drain failed');
        await this.nc.close();
      }
    }
    await this.statusDone;
  }

  private rpcDeps() {
    return { nc: this.nc, subjects: this.subjects, logger: this.logger, service: this.service };
  }
}
