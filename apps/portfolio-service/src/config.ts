import { natsConfigShape } from '@equihome/messaging';
import { outboxConfigShape } from '@equihome/outbox';
import type { Config } from '@equihome/platform';
import { storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

/**
 * portfolio-service's environment on top of the platform's base config (PORT, LOG_LEVEL,
 * JWT_*, RATE_LIMIT_MAX, BODY_LIMIT_BYTES, TRUST_PROXY…): storage's `storageConfigShape`
 * (DATABASE_URL, DOCUMENT_STORE, MONGODB_URL, MONGODB_DB, DOCUMENT_COLLECTION_PREFIX — prefix
 * of the collection `<prefix>portfolios`), messaging's `natsConfigShape` (NATS_URL,
 * NATS_SUBJECT_PREFIX, NATS_STREAM), the outbox relay's `outboxConfigShape` and the
 * service's own. Durations in milliseconds. Parsed ONCE, in main.ts.
 */
export const portfolioServiceConfigShape = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  ...storageConfigShape,
  ...natsConfigShape,
  ...outboxConfigShape,
  /** Durable JetStream consumer of `equihome.fund.deleted` (replicas share it). */
  FUND_EVENTS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]+$/).default('portfolio-service-fund-deleted'),
  /** Timeout of the `equihome.rpc.fund.get` request to fund-service. */
  FUND_RPC_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(3_000),
} satisfies z.ZodRawShape;

export type PortfolioServiceConfig = Config<typeof portfolioServiceConfigShape>;
