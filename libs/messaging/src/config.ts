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
  /** PEM CA of the NATS servers: TLS required, their certificate verified (also implied by `tls://` URLs). */
  NATS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Client certificate and key (PEM) for mutual TLS; both or neither. */
  NATS_TLS_CERT_FILE: z.string().min(1).optional(),
  NATS_TLS_KEY_FILE: z.string().min(1).optional(),
} satisfies z.ZodRawShape;

/** The parsed values of {@link natsConfigShape}. */
export interface NatsConfig {
  NATS_URL: string;
  NATS_STREAM: string;
  NATS_SUBJECT_PREFIX?: string | undefined;
  NATS_TLS_CA_FILE?: string | undefined;
  NATS_TLS_CERT_FILE?: string | undefined;
  NATS_TLS_KEY_FILE?: string | undefined;
}

/** `connectMessaging` options from the config: `{ ...natsConnectOptions(config), name }`. */
export function natsConnectOptions(config: NatsConfig): Pick<ConnectMessagingOptions, 'servers' | 'stream' | 'subjectPrefix' | 'tls'> {
  if ((config.NATS_TLS_CERT_FILE === undefined) !== (config.NATS_TLS_KEY_FILE === undefined)) {
    throw new TypeError('config error: NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together (mutual TLS needs both)');
  }
  const tls = {
    ...(config.NATS_TLS_CA_FILE !== undefined ? { caFile: config.NATS_TLS_CA_FILE } : {}),
    ...(config.NATS_TLS_CERT_FILE !== undefined ? { certFile: config.NATS_TLS_CERT_FILE, keyFile: config.NATS_TLS_KEY_FILE! } : {}),
  };
  const tlsUrl = config.NATS_URL.split(',').some((s) => s.trim().startsWith('tls://'));
  return {
    servers: config.NATS_URL,
    stream: config.NATS_STREAM,
    ...(config.NATS_SUBJECT_PREFIX !== undefined ? { subjectPrefix: config.NATS_SUBJECT_PREFIX } : {}),
    ...(Object.keys(tls).length > 0 || tlsUrl ? { tls } : {}),
  };
}
