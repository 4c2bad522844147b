import { z } from 'zod';
import { documentStoreFromEnv, type DocumentStoreFactory } from './document-store-from-env.js';
import { DEFAULT_DATABASE_URL } from './postgres-pool.js';

/**
 * The environment variables of a service's storage, as a zod shape to merge into a
 * service's config (`createService({ config: { ...storageConfigShape, … } })`, platform's
 * `loadConfig`). Empty strings count as unset there.
 */
export const storageConfigShape = {
  /** PostgreSQL: documents (unless DOCUMENT_STORE=mongodb), migrations and the audit log. */
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  /** `postgresql` (default; `postgres` is the same) or `mongodb` (then MONGODB_URL is required). */
  DOCUMENT_STORE: z.enum(['postgresql', 'postgres', 'mongodb']).default('postgresql'),
  MONGODB_URL: z.string().min(1).optional(),
  /** Database when MONGODB_URL names none (default `equihome`). */
  MONGODB_DB: z.string().min(1).optional(),
  /** PEM CA of the PostgreSQL server (TLS: `sslmode=verify-full`, required in production; see tls.ts). */
  DATABASE_SSL_CA_FILE: z.string().min(1).optional(),
  /** PEM CA of the Redis server, for `rediss://` URLs (the certificate is always verified). */
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Prepended to the service's collection names (tests: a random `t<hex>_`). */
  DOCUMENT_COLLECTION_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'lower-case letter first, then [a-z0-9_], at most 41 characters')
    .optional(),
} satisfies z.ZodRawShape;

/** The parsed values of {@link storageConfigShape}. */
export interface StorageConfig {
  DATABASE_URL: string;
  DOCUMENT_STORE: 'postgresql' | 'postgres' | 'mongodb';
  MONGODB_URL?: string | undefined;
  MONGODB_DB?: string | undefined;
  DOCUMENT_COLLECTION_PREFIX?: string | undefined;
}

/** The document store the config names (see `documentStoreFromEnv`); call `migrate()` before use. */
export function documentStoreFromConfig(config: StorageConfig): DocumentStoreFactory {
  return documentStoreFromEnv({
    DOCUMENT_STORE: config.DOCUMENT_STORE,
    DATABASE_URL: config.DATABASE_URL,
    MONGODB_URL: config.MONGODB_URL,
    MONGODB_DB: config.MONGODB_DB,
  });
}
