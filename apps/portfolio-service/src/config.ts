import { z } from 'zod';

/**
 * Environment variables of portfolio-service on top of the platform's base config (PORT,
 * LOG_LEVEL, JWT_*, BODY_LIMIT_BYTES…). Durations in milliseconds.
 */
export const portfolioConfigShape = {
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** PostgreSQL: documents (when DOCUMENT_STORE=postgresql) and the audit log. */
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/equihome'),
  DOCUMENT_STORE: z.enum(['postgresql', 'postgres', 'mongodb']).default('postgresql'),
  MONGODB_URL: z.string().min(1).optional(),
  MONGODB_DB: z.string().min(1).optional(),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Replaces the `equihome` subject root on the wire (tests: a random prefix). */
  NATS_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).optional(),
  /** JetStream stream holding the events (default `EQUIHOME`). */
  NATS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('EQUIHOME'),
  /** Prefix of the document collection name (`<prefix>portfolios`); tests use a random one. */
  DOCUMENT_COLLECTION_PREFIX: z.string().regex(/^([a-z][a-z0-9_]{0,40})?$/).default(''),
  /** Durable JetStream consumer of `equihome.fund.deleted` (replicas share it). */
  FUND_EVENTS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]+$/).default('portfolio-service-fund-deleted'),
  /** Timeout of the `equihome.rpc.fund.get` request to fund-service. */
  FUND_RPC_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(3_000),
};
export type PortfolioConfigShape = typeof portfolioConfigShape;
