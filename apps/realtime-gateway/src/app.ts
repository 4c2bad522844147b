import { randomUUID } from 'node:crypto';
import type { MessagingLogger } from '@equihome/messaging';
import { createService, createTokenVerifier, type Service } from '@equihome/platform';
import type { GatewayConfig } from './config.js';
import { MarketBoard, startEventFanout, type EventFanout } from './events.js';
import { gatewayMetrics } from './gateway-metrics.js';
import { SERVICE_NAME, type GatewayInfrastructure } from './infrastructure.js';
import { createOpenApiMerger } from './openapi-merge.js';
import { devTokenRoutes } from './routes/dev-token.js';
import { proxyRoutes } from './routes/proxy.js';
import { staticRoutes } from './routes/static.js';
import { SessionRegistry, websocketRoutes } from './routes/websocket.js';
import { upstreamsOf } from './upstreams.js';
import { ChannelHub } from './ws/channel-hub.js';
import { PresenceBoard } from './ws/presence.js';
import { createSnapshotSource } from './ws/snapshots.js';
import type { SessionMetrics } from './ws/socket-session.js';

export const SERVICE_VERSION = '0.1.0';

/** The gateway and what runs beside HTTP (tests reach the hub, presence and sessions through it). */
export interface Gateway {
  service: Service<GatewayConfig>;
  /** This replica's id in presence announcements. */
  gatewayId: string;
  hub: ChannelHub;
  presence: PresenceBoard;
  fanout: EventFanout;
  sessions: SessionRegistry;
}

/**
 * Builds the realtime gateway on its NATS connection, without listening: the proxy routes
 * to the four services, `/docs` + `/openapi.json` merged from theirs, `/` (public/), the
 * `/ws` WebSocket endpoint, the NATS fan-out (one core subscription per entity) and
 * presence. `close()` closes every socket (1001), drains HTTP, says goodbye in presence,
 * stops the subscriptions and closes NATS.
 */
export async function buildApp(config: GatewayConfig, infrastructure: GatewayInfrastructure): Promise<Gateway> {
  const { messaging } = infrastructure;
  const gatewayId = randomUUID();
  const upstreams = upstreamsOf(config);
  const hub = new ChannelHub();
  const market = new MarketBoard();
  const sessions = new SessionRegistry();
  // Bound once the service exists: its metrics registry and its logger.
  const late: { metrics?: SessionMetrics & { event(subject: string): void }; log?: MessagingLogger } = {};
  const sessionMetrics: SessionMetrics = {
    sent: (n) => late.metrics?.sent(n),
    slowClosed: () => late.metrics?.slowClosed(),
    subscriptions: (d) => late.metrics?.subscriptions(d),
  };
  const log: MessagingLogger = {
    info: (fields, message) => late.log?.info(fields, message),
    warn: (fields, message) => late.log?.warn(fields, message),
    error: (fields, message) => late.log?.error(fields, message),
  };
  const presence = new PresenceBoard({
    messaging,
    gatewayId,
    heartbeatMs: config.PRESENCE_HEARTBEAT_MS,
    ttlMs: config.PRESENCE_TTL_MS,
    onChange: (channel, users) => hub.publish(channel, { type: 'presence', channel, users }),
    log,
  });
  const fanout = startEventFanout(messaging, hub, market, (subject) => late.metrics?.event(subject));
  presence.start();
  const stopLive = async () => {
    await presence.stop();
    await fanout.stop();
  };
  let service: Service<GatewayConfig>;
  try {
    service = await createService({
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      config,
      openapi: {
        title: 'Equihome realtime-gateway',
        description: 'One origin for the frontend: the services under /api/*, live updates on the /ws WebSocket (see the gateway README).',
        document: createOpenApiMerger(upstreams),
      },
      readiness: infrastructure.readiness,
      onClose: [stopLive, () => infrastructure.close()],
      routes: async (app) => {
        await proxyRoutes(app, config, upstreams);
        await staticRoutes(app);
        devTokenRoutes(app, config);
        await websocketRoutes(app, config, sessions, {
          verify: createTokenVerifier(config),
          hub,
          presence,
          snapshots: createSnapshotSource(upstreams, market, config.SNAPSHOT_TIMEOUT_MS),
          limits: { authTimeoutMs: config.WS_AUTH_TIMEOUT_MS, maxSubscriptions: config.WS_MAX_SUBSCRIPTIONS, sendBufferBytes: config.WS_SEND_BUFFER_BYTES },
          metrics: sessionMetrics,
          log: app.log,
        });
      },
    });
  } catch (err) {
    await stopLive();
    throw err;
  }
  late.log = service.app.log;
  late.metrics = gatewayMetrics(service.metrics.registry, () => sessions.sessions.size);
  return { service, gatewayId, hub, presence, fanout, sessions };
}
