import type { EventEnvelope, EventSubject, MarketIndexUpdated } from '@equihome/domain';
import type { LiveSubscription, Messaging } from '@equihome/messaging';
import type { ChannelHub } from './ws/channel-hub.js';

/**
 * What the gateway hears on NATS and forwards to WebSocket channels. Core (non-durable)
 * subscriptions, ONE per entity for the whole replica whatever the number of sockets —
 * live fan-out, nothing replayed (a client that reconnects gets the current state in the
 * `subscribed` snapshot instead):
 *
 * | subject (NATS_SUBJECT_PREFIX applies) | channel(s) | message `type` |
 * |---|---|---|
 * | `equihome.simulation.progress\|completed\|failed\|cancelled` | `simulation:<data.id>` | `progress`, `completed`, `failed`, `cancelled` |
 * | `equihome.optimization.progress\|completed\|failed\|cancelled` | `optimization:<data.id>` | same |
 * | `equihome.fund.updated\|deleted` | `fund:<id>` | `fund.updated`, `fund.deleted` |
 * | `equihome.portfolio.generated\|updated\|deleted` | `portfolio:<id>` and `fund:<fund_id>` | `portfolio.generated\|updated\|deleted` |
 * | `equihome.market.index.updated` | `market` | `market.index` |
 *
 * `*.queued` and `fund.created` are not forwarded (the snapshot covers them). The gateway
 * publishes no domain events; presence travels on its own subject (presence.ts).
 */
export const FORWARDED_PATTERNS = ['equihome.simulation.>', 'equihome.optimization.>', 'equihome.fund.>', 'equihome.portfolio.>', 'equihome.market.>'] as const;

const RUN_TYPES = new Set(['progress', 'completed', 'failed', 'cancelled']);

/** The channels and message type of an event, or null when it is not forwarded. */
export function routeEvent(event: EventEnvelope<unknown> & { type: EventSubject }): { type: string; channels: string[] } | null {
  const [, entity, ...rest] = event.type.split('.');
  const verb = rest.join('.');
  const data = event.data as Record<string, unknown>;
  switch (entity) {
    case 'simulation':
    case 'optimization':
      return RUN_TYPES.has(verb) ? { type: verb, channels: [`${entity}:${String(data.id).toLowerCase()}`] } : null;
    case 'fund':
      if (verb === 'updated') return { type: 'fund.updated', channels: [`fund:${String((data.fund as { id: string }).id).toLowerCase()}`] };
      if (verb === 'deleted') return { type: 'fund.deleted', channels: [`fund:${String(data.id).toLowerCase()}`] };
      return null;
    case 'portfolio': {
      const summary = (data.portfolio as { id: string; fund_id: string } | undefined) ?? { id: String(data.id), fund_id: String(data.fund_id) };
      return { type: `portfolio.${verb}`, channels: [`portfolio:${summary.id.toLowerCase()}`, `fund:${summary.fund_id.toLowerCase()}`] };
    }
    case 'market':
      return verb === 'index.updated' ? { type: 'market.index', channels: ['market'] } : null;
    default:
      return null;
  }
}

/** Latest market index per zone seen by this replica since it started (the `market` snapshot). */
export class MarketBoard {
  private readonly latest = new Map<string, MarketIndexUpdated>();
  note(index: MarketIndexUpdated): void {
    const current = this.latest.get(index.zone);
    if (current === undefined || current.date <= index.date) this.latest.set(index.zone, index);
  }
  snapshot(): { zones: MarketIndexUpdated[] } {
    return { zones: [...this.latest.values()].sort((a, b) => a.zone.localeCompare(b.zone)) };
  }
}

export interface EventFanout {
  /** Logical patterns subscribed (one NATS subscription each). */
  readonly patterns: readonly string[];
  /** Events received, by logical subject (for metrics and tests). */
  readonly received: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Subscribes the FORWARDED_PATTERNS once and routes every event to the hub: one message
 * object per channel, serialized once for all its sockets (`{ type, channel, event_id,
 * time, data }`). Events were validated by messaging against their schema.
 */
export function startEventFanout(messaging: Messaging, hub: ChannelHub, market: MarketBoard, onEvent?: (subject: string, delivered: number) => void): EventFanout {
  const received = new Map<string, number>();
  const subscriptions: LiveSubscription[] = FORWARDED_PATTERNS.map((pattern) =>
    messaging.subscribe(pattern, (event) => {
      received.set(event.type, (received.get(event.type) ?? 0) + 1);
      const route = routeEvent(event);
      if (route === null) return;
      if (route.type === 'market.index') market.note(event.data as MarketIndexUpdated);
      let delivered = 0;
      for (const channel of route.channels) delivered += hub.publish(channel, { type: route.type, channel, event_id: event.id, time: event.time, data: event.data });
      onEvent?.(event.type, delivered);
    }),
  );
  return {
    patterns: FORWARDED_PATTERNS,
    received,
    async stop() {
      await Promise.allSettled(subscriptions.map((s) => s.stop()));
    },
  };
}
