import websocket from '@fastify/websocket';
import { WS_CLOSE } from '@equihome/domain';
import type { FastifyZodInstance } from '@equihome/platform';
import type { IncomingMessage } from 'node:http';
import type { GatewayConfig } from '../config.js';
import { SocketSession, type SessionDeps } from '../ws/socket-session.js';

/** The subprotocol a client offers with its token (`Sec-WebSocket-Protocol: bearer, <jwt>`) and the server selects. */
export const BEARER_PROTOCOL = 'bearer';

/** The token offered beside `bearer` in `Sec-WebSocket-Protocol`, if any. */
export function offeredToken(request: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  const protocols = header.split(',').map((p) => p.trim()).filter(Boolean);
  if (!protocols.includes(BEARER_PROTOCOL)) return undefined;
  return protocols.find((p) => p !== BEARER_PROTOCOL) ?? '';
}

/** The live sessions of this replica (the heartbeat walks them; tests and metrics read them). */
export class SessionRegistry {
  readonly sessions = new Set<SocketSession>();
  private heartbeat: NodeJS.Timeout | undefined;

  /** Every `intervalMs`: a socket that did not answer the previous ping is terminated, the others are pinged. */
  startHeartbeat(intervalMs: number): void {
    this.heartbeat = setInterval(() => {
      for (const session of this.sessions) {
        if (!session.alive) session.terminate();
        else session.ping();
      }
    }, intervalMs);
    this.heartbeat.unref();
  }

  /** Closes every socket with 1001 (going away). */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const session of this.sessions) session.close(WS_CLOSE.GOING_AWAY, 'gateway shutting down');
  }
}

/**
 * `GET /ws` (WebSocket, `@fastify/websocket` on `ws`): see SocketSession for the protocol.
 * Messages over WS_MAX_MESSAGE_BYTES close the socket with 1009 (ws' `maxPayload`);
 * no permessage-deflate (frames are serialized once and shared by every socket).
 * The upgrade request is rate-limited per client address like any public route.
 */
export async function websocketRoutes(app: FastifyZodInstance, config: GatewayConfig, registry: SessionRegistry, deps: SessionDeps): Promise<void> {
  await app.register(websocket, {
    options: {
      maxPayload: config.WS_MAX_MESSAGE_BYTES,
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : false),
    },
    // fastify's close: the sessions say goodbye themselves (1001).
    preClose: (done) => {
      registry.closeAll();
      done();
    },
  });
  registry.startHeartbeat(config.WS_PING_INTERVAL_MS);
  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const session = new SocketSession(socket, { ...deps, log: request.log }, offeredToken(request.raw));
    registry.sessions.add(session);
    socket.on('close', () => registry.sessions.delete(session));
  });
}
