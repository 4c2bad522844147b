import { PresenceAnnouncement, type PresenceUser } from '@equihome/domain';
import type { Messaging, MessagingLogger } from '@equihome/messaging';

/** Logical subject of presence announcements (not an event: core NATS, never stored). */
export const PRESENCE_SUBJECT = 'equihome.realtime.presence';

type NatsSubscription = ReturnType<Messaging['nc']['subscribe']>;

export interface PresenceOptions {
  messaging: Messaging;
  /** This replica's id (a UUID per process). */
  gatewayId: string;
  heartbeatMs: number;
  ttlMs: number;
  /** The users of a channel changed (locally or on another replica): tell its sockets. */
  onChange(channel: string, users: PresenceUser[]): void;
  log: MessagingLogger;
}

/**
 * Who is on each `fund:<id>` channel, across gateway replicas. Each replica announces, on
 * core NATS subject `equihome.realtime.presence`, the full list of ITS users of a channel
 * whenever it changes and every `heartbeatMs` while it has any; an empty list says they
 * left. A replica's list of a channel expires `ttlMs` after its last announcement, so the
 * users of a replica that died disappear within the TTL (default 30 s). A replica that gets
 * its first user on a channel asks the others (`sync`) to announce theirs at once.
 * Entries are one per socket; the merged list has one entry per (sub, field).
 */
export class PresenceBoard {
  private readonly local = new Map<string, Map<string, PresenceUser>>();
  private readonly remote = new Map<string, Map<string, { users: PresenceUser[]; expiresAt: number }>>();
  private subscription: NatsSubscription | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly wire: string;

  constructor(private readonly options: PresenceOptions) {
    this.wire = options.messaging.subjects.toWire(PRESENCE_SUBJECT);
  }

  start(): void {
    const { messaging, log } = this.options;
    const sub = messaging.nc.subscribe(this.wire);
    this.subscription = sub;
    void (async () => {
      for await (const msg of sub) {
        try {
          this.receive(PresenceAnnouncement.parse(msg.json()));
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'presence announcement skipped');
        }
      }
    })();
    this.heartbeat = setInterval(() => {
      for (const channel of this.local.keys()) this.announce(channel);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    this.sweeper = setInterval(() => this.sweep(), Math.max(25, Math.min(this.options.heartbeatMs, Math.floor(this.options.ttlMs / 4))));
    this.sweeper.unref();
  }

  /** A socket joined the channel (watching, no field yet). */
  join(channel: string, socketId: string, user: { sub: string; role: string }): void {
    let users = this.local.get(channel);
    const first = users === undefined;
    if (users === undefined) this.local.set(channel, (users = new Map()));
    users.set(socketId, { sub: user.sub, role: user.role });
    this.announce(channel, first);
    this.changed(channel);
  }

  /** What the socket's user edits now (`undefined`: only watching). False when the socket is not on the channel. */
  setField(channel: string, socketId: string, field: string | undefined): boolean {
    const entry = this.local.get(channel)?.get(socketId);
    if (entry === undefined) return false;
    if (entry.field === field) return true;
    const next: PresenceUser = { sub: entry.sub, role: entry.role, ...(field !== undefined ? { field } : {}) };
    this.local.get(channel)!.set(socketId, next);
    this.announce(channel);
    this.changed(channel);
    return true;
  }

  leave(channel: string, socketId: string): void {
    const users = this.local.get(channel);
    if (users === undefined || !users.delete(socketId)) return;
    this.announce(channel);
    if (users.size === 0) this.local.delete(channel);
    this.changed(channel);
  }

  /** Everyone on the channel: this replica's users and the unexpired ones of the others, one per (sub, field). */
  users(channel: string): PresenceUser[] {
    const seen = new Map<string, PresenceUser>();
    const add = (u: PresenceUser) => {
      const key = `${u.sub}\u0000${u.field ?? ''}`;
      if (!seen.has(key)) seen.set(key, u);
    };
    for (const u of this.local.get(channel)?.values() ?? []) add(u);
    const now = Date.now();
    for (const entry of this.remote.get(channel)?.values() ?? []) if (entry.expiresAt > now) entry.users.forEach(add);
    return [...seen.values()].sort((a, b) => a.sub.localeCompare(b.sub) || (a.field ?? '').localeCompare(b.field ?? ''));
  }

  /** Says goodbye on every channel (the others drop this replica's users at once), then unsubscribes. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    for (const channel of this.local.keys()) this.publish({ gateway: this.options.gatewayId, channel, users: [] });
    this.local.clear();
    const { nc } = this.options.messaging;
    if (!nc.isClosed()) await nc.flush().catch(() => undefined);
    if (this.subscription && !this.subscription.isClosed()) this.subscription.unsubscribe();
  }

  private announce(channel: string, sync = false): void {
    const users = [...(this.local.get(channel)?.values() ?? [])];
    this.publish({ gateway: this.options.gatewayId, channel, users, ...(sync ? { sync: true } : {}) });
  }

  private publish(announcement: PresenceAnnouncement): void {
    try {
      this.options.messaging.nc.publish(this.wire, JSON.stringify(announcement));
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'presence not announced');
    }
  }

  private receive(a: PresenceAnnouncement): void {
    if (a.gateway === this.options.gatewayId) return;
    if (a.sync && this.local.has(a.channel)) this.announce(a.channel);
    let byGateway = this.remote.get(a.channel);
    if (byGateway === undefined) this.remote.set(a.channel, (byGateway = new Map()));
    const before = JSON.stringify(byGateway.get(a.gateway)?.users ?? []);
    if (a.users.length === 0) byGateway.delete(a.gateway);
    else byGateway.set(a.gateway, { users: a.users, expiresAt: Date.now() + this.options.ttlMs });
    if (byGateway.size === 0) this.remote.delete(a.channel);
    if (JSON.stringify(a.users) !== before) this.changed(a.channel);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [channel, byGateway] of this.remote) {
      let dropped = false;
      for (const [gateway, entry] of byGateway) {
        if (entry.expiresAt <= now) {
          byGateway.delete(gateway);
          dropped = true;
        }
      }
      if (byGateway.size === 0) this.remote.delete(channel);
      if (dropped) this.changed(channel);
    }
  }

  private changed(channel: string): void {
    this.options.onChange(channel, this.users(channel));
  }
}
