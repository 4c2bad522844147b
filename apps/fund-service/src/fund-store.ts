import type { Fund, FundListQuery, FundParameters } from '@equihome/domain';
import type { DocumentFilter, DocumentStore } from '@equihome/storage';
import { fundProblems } from './errors.js';

/** The collection funds live in (after DOCUMENT_COLLECTION_PREFIX). */
export const FUNDS_COLLECTION = 'funds';

export interface FundPage {
  items: Fund[];
  /** Opaque; `null` on the last page. */
  next_cursor: string | null;
}

/**
 * fund-service's persistence over one document-store collection — the service's own, or the
 * same collection bound to a transaction (`tx.collection(…)`), so reads and writes of a
 * change commit together with its audit entry and event. Every failure a caller can cause is
 * an `HttpProblem` (404 FUND_NOT_FOUND, 412 VERSION_MISMATCH, 400 for a bad cursor), so the
 * HTTP routes and the NATS responder answer it unchanged.
 */
export interface FundStore {
  /** The fund, or 404 `FUND_NOT_FOUND`. */
  get(id: string): Promise<Fund>;
  /** Funds in creation order (UUIDv7 ids), filtered by exact `type`/`vintage_year` and case-insensitive `q` in the name. */
  list(query: FundListQuery): Promise<FundPage>;
  /** Creates a fund (version 1); with `idempotencyKey`, a repeated call returns the first fund with `created: false`. */
  create(params: FundParameters, idempotencyKey?: string): Promise<{ fund: Fund; created: boolean }>;
  /** Replaces the parameters of version `expectedVersion` (version + 1); stale → 412, absent → 404. */
  update(id: string, params: FundParameters, expectedVersion: number): Promise<Fund>;
  /** Deletes version `expectedVersion` of the fund; stale → 412, absent → 404. */
  delete(id: string, expectedVersion: number): Promise<void>;
}

export function createFundStore(documents: DocumentStore<FundParameters>): FundStore {
  return {
    async get(id) {
      const doc = await documents.get(id).catch(fundProblems.rethrow);
      if (doc === null) throw fundProblems.notFound(id);
      return doc;
    },

    async list({ limit, cursor, type, vintage_year, q }) {
      const equals: Record<string, string | number> = {};
      if (type !== undefined) equals.type = type;
      if (vintage_year !== undefined) equals.vintage_year = vintage_year;
      const filter: DocumentFilter = { equals, ...(q !== undefined ? { contains: { field: 'name', text: q } } : {}) };
      return documents.list({ limit, ...(cursor !== undefined ? { cursor } : {}) }, filter).catch(fundProblems.rethrow);
    },

    async create(params, idempotencyKey) {
      const { doc, created } = await documents.create(params, idempotencyKey === undefined ? {} : { idempotencyKey }).catch(fundProblems.rethrow);
      return { fund: doc, created };
    },

    async update(id, params, expectedVersion) {
      return documents.update(id, params, expectedVersion).catch(fundProblems.rethrow);
    },

    async delete(id, expectedVersion) {
      const deleted = await documents.delete(id, expectedVersion).catch(fundProblems.rethrow);
      if (!deleted) throw fundProblems.notFound(id);
    },
  };
}
