import { natsConfigShape } from '@equihome/messaging';
import { outboxConfigShape } from '@equihome/outbox';
import type { Config } from '@equihome/platform';
import { storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

/**
 * fund-service's environment, merged by platform's `loadConfig` with the base config (PORT,
 * HOST, LOG_LEVEL, JWT_*, RATE_LIMIT_MAX, BODY_LIMIT_BYTES, TRUST_PROXY, …): storage's
 * `storageConfigShape` (DATABASE_URL, DOCUMENT_STORE, MONGODB_URL, MONGODB_DB,
 * DOCUMENT_COLLECTION_PREFIX — prepended to the collection `funds`), messaging's
 * `natsConfigShape` (NATS_URL, NATS_SUBJECT_PREFIX, NATS_STREAM) and the outbox relay's
 * `outboxConfigShape` (OUTBOX_RELAY, OUTBOX_POLL_INTERVAL_MS, OUTBOX_RETENTION_MS).
 * Empty strings count as unset. Parsed ONCE, in main.ts.
 */
export const fundServiceConfigShape = {
  /** HTTP port (default 3001). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  ...storageConfigShape,
  ...natsConfigShape,
  ...outboxConfigShape,
} satisfies z.ZodRawShape;

export type FundServiceConfig = Config<typeof fundServiceConfigShape>;
