import { connectMessaging, natsConnectOptions, type Messaging, type MessagingLogger } from '@equihome/messaging';
import type { GatewayConfig } from './config.js';
import { upstreamReady, upstreamsOf } from './upstreams.js';

export const SERVICE_NAME = 'realtime-gateway';

/** What the gateway runs on: NATS only (no database); the services are reached over HTTP. */
export interface GatewayInfrastructure {
  messaging: Messaging;
  /** `/health/ready`: NATS answers a ping, and every CONFIGURED upstream answers its `/health/ready`. */
  readiness: Record<string, () => Promise<unknown>>;
  close(): Promise<void>;
}

/**
 * Connects NATS (core subscriptions for the live fan-out and presence; the gateway consumes
 * no durable stream, so it creates none). main.ts and the tests build the gateway through it.
 */
export async function connectInfrastructure(config: GatewayConfig, logger?: MessagingLogger): Promise<GatewayInfrastructure> {
  const messaging = await connectMessaging({ ...natsConnectOptions(config), name: SERVICE_NAME, ...(logger ? { logger } : {}) });
  const readiness: Record<string, () => Promise<unknown>> = { nats: () => messaging.ping() };
  for (const upstream of upstreamsOf(config)) {
    const url = upstream.url;
    if (url !== undefined) readiness[upstream.name] = () => upstreamReady(url);
  }
  let closing: Promise<void> | undefined;
  return { messaging, readiness, close: () => (closing ??= messaging.close({ graceMs: 1_000 })) };
}
