import { randomUUID } from 'node:crypto';
import { parseChannel, WS_CLOSE, WsClientMessage, type Channel } from '@equihome/domain';
import { roleAtLeast, type AuthUser, type TokenVerifier } from '@equihome/platform';
import type { FastifyBaseLogger } from 'fastify';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { WsErrorCodes, type WsErrorCode } from '../errors.js';
import type { ChannelHub, ChannelSubscriber } from './channel-hub.js';
import { textFrame, type OutboundFrame } from './frame.js';
import type { PresenceBoard } from './presence.js';
import type { SnapshotSource } from './snapshots.js';

export interface SessionLimits {
  authTimeoutMs: number;
  maxSubscriptions: number;
  sendBufferBytes: number;
}

/** Counters the sessions report to (Prometheus metrics). */
export interface SessionMetrics {
  sent(frames: number): void;
  slowClosed(): void;
  subscriptions(delta: number): void;
}

export interface SessionDeps {
  verify: TokenVerifier;
  hub: ChannelHub;
  presence: PresenceBoard;
  snapshots: SnapshotSource;
  limits: SessionLimits;
  metrics: SessionMetrics;
  log: FastifyBaseLogger;
}

/** A channel of the session: `pending` while its snapshot is fetched (events meanwhile are kept, then sent after it). */
type ChannelState = { state: 'pending'; buffered: OutboundFrame[]; bytes: number } | { state: 'live' };

/** ws' internals the session writes through (ws 8: the TCP socket, and the sender's queued bytes — 0 unless a frame waits for deflate, which the gateway never negotiates). */
interface WsInternals {
  _socket?: Socket | null;
  _sender?: { _bufferedBytes?: number } | null;
}

/** Close reasons are at most 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 123).toString();

/** `exp` (seconds) of a JWT already verified, or undefined. */
function tokenExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : undefined;
  } catch {
    return undefined;
  }
}

/** Sessions holding frames for the end of this event-loop turn, written by `flushAll`. */
const dirty: SocketSession[] = [];
let flushScheduled = false;
function flushAll(): void {
  flushScheduled = false;
  for (const session of dirty.splice(0)) session.flush();
}

/** The longest a timer may wait (setTimeout overflows past 2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One WebSocket connection: authentication (token offered in `Sec-WebSocket-Protocol`, or a
 * first `auth` message within `authTimeoutMs`; else close 4401; closed 4401 when the token
 * expires), the client's messages (validated by the domain's `WsClientMessage`; a bad one
 * gets an `error`, the connection stays), its channels (snapshot first, then live events)
 * and its bounded send buffer: when the bytes queued on the socket would pass
 * `sendBufferBytes` the socket is closed with 1013 and gets nothing more, so the others
 * never wait for it.
 */
export class SocketSession implements ChannelSubscriber {
  readonly id = randomUUID();
  user: AuthUser | null = null;
  /** Answered the last ping (the route's heartbeat terminates sockets that did not). */
  alive = true;
  private token: string | null = null;
  private readonly channels = new Map<string, ChannelState>();
  private authTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Messages are handled in order until the socket is authenticated. */
  private authenticating: Promise<void> | null = null;
  private closed = false;
  /** Frames accepted this event-loop turn, written together by `flush` (setImmediate). */
  private pending: OutboundFrame[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
    offeredToken: string | undefined,
  ) {
    ws.on('message', (data, isBinary) => void this.onMessage(data as Buffer, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => deps.log.debug({ err: err.message, socket: this.id }, 'websocket error'));
    if (offeredToken !== undefined) this.authenticating = this.authenticate(offeredToken, false);
    else {
      this.authTimer = setTimeout(() => this.close(WS_CLOSE.UNAUTHORIZED, `no token within ${deps.limits.authTimeoutMs} ms`), deps.limits.authTimeoutMs);
    }
  }

  /** A frame of a channel of this session (ChannelSubscriber). */
  deliver(channel: string, frame: OutboundFrame): void {
    const state = this.channels.get(channel);
    if (state === undefined) return;
    if (state.state === 'live') {
      this.sendFrame(frame);
      return;
    }
    // Kept until the snapshot is sent, within the same bound as the socket's buffer.
    state.buffered.push(frame);
    state.bytes += frame.wire.length;
    if (state.bytes > this.deps.limits.sendBufferBytes) this.closeSlow();
  }

  /** Closes the socket (idempotent). */
  close(code: number, text: string): void {
    if (this.closed) return;
    this.flush();
    this.dispose();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason(text));
  }

  /** Ends the socket at once, without a closing handshake (a dead peer). */
  terminate(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.dispose();
    this.ws.terminate();
  }

  ping(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.alive = false;
    this.ws.ping();
  }

  get subscriptionCount(): number {
    return this.channels.size;
  }

  private send(message: object): void {
    this.sendFrame(textFrame(JSON.stringify(message)));
  }

  /**
   * Accepts a frame for the socket, or closes it (1013) when the bytes it has not taken yet
   * (`bufferedAmount`: the TCP socket's write queue + ws' own, plus the frames accepted this
   * turn) would pass the bound. Frames are written at the end of the event-loop turn
   * (`setImmediate`), all of a socket's frames of that turn in ONE write, in order.
   */
  private sendFrame(frame: OutboundFrame): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    const size = frame.wire.length;
    if (this.ws.bufferedAmount + this.pendingBytes + size > this.deps.limits.sendBufferBytes) {
      this.closeSlow();
      return;
    }
    if (this.pending.length === 0) {
      dirty.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAll);
      }
    }
    this.pending.push(frame);
    this.pendingBytes += size;
    this.deps.metrics.sent(1);
  }

  /**
   * Writes the frames accepted this turn. They are already framed: written as they are to
   * the TCP socket (corked: one syscall for all of them) — the same bytes as `ws.send`
   * would produce, in the same order, as ws writes synchronously to the same socket;
   * through `ws.send` only if ws holds queued bytes of its own.
   */
  flush(): void {
    const frames = this.pending;
    if (frames.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const internals = this.ws as unknown as WsInternals;
    const socket = internals._socket;
    if (socket != null && socket.writable && internals._sender?._bufferedBytes === 0) {
      if (frames.length === 1) socket.write(frames[0].wire);
      else {
        socket.cork();
        for (const frame of frames) socket.write(frame.wire);
        socket.uncork();
      }
    } else for (const frame of frames) this.ws.send(frame.payload, { binary: false });
  }

  /** The client stopped reading: 1013, queued behind what it has not read yet (the socket is destroyed after ws' close timeout). */
  private closeSlow(): void {
    if (this.closed) return;
    this.deps.metrics.slowClosed();
    this.deps.log.info({ socket: this.id, sub: this.user?.sub, bufferedBytes: this.ws.bufferedAmount }, 'websocket closed: client not reading (send buffer full)');
    this.close(WS_CLOSE.TRY_AGAIN_LATER, 'send buffer full: the client does not read fast enough');
  }

  private error(code: WsErrorCode | string, message: string, extra: { channel?: string; status?: number } = {}): void {
    this.send({ type: 'error', code, message, ...extra });
  }

  private async authenticate(token: string, refresh: boolean): Promise<void> {
    let user: AuthUser;
    try {
      user = await this.deps.verify(token);
    } catch (err) {
      const detail = (err as { detail?: unknown }).detail;
      if (refresh) this.error(WsErrorCodes.INVALID_MESSAGE, `token refused: ${typeof detail === 'string' ? detail : 'invalid token'}`);
      else this.close(WS_CLOSE.UNAUTHORIZED, typeof detail === 'string' ? detail : 'invalid token');
      return;
    }
    if (this.closed) return;
    if (refresh && this.user !== null && this.user.sub !== user.sub) {
      this.error(WsErrorCodes.ALREADY_AUTHENTICATED, `the socket is authenticated as ${this.user.sub}; a token of another subject is refused`);
      return;
    }
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    this.user = user;
    this.token = token;
    const exp = tokenExpiry(token);
    if (exp !== undefined) {
      const ms = Math.min(MAX_TIMER_MS, Math.max(0, exp * 1000 - Date.now()));
      this.expiryTimer = setTimeout(() => this.close(WS_CLOSE.UNAUTHORIZED, 'token expired'), ms);
    }
    this.send({ type: 'authenticated', sub: user.sub, role: user.role, expires_at: exp !== undefined ? new Date(exp * 1000).toISOString() : null });
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    let json: unknown;
    try {
      json = JSON.parse(isBinary ? Buffer.from(data).toString('utf8') : data.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (this.user === null && this.authenticating === null) {
      // Without a protocol token the first message must be `auth`.
      const auth = json !== undefined ? WsClientMessage.safeParse(json) : undefined;
      if (auth?.success && auth.data.type === 'auth') {
        this.authenticating = this.authenticate(auth.data.token, false);
      } else {
        this.close(WS_CLOSE.UNAUTHORIZED, 'authentication required: the first message must be {"type":"auth","token":"<jwt>"}');
      }
      return;
    }
    if (this.user === null) await this.authenticating;
    if (this.closed || this.user === null) return;
    if (json === undefined) {
      this.error(WsErrorCodes.INVALID_JSON, 'the message is not JSON');
      return;
    }
    const parsed = WsClientMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') || 'message';
      this.error(WsErrorCodes.INVALID_MESSAGE, `${path}: ${issue?.message ?? 'invalid'}`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'auth':
        await this.authenticate(message.token, true);
        return;
      case 'ping':
        this.send({ type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}) });
        return;
      case 'subscribe':
        await this.subscribe(message.channel);
        return;
      case 'unsubscribe':
        this.unsubscribe(message.channel);
        return;
      case 'presence':
        this.presence(message.channel, message.field ?? undefined);
        return;
    }
  }

  /** `kind:<id>` with the id in lower case: one channel name per resource. */
  private normalize(channel: Channel): string {
    const { kind, id } = parseChannel(channel);
    return id === null ? kind : `${kind}:${id}`;
  }

  private async subscribe(requested: Channel): Promise<void> {
    const channel = this.normalize(requested);
    if (this.channels.has(channel)) {
      this.error(WsErrorCodes.ALREADY_SUBSCRIBED, `already subscribed to ${channel}`, { channel });
      return;
    }
    if (this.channels.size >= this.deps.limits.maxSubscriptions) {
      this.error(WsErrorCodes.SUBSCRIPTION_LIMIT, `at most ${this.deps.limits.maxSubscriptions} channels per connection`, { channel });
      return;
    }
    // Listen first, then read the snapshot: an event published meanwhile is kept, never lost.
    const state: ChannelState = { state: 'pending', buffered: [], bytes: 0 };
    this.channels.set(channel, state);
    this.deps.hub.add(channel, this);
    this.deps.metrics.subscriptions(1);
    const result = await this.deps.snapshots.fetch(channel as Channel, this.token!, `${this.id}:${channel}`);
    if (this.channels.get(channel) !== state || this.closed) return; // unsubscribed or closed meanwhile
    if (!result.ok) {
      this.drop(channel);
      this.error(result.code, result.message, { channel, ...(result.status !== undefined ? { status: result.status } : {}) });
      return;
    }
    this.channels.set(channel, { state: 'live' });
    this.send({ type: 'subscribed', channel, snapshot: result.snapshot });
    for (const frame of state.buffered) this.sendFrame(frame);
    if (channel.startsWith('fund:')) this.deps.presence.join(channel, this.id, this.user!);
  }

  private unsubscribe(requested: Channel): void {
    const channel = this.normalize(requested);
    if (!this.channels.has(channel)) {
      this.error(WsErrorCodes.NOT_SUBSCRIBED, `not subscribed to ${channel}`, { channel });
      return;
    }
    this.drop(channel);
    this.send({ type: 'unsubscribed', channel });
  }

  private presence(requested: Channel, field: string | undefined): void {
    const channel = this.normalize(requested);
    if (!channel.startsWith('fund:')) {
      this.error(WsErrorCodes.PRESENCE_NOT_SUPPORTED, 'presence is kept on fund:<id> channels only', { channel });
      return;
    }
    if (field !== undefined && !roleAtLeast(this.user!.role, 'analyst')) {
      this.error(WsErrorCodes.ROLE_TOO_LOW, `editing a fund needs role analyst; the token's role is ${this.user!.role}`, { channel });
      return;
    }
    if (this.channels.get(channel)?.state !== 'live' || !this.deps.presence.setField(channel, this.id, field)) {
      this.error(WsErrorCodes.NOT_SUBSCRIBED, `subscribe to ${channel} before announcing presence`, { channel });
    }
  }

  private drop(channel: string): void {
    if (!this.channels.delete(channel)) return;
    this.deps.hub.remove(channel, this);
    this.deps.metrics.subscriptions(-1);
    if (channel.startsWith('fund:')) this.deps.presence.leave(channel, this.id);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    clearTimeout(this.expiryTimer);
    for (const channel of [...this.channels.keys()]) this.drop(channel);
  }
}
