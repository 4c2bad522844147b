import { z } from 'zod';
import { Actor, MarketIndexUpdated } from './events.js';
import { Fund } from './fund.js';
import { OptimizationStatus, SimulationStatus } from './simulation.js';
import { Portfolio } from './portfolio.js';

/**
 * The realtime gateway's WebSocket protocol (`/ws`): JSON text messages, one per frame.
 * Client → server messages are strict (an unknown key is an `error`, never a dropped
 * connection); server → client messages are documented here and in the gateway README.
 */

const uuid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** `simulation:<id>`, `optimization:<id>`, `fund:<id>`, `portfolio:<id>` (ids are UUIDs) or `market`. */
export const CHANNEL_PATTERN = new RegExp(`^(?:(?:simulation|optimization|fund|portfolio):${uuid}|market)$`);
export const CHANNEL_KINDS = ['simulation', 'optimization', 'fund', 'portfolio', 'market'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const Channel = z
  .string()
  .max(100)
  .regex(CHANNEL_PATTERN, { error: 'must be simulation:<id>, optimization:<id>, fund:<id>, portfolio:<id> (UUIDs) or market' })
  .describe('simulation:<uuid> | optimization:<uuid> | fund:<uuid> | portfolio:<uuid> | market');
export type Channel = z.infer<typeof Channel>;

/** The kind and id of a channel (`market` has no id). */
export function parseChannel(channel: Channel): { kind: ChannelKind; id: string | null } {
  const colon = channel.indexOf(':');
  if (colon < 0) return { kind: channel as ChannelKind, id: null };
  return { kind: channel.slice(0, colon) as ChannelKind, id: channel.slice(colon + 1).toLowerCase() };
}

/** What a user says they are editing on `fund:<id>` (a field path such as `fee_structure.hurdle_rate`). */
export const PresenceField = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.\-[\]]+$/, { error: 'a field path of [A-Za-z0-9_.-[]]' });

// ---- client → server ----------------------------------------------------------------------

/** First message when the token is not in `Sec-WebSocket-Protocol: bearer, <jwt>`. */
export const WsAuthMessage = z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(8192) });
export const WsSubscribeMessage = z.strictObject({ type: z.literal('subscribe'), channel: Channel });
export const WsUnsubscribeMessage = z.strictObject({ type: z.literal('unsubscribe'), channel: Channel });
/** Presence on `fund:<id>`: `field` what the user edits now (absent/null: only watching). Needs role analyst. */
export const WsPresenceMessage = z.strictObject({ type: z.literal('presence'), channel: Channel, field: PresenceField.nullable().optional() });
/** Application-level ping: answered by `pong` with the same `id`. */
export const WsPingMessage = z.strictObject({ type: z.literal('ping'), id: z.string().max(100).optional() });

export const WsClientMessage = z.discriminatedUnion('type', [WsAuthMessage, WsSubscribeMessage, WsUnsubscribeMessage, WsPresenceMessage, WsPingMessage]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;

// ---- server → client ----------------------------------------------------------------------

/** One user on a fund channel, across every gateway replica. */
export const PresenceUser = z.object({ sub: z.string(), role: z.string(), field: z.string().optional() });
export type PresenceUser = z.infer<typeof PresenceUser>;

/** Sent once the token is verified (`expires_at`: when the socket will be closed with 4401). */
export const WsAuthenticated = z.object({ type: z.literal('authenticated'), sub: z.string(), role: z.string(), expires_at: z.iso.datetime().nullable() });
/**
 * Reply to `subscribe`: the channel's latest state, fetched from the owning service with the
 * client's own token (its auth and roles apply): a run's status with partial percentiles, a
 * fund document, a portfolio without its loans (`loan_count` instead), an optimization job,
 * the latest market index per zone seen by this gateway.
 */
export const WsSubscribed = z.object({ type: z.literal('subscribed'), channel: Channel, snapshot: z.unknown() });
export const WsUnsubscribed = z.object({ type: z.literal('unsubscribed'), channel: Channel });

/** Fields every forwarded event message carries: the channel and the event's id and time (CloudEvents). */
const forwarded = { channel: Channel, event_id: z.string(), time: z.string() };
/** `progress` / `completed` / `failed` / `cancelled` on `simulation:<id>` (SimulationStatus) or `optimization:<id>` (OptimizationStatus). */
export const WsRunMessage = z.object({ type: z.enum(['progress', 'completed', 'failed', 'cancelled']), ...forwarded, data: z.union([SimulationStatus, OptimizationStatus]) });
/** On `fund:<id>`: the new version and who wrote it, so an editor holding an older version knows at once. */
export const WsFundUpdated = z.object({ type: z.literal('fund.updated'), ...forwarded, data: z.object({ fund: Fund, actor: Actor.optional() }) });
export const WsFundDeleted = z.object({ type: z.literal('fund.deleted'), ...forwarded, data: z.object({ id: z.string(), actor: Actor.optional() }) });
/** Portfolio summary (no loans) of `portfolio.*` events, on `portfolio:<id>` and on `fund:<fund_id>`. */
export const PortfolioEventSummary = z.object({ id: z.string(), fund_id: z.string(), loan_count: z.number().int(), metrics: Portfolio.shape.metrics });
export const WsPortfolioMessage = z.object({
  type: z.enum(['portfolio.generated', 'portfolio.updated', 'portfolio.deleted']),
  ...forwarded,
  data: z.union([z.object({ portfolio: PortfolioEventSummary, actor: Actor.optional() }), z.object({ id: z.string(), fund_id: z.string(), actor: Actor.optional() })]),
});
/** Every user on `fund:<id>` (all replicas), sent on subscribe and whenever it changes. */
export const WsPresence = z.object({ type: z.literal('presence'), channel: Channel, users: z.array(PresenceUser) });
export const WsMarketIndex = z.object({ type: z.literal('market.index'), ...forwarded, data: MarketIndexUpdated });
export const WsPong = z.object({ type: z.literal('pong'), id: z.string().optional() });
/** A message the gateway refused, or a subscription that failed: the connection stays open. */
export const WsError = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  channel: z.string().optional(),
  /** HTTP status of the upstream answer a failed snapshot came from. */
  status: z.number().int().optional(),
});

export const WsServerMessage = z.union([
  WsAuthenticated,
  WsSubscribed,
  WsUnsubscribed,
  WsRunMessage,
  WsFundUpdated,
  WsFundDeleted,
  WsPortfolioMessage,
  WsPresence,
  WsMarketIndex,
  WsPong,
  WsError,
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;

/** Close codes of `/ws`. 1013 (try again later) and 1009 (message too big) are standard. */
export const WS_CLOSE = {
  /** No valid token: none within the auth timeout, a bad one, or it expired while connected. */
  UNAUTHORIZED: 4401,
  /** The client does not read fast enough: its send buffer overflowed. */
  TRY_AGAIN_LATER: 1013,
  /** A message over the size limit. */
  MESSAGE_TOO_BIG: 1009,
  /** The gateway is shutting down. */
  GOING_AWAY: 1001,
} as const;

/** Presence of one gateway replica on one fund channel, over core NATS (not stored). */
export const PresenceAnnouncement = z.object({
  gateway: z.string().min(1),
  channel: Channel,
  users: z.array(PresenceUser),
  /** The others should announce their users of this channel now (a replica just got its first subscriber). */
  sync: z.boolean().optional(),
});
export type PresenceAnnouncement = z.infer<typeof PresenceAnnouncement>;
