import type { Loan, Portfolio, PortfolioMetrics } from '@equihome/domain';
import type { Doc, DocumentStore } from '@equihome/storage';
import { portfolioProblems } from './errors.js';

/** The collection portfolios live in (after DOCUMENT_COLLECTION_PREFIX). */
export const PORTFOLIOS_COLLECTION = 'portfolios';

/** What a caller hands the store per portfolio; the store adds `id`, `version`, `created_at`, `updated_at`. */
export interface PortfolioData {
  fund_id: string;
  /** Version of the fund the portfolio was generated from (or last edited against). */
  fund_version?: number;
  /** uint32 seed of the generator (absent never: generate always records it). */
  seed?: number;
  loans: Loan[];
  metrics: PortfolioMetrics;
}

/**
 * What is stored: the data plus `loan_count` = `loans.length`, written by `create`/`update`
 * so that `list` can skip the loans (up to ~2.4 MB per portfolio) and still report their
 * number. Not part of the API `Portfolio`: `get`/`create`/`update` strip it.
 */
export interface StoredPortfolio extends PortfolioData {
  loan_count?: number;
}

/** A list item: the portfolio without its loans, with their number instead. */
export type PortfolioSummary = Omit<Portfolio, 'loans'> & { loan_count: number };

/** Top-level fields `list` leaves out of what it reads. */
export const LIST_OMIT = ['loans'] as const;

/** Ids of one fund's portfolios read per page by `idsOfFund`. */
const ID_PAGE = 500;

/**
 * Persistence of portfolios over one document-store collection — the service's own, or the
 * same collection bound to a change's transaction (`tx.collection(…)`). One document per
 * portfolio (loans included), optimistic concurrency through `version`. Failures a caller
 * can cause are `HttpProblem`s (404 PORTFOLIO_NOT_FOUND, 412 VERSION_MISMATCH, 400 bad cursor,
 * 503 STORE_UNAVAILABLE).
 */
export interface PortfolioStore {
  /** The portfolio, or 404. */
  get(id: string): Promise<Portfolio>;
  /** Page of summaries (no loans) in creation order, optionally of one fund. */
  list(page: { limit: number; cursor?: string }, fundId?: string): Promise<{ items: PortfolioSummary[]; next_cursor: string | null }>;
  /** Creates once per `idempotencyKey`: a repeated key returns the first portfolio with `created: false`. */
  create(data: PortfolioData, idempotencyKey?: string): Promise<{ portfolio: Portfolio; created: boolean }>;
  /** Compare-and-set replace of version `expectedVersion`: stale → 412, absent → 404. */
  update(id: string, data: PortfolioData, expectedVersion: number): Promise<Portfolio>;
  /** Deletes version `expectedVersion`: stale → 412, absent → 404. */
  delete(id: string, expectedVersion: number): Promise<void>;
  /** Ids of every portfolio of a fund. */
  idsOfFund(fundId: string): Promise<string[]>;
  /** Removes every portfolio of a fund; idempotent (a second call removes 0). */
  deleteByFund(fundId: string): Promise<number>;
}

export function createPortfolioStore(docs: DocumentStore<StoredPortfolio>): PortfolioStore {
  const guard = portfolioProblems.guard;
  return {
    async get(id) {
      const doc = await guard(() => docs.get(id));
      if (doc === null) throw portfolioProblems.notFound(id);
      return toPortfolio(doc);
    },

    async list(page, fundId) {
      const filter = fundId === undefined ? undefined : { equals: { fund_id: fundId } };
      const result = await guard(() => docs.list(page, filter, { omit: [...LIST_OMIT] }));
      // A document stored before `loan_count` existed (dev databases only) is read in full to count its loans.
      const items = await Promise.all(
        result.items.map(async (doc) => (typeof doc.loan_count === 'number' ? summarize(doc, doc.loan_count) : summarize(doc, (await guard(() => docs.get(doc.id)))?.loans.length ?? 0))),
      );
      return { items, next_cursor: result.next_cursor };
    },

    async create(data, idempotencyKey) {
      const { doc, created } = await guard(() => docs.create(withCount(data), idempotencyKey === undefined ? {} : { idempotencyKey }));
      return { portfolio: toPortfolio(doc), created };
    },

    async update(id, data, expectedVersion) {
      return toPortfolio(await guard(() => docs.update(id, withCount(data), expectedVersion)));
    },

    async delete(id, expectedVersion) {
      const deleted = await guard(() => docs.delete(id, expectedVersion));
      if (!deleted) throw portfolioProblems.notFound(id);
    },

    async idsOfFund(fundId) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await guard(() => docs.list({ limit: ID_PAGE, ...(cursor ? { cursor } : {}) }, { equals: { fund_id: fundId } }, { omit: ['loans', 'metrics'] }));
        ids.push(...page.items.map((d) => d.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
      return ids;
    },

    deleteByFund: (fundId) => guard(() => docs.deleteWhere({ equals: { fund_id: fundId } })),
  };
}

/** The stored shape of `data`: any caller-supplied `loan_count` is replaced by the real count. */
function withCount(data: PortfolioData): StoredPortfolio {
  const { loan_count: _ignored, ...rest } = data as StoredPortfolio;
  return { ...rest, loan_count: data.loans.length };
}

/** The API `Portfolio`: the stored document without the storage-only `loan_count`. */
function toPortfolio(doc: Doc<StoredPortfolio>): Portfolio {
  const { loan_count: _count, ...portfolio } = doc;
  return portfolio as Portfolio;
}

/** A list item from a document read without its loans. */
function summarize(doc: Omit<Doc<StoredPortfolio>, 'loans'> & { loans?: unknown }, loanCount: number): PortfolioSummary {
  const { loans: _loans, loan_count: _stored, ...rest } = doc;
  return { ...rest, loan_count: loanCount } as PortfolioSummary;
}
