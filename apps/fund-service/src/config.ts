import { natsConfigShape } from '@equihome/messaging';
import { storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

/**
 * fund-service's own environment variables, merged by `createService` with the platform's
 * base config (PORT, HOST, LOG_LEVEL, JWT_*, RATE_LIMIT_MAX, BODY_LIMIT_BYTES, …):
 * storage's `storageConfigShape` (DATABASE_URL, DOCUMENT_STORE, MONGODB_URL, MONGODB_DB,
 * DOCUMENT_COLLECTION_PREFIX — prepended to the collection `funds`) and messaging's
 * `natsConfigShape` (NATS_URL, NATS_SUBJECT_PREFIX, NATS_STREAM). Empty strings count as unset.
 */
export const fundServiceConfig = {
  /** HTTP port (default 3001). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  ...storageConfigShape,
  ...natsConfigShape,
} satisfies z.ZodRawShape;

export type FundServiceConfigShape = typeof fundServiceConfig;
