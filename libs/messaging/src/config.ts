import { STREAM_NAME } from '@equihome/domain';
import { z } from 'zod';
import { DEFAULT_NATS_URL, type ConnectMessagingOptions } from './messaging.js';

/**
 * The environment variables of a service's NATS connection, as a zod shape to merge into a
 * service's config (`createService({ config: { ...natsConfigShape, … } })`, platform's
 * `loadConfig`). Empty strings count as unset there.
 */
export const natsConfigShape = {
  /** Comma-separated NATS servers. */
  NATS_URL: z.string().min(1).default(DEFAULT_NATS_URL),
  /** Replaces the `equihome` subject root on the wire (tests: a random prefix). */
  NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of [A-Za-z0-9_-]').optional(),
  /** JetStream stream holding the events (default `EQUIHOME`). */
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, `_` and `-`').default(STREAM_NAME),
} satisfies z.ZodRawShape;

/** The parsed values of {@link natsConfigShape}. */
export interface NatsConfig {
  NATS_URL: string;
  NATS_STREAM: string;
  NATS_SUBJECT_PREFIX?: string | undefined;
}

/** `connectMessaging` options from the config: `{ ...natsConnectOptions(config), name }`. */
export function natsConnectOptions(config: NatsConfig): Pick<ConnectMessagingOptions, 'servers' | 'stream' | 'subjectPrefix'> {
  return {
    servers: config.NATS_URL,
    stream: config.NATS_STREAM,
    ...(config.NATS_SUBJECT_PREFIX !== undefined ? { subjectPrefix: config.NATS_SUBJECT_PREFIX } : {}),
  };
}
