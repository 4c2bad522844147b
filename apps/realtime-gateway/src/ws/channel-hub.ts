import { textFrame, type OutboundFrame } from './frame.js';

/** Something that receives the frames of the channels it joined (a socket session). */
export interface ChannelSubscriber {
  /** A frame (UTF-8 JSON text, already framed for the wire) of `channel`; must not block: queue or drop. */
  deliver(channel: string, frame: OutboundFrame): void;
}

/**
 * Which local sockets listen to which channel. A message for a channel is serialized and
 * framed ONCE (`JSON.stringify` + one WebSocket frame, see frame.ts) and the same bytes are
 * handed to every subscriber, which queues them on its own socket: a slow socket never
 * delays the others.
 */
export class ChannelHub {
  private readonly channels = new Map<string, Set<ChannelSubscriber>>();

  add(channel: string, subscriber: ChannelSubscriber): void {
    let set = this.channels.get(channel);
    if (set === undefined) this.channels.set(channel, (set = new Set()));
    set.add(subscriber);
  }

  remove(channel: string, subscriber: ChannelSubscriber): void {
    const set = this.channels.get(channel);
    if (set === undefined) return;
    set.delete(subscriber);
    if (set.size === 0) this.channels.delete(channel);
  }

  /** Sends `message` to the channel's subscribers; returns how many got it. */
  publish(channel: string, message: object): number {
    const set = this.channels.get(channel);
    if (set === undefined || set.size === 0) return 0;
    const frame = textFrame(JSON.stringify(message));
    for (const subscriber of set) subscriber.deliver(channel, frame);
    return set.size;
  }

  /** Subscribers of a channel (0 when none). */
  size(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  /** Channels with at least one subscriber. */
  get channelCount(): number {
    return this.channels.size;
  }
}
