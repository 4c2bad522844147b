import { natsConfigShape } from '@equihome/messaging';
import { storageConfigShape } from '@equihome/storage';
import { z } from 'zod';

/**
 * Environment variables of portfolio-service on top of the platform's base config (PORT,
 * LOG_LEVEL, JWT_*, BODY_LIMIT_BYTES…): storage's `storageConfigShape` (DATABASE_URL,
 * DOCUMENT_STORE, MONGODB_URL, MONGODB_DB, DOCUMENT_COLLECTION_PREFIX — prefix of the
 * collection `<prefix>portfolios`), messaging's `natsConfigShape` (NATS_URL,
 * NATS_SUBJECT_PREFIX, NATS_STREAM) and the service's own. Durations in milliseconds.
 */
export const portfolioConfigShape = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  ...storageConfigShape,
  ...natsConfigShape,
  /** Durable JetStream consumer of `equihome.fund.deleted` (replicas share it). */
  FUND_EVENTS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]+$/).default('portfolio-service-fund-deleted'),
  /** Timeout of the `equihome.rpc.fund.get` request to fund-service. */
  FUND_RPC_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(3_000),
};
export type PortfolioConfigShape = typeof portfolioConfigShape;
