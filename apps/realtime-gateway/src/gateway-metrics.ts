import { Counter, Gauge, type Registry } from 'prom-client';
import type { SessionMetrics } from './ws/socket-session.js';

/**
 * The gateway's own Prometheus series (besides the platform's HTTP histogram and process
 * metrics), on the service's registry: open sockets, channel subscriptions, frames sent,
 * sockets closed for not reading (1013), and NATS events received by subject.
 */
export function gatewayMetrics(registry: Registry, openSockets: () => number): SessionMetrics & { event(subject: string): void } {
  new Gauge({ name: 'ws_connections', help: 'Open WebSocket connections', registers: [registry], collect() { this.set(openSockets()); } });
  const subscriptions = new Gauge({ name: 'ws_subscriptions', help: 'Channel subscriptions of the open connections', registers: [registry] });
  const sent = new Counter({ name: 'ws_frames_sent_total', help: 'Frames queued to WebSocket clients', registers: [registry] });
  const slow = new Counter({ name: 'ws_slow_client_closes_total', help: 'Connections closed with 1013 because the client did not read (send buffer full)', registers: [registry] });
  const events = new Counter({ name: 'gateway_events_received_total', help: 'NATS events received for fan-out, by subject', labelNames: ['subject'] as const, registers: [registry] });
  return {
    sent: (n) => sent.inc(n),
    slowClosed: () => slow.inc(),
    subscriptions: (d) => subscriptions.inc(d),
    event: (subject) => events.inc({ subject }),
  };
}
