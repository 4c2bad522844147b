import { z } from 'zod';

/**
 * fund-service's own environment variables, merged by `createService` with the platform's
 * base config (PORT, HOST, LOG_LEVEL, JWT_*, RATE_LIMIT_MAX, BODY_LIMIT_BYTES, …).
 * Empty strings count as unset.
 */
export const fundServiceConfig = {
  /** HTTP port (default 3001). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** PostgreSQL: documents (unless DOCUMENT_STORE=mongodb), migrations and the audit log. */
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/equihome'),
  /** `postgresql` (default) or `mongodb` (then MONGODB_URL is required). */
  DOCUMENT_STORE: z.enum(['postgresql', 'postgres', 'mongodb']).default('postgresql'),
  MONGODB_URL: z.string().min(1).optional(),
  MONGODB_DB: z.string().min(1).optional(),
  /** Prepended to the collection name `funds` (tests: a random `t<hex>_`). Lower-case letters, digits, `_`. */
  DOCUMENT_COLLECTION_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'lower-case letter first, then [a-z0-9_], at most 41 characters')
    .optional(),
  /** Comma-separated NATS servers. */
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Replaces the `equihome` subject root on the wire (tests: a random prefix). */
  NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of [A-Za-z0-9_-]').optional(),
  /** JetStream stream holding the events (default `EQUIHOME`). */
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, `_` and `-`').default('EQUIHOME'),
} satisfies z.ZodRawShape;

export type FundServiceConfigShape = typeof fundServiceConfig;
