import { z } from 'zod';
import { ResourceId } from './common.js';
import { Fund } from './fund.js';
import { Portfolio, PortfolioPage, PortfolioPageRequest } from './portfolio.js';
import { OptimizationStatus, SimulationStatus } from './simulation.js';
import {
  SimulationCancelRpcReply,
  SimulationCancelRpcRequest,
  SimulationGetRpcReply,
  SimulationGetRpcRequest,
  SimulationSubmitRpcReply,
  SimulationSubmitRpcRequest,
} from './optimization.js';
import { Problem } from './problem.js';

/**
 * JetStream stream that stores every fact; event subjects are `equihome.<entity>.<event>`.
 * The stream binds one `equihome.<entity>.>` per event entity rather than `equihome.>`:
 * a stream on `equihome.>` would also capture the `equihome.rpc.*` request subjects and
 * answer every request with a JetStream receipt, racing the real responder.
 */
export const STREAM_NAME = 'EQUIHOME';

/** Who did it: attached to every event caused by a user request. */
export const Actor = z.object({ sub: z.string(), role: z.string() });
export type Actor = z.infer<typeof Actor>;

const deleted = z.object({ id: z.string(), actor: Actor.optional() });
const withActor = <T extends z.ZodObject>(schema: T) => schema.extend({ actor: Actor.optional() });

/**
 * `equihome.market.index.updated`: a market index level that other Equihome systems publish
 * (the realtime gateway forwards it to `market` subscribers; nothing else consumes it yet).
 */
export const MarketIndexUpdated = z.object({
  /** Equihome zone the index is for (`green`, `orange`, `red`, or another system's zone name). */
  zone: z.string().min(1).max(100),
  /** Date the level applies to (ISO-8601 calendar date). */
  date: z.iso.date(),
  /** Index level (e.g. a house-price index, base 100). */
  index_level: z.number().finite(),
  /** Change from the previous level, decimal (0.012 = +1.2 %). */
  change_pct: z.number().finite(),
  /** Which system or data vendor published it. */
  source: z.string().min(1).max(200),
});
export type MarketIndexUpdated = z.infer<typeof MarketIndexUpdated>;

/** The one table from subject to payload schema: typed publishers and handlers come from it. */
export const eventSchemas = {
  'equihome.fund.created': z.object({ fund: Fund, actor: Actor.optional() }),
  'equihome.fund.updated': z.object({ fund: Fund, actor: Actor.optional() }),
  'equihome.fund.deleted': deleted,
  'equihome.portfolio.generated': z.object({ portfolio: z.object({ id: z.string(), fund_id: z.string(), loan_count: z.number().int(), metrics: Portfolio.shape.metrics }), actor: Actor.optional() }),
  'equihome.portfolio.updated': z.object({ portfolio: z.object({ id: z.string(), fund_id: z.string(), loan_count: z.number().int(), metrics: Portfolio.shape.metrics }), actor: Actor.optional() }),
  'equihome.portfolio.deleted': deleted.extend({ fund_id: z.string() }),
  'equihome.simulation.queued': withActor(SimulationStatus),
  'equihome.simulation.progress': SimulationStatus,
  'equihome.simulation.completed': SimulationStatus,
  'equihome.simulation.failed': SimulationStatus,
  'equihome.simulation.cancelled': SimulationStatus,
  'equihome.optimization.queued': withActor(OptimizationStatus),
  'equihome.optimization.progress': OptimizationStatus,
  'equihome.optimization.completed': OptimizationStatus,
  'equihome.optimization.failed': OptimizationStatus,
  'equihome.optimization.cancelled': OptimizationStatus,
  'equihome.market.index.updated': MarketIndexUpdated,
} as const;
export type EventSubject = keyof typeof eventSchemas;

/**
 * The event entities (`fund`, `portfolio`, …) and the stream's subjects, both DERIVED from
 * `eventSchemas`, so a new event can never be published to a subject the stream misses.
 */
export const EVENT_ENTITIES: readonly string[] = [...new Set(Object.keys(eventSchemas).map((s) => s.split('.')[1]))];
export const STREAM_SUBJECTS: readonly string[] = EVENT_ENTITIES.map((e) => `equihome.${e}.>`);
export type EventData<S extends EventSubject> = z.infer<(typeof eventSchemas)[S]>;

/**
 * The envelope of every event: a CloudEvents 1.0 event in its structured JSON form
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md), readable by a stock
 * CloudEvents SDK. `id` is also the JetStream `Nats-Msg-Id` (de-duplication); `type` is the
 * logical subject (`equihome.fund.updated`); `source` the publishing service; `subject` the
 * NATS subject on the wire; `time` when the change committed.
 */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const EVENT_CONTENT_TYPE = 'application/json';
export const EventEnvelope = z.object({
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1),
  datacontenttype: z.literal(EVENT_CONTENT_TYPE),
  data: z.unknown(),
});
export type EventEnvelope<T = unknown> = Omit<z.infer<typeof EventEnvelope>, 'data'> & { data: T };

/** Request/reply subjects between services: request and reply schemas. */
export const rpcSchemas = {
  'equihome.rpc.fund.get': { request: z.strictObject({ id: ResourceId }), reply: Fund },
  /** A whole portfolio: only for portfolios under NATS' max payload (about 4,000 loans); else 413. */
  'equihome.rpc.portfolio.get': { request: z.strictObject({ id: ResourceId }), reply: Portfolio },
  /** A portfolio of any size, a page of at most PORTFOLIO_PAGE_MAX_LOANS loans at a time. */
  'equihome.rpc.portfolio.page': { request: PortfolioPageRequest, reply: PortfolioPage },
  /** simulation-service: a run of a full fund snapshot (optimization candidates); replies the run id. */
  'equihome.rpc.simulation.submit': { request: SimulationSubmitRpcRequest, reply: SimulationSubmitRpcReply },
  /** simulation-service: a run's state and, once completed, its metrics (no bands, no state: a few KB). */
  'equihome.rpc.simulation.get': { request: SimulationGetRpcRequest, reply: SimulationGetRpcReply },
  /** simulation-service: cancels a live run (idempotent). */
  'equihome.rpc.simulation.cancel': { request: SimulationCancelRpcRequest, reply: SimulationCancelRpcReply },
} as const;
export type RpcSubject = keyof typeof rpcSchemas;
export type RpcRequest<S extends RpcSubject> = z.infer<(typeof rpcSchemas)[S]['request']>;
export type RpcReply<S extends RpcSubject> = z.infer<(typeof rpcSchemas)[S]['reply']>;

/** A failed RPC answers with a problem document (status 404, 400, 500…). */
export const RpcError = z.object({ error: Problem });
