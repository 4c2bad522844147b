import type { Fund, FundListQuery, FundParameters } from '@equihome/domain';
import { resourceProblems } from '@equihome/platform';
import { VersionConflictError, type DocumentFilter, type DocumentStore } from '@equihome/storage';

/** The collection funds live in (after the optional test prefix). */
export const FUNDS_COLLECTION = 'funds';

export interface FundPage {
  items: Fund[];
  /** Opaque; `null` on the last page. */
  next_cursor: string | null;
}

/**
 * fund-service's persistence. Every failure a caller can cause is an `HttpProblem`
 * (`FUND_NOT_FOUND` 404, `FUND_VERSION_MISMATCH` 412, `BAD_CURSOR` 400), so the HTTP
 * routes and the NATS responder answer it unchanged.
 */
export interface FundStore {
  /** The fund, or 404 `FUND_NOT_FOUND`. */
  get(id: string): Promise<Fund>;
  /** Funds in creation order (UUIDv7 ids), filtered by exact `type`/`vintage_year` and case-insensitive `q` in the name. */
  list(query: FundListQuery): Promise<FundPage>;
  /** Creates a fund (version 1); with `idempotencyKey`, a repeated call returns the first fund with `created: false`. */
  create(params: FundParameters, options?: { idempotencyKey?: string }): Promise<{ fund: Fund; created: boolean }>;
  /**
   * Replaces the parameters (version + 1). `expectedVersion` given and stale → 412; absent →
   * applies to the current version.
   */
  update(id: string, params: FundParameters, expectedVersion?: number): Promise<Fund>;
  /** Deletes the fund; 404 when absent, 412 when `expectedVersion` is given and stale. */
  delete(id: string, expectedVersion?: number): Promise<void>;
}

/** Attempts of an unconditional update (no If-Match) when concurrent writers keep bumping the version. */
const UNCONDITIONAL_ATTEMPTS = 5;

/**
 * Storage errors → problems: 404 `FUND_NOT_FOUND`, 412 `FUND_VERSION_MISMATCH`, a bad cursor or
 * filter → 400 naming the field.
 */
const problems = resourceProblems({ resource: 'fund', notFoundCode: 'FUND_NOT_FOUND', versionMismatchCode: 'FUND_VERSION_MISMATCH' });

/** The `FundStore` over a document-store collection (PostgreSQL JSONB or MongoDB). */
export function createFundStore(documents: DocumentStore<FundParameters>): FundStore {
  return {
    async get(id) {
      const doc = await documents.get(id).catch(problems.rethrow);
      if (doc === null) throw problems.notFound(id);
      return doc;
    },

    async list({ limit, cursor, type, vintage_year, q }) {
      const equals: Record<string, string | number> = {};
      if (type !== undefined) equals.type = type;
      if (vintage_year !== undefined) equals.vintage_year = vintage_year;
      const filter: DocumentFilter = { equals, ...(q !== undefined ? { contains: { field: 'name', text: q } } : {}) };
      return documents.list({ limit, ...(cursor !== undefined ? { cursor } : {}) }, filter).catch(problems.rethrow);
    },

    async create(params, options = {}) {
      const { doc, created } = await documents
        .create(params, options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {})
        .catch(problems.rethrow);
      return { fund: doc, created };
    },

    async update(id, params, expectedVersion) {
      for (let attempt = 1; ; attempt++) {
        const version = expectedVersion ?? (await this.get(id)).version;
        try {
          return await documents.update(id, params, version);
        } catch (err) {
          // Without If-Match, a concurrent writer's bump is retried on the new version.
          const retry = err instanceof VersionConflictError && expectedVersion === undefined && attempt < UNCONDITIONAL_ATTEMPTS;
          if (!retry) problems.rethrow(err);
        }
      }
    },

    async delete(id, expectedVersion) {
      const deleted = await documents.delete(id, expectedVersion).catch(problems.rethrow);
      if (!deleted) throw problems.notFound(id);
    },
  };
}
