import { z } from 'zod';
import { Fund } from './fund.js';
import { Portfolio } from './portfolio.js';
import { SimulationStatus } from './simulation.js';
import { Problem } from './problem.js';

/**
 * JetStream stream that stores every fact; event subjects are `equihome.<entity>.<event>`.
 * The stream binds one `equihome.<entity>.>` per event entity rather than `equihome.>`:
 * a stream on `equihome.>` would also capture the `equihome.rpc.*` request subjects and
 * answer every request with a JetStream receipt, racing the real responder.
 */
export const STREAM_NAME = 'EQUIHOME';
export const EVENT_ENTITIES = ['fund', 'portfolio', 'simulation', 'optimization'] as const;
export const STREAM_SUBJECTS = EVENT_ENTITIES.map((e) => `equihome.${e}.>`);

/** Who did it: attached to every event caused by a user request. */
export const Actor = z.object({ sub: z.string(), role: z.string() });
export type Actor = z.infer<typeof Actor>;

const deleted = z.object({ id: z.string(), actor: Actor.optional() });
const withActor = <T extends z.ZodObject>(schema: T) => schema.extend({ actor: Actor.optional() });

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
} as const;
export type EventSubject = keyof typeof eventSchemas;
export type EventData<S extends EventSubject> = z.infer<(typeof eventSchemas)[S]>;

/** CloudEvents-style envelope of every event. */
export const EventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  source: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1),
  data: z.unknown(),
});
export type EventEnvelope<T = unknown> = Omit<z.infer<typeof EventEnvelope>, 'data'> & { data: T };

/** Request/reply subjects between services: request and reply schemas. */
export const rpcSchemas = {
  'equihome.rpc.fund.get': { request: z.object({ id: z.string().min(1) }), reply: Fund },
  'equihome.rpc.portfolio.get': { request: z.object({ id: z.string().min(1) }), reply: Portfolio },
} as const;
export type RpcSubject = keyof typeof rpcSchemas;
export type RpcRequest<S extends RpcSubject> = z.infer<(typeof rpcSchemas)[S]['request']>;
export type RpcReply<S extends RpcSubject> = z.infer<(typeof rpcSchemas)[S]['reply']>;

/** A failed RPC answers with a problem document (status 404, 400, 500…). */
export const RpcError = z.object({ error: Problem });
