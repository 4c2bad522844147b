import type { Loan, Portfolio, PortfolioMetrics } from '@equihome/domain';
import type { DocumentStore, DocumentStoreFactory, Page } from '@equihome/storage';

/** What is stored per portfolio; the store adds `id`, `version`, `created_at`, `updated_at`. */
export interface PortfolioData {
  fund_id: string;
  /** Version of the fund the portfolio was generated from (or last edited against). */
  fund_version?: number;
  /** uint32 seed of the generator (absent never: generate always records it). */
  seed?: number;
  loans: Loan[];
  metrics: PortfolioMetrics;
}

/** A list item: the portfolio without its loans, with their number instead. */
export type PortfolioSummary = Omit<Portfolio, 'loans'> & { loan_count: number };

/**
 * Persistence of portfolios: one document per portfolio (loans included) in the
 * collection `<prefix>portfolios` of the document store (PostgreSQL JSONB or MongoDB).
 * Optimistic concurrency through `version`; errors are the storage library's typed
 * `StoreError`s (NotFoundError, VersionConflictError, BAD_CURSOR…).
 */
export class PortfolioStore {
  readonly docs: DocumentStore<PortfolioData>;

  constructor(factory: DocumentStoreFactory, collectionPrefix = '') {
    this.docs = factory.collection<PortfolioData>(`${collectionPrefix}portfolios`);
  }

  async get(id: string): Promise<Portfolio | null> {
    return (await this.docs.get(id)) as Portfolio | null;
  }

  /** Page of summaries ordered by id (creation order), optionally of one fund. */
  async list(page: { limit: number; cursor?: string }, fundId?: string): Promise<{ items: PortfolioSummary[]; next_cursor: string | null }> {
    const result: Page<PortfolioData> = await this.docs.list(page, fundId === undefined ? undefined : { equals: { fund_id: fundId } });
    return { items: result.items.map(summarize), next_cursor: result.next_cursor };
  }

  /** Creates once per `idempotencyKey`: a repeated key returns the first portfolio with `created: false`. */
  async create(data: PortfolioData, idempotencyKey?: string): Promise<{ portfolio: Portfolio; created: boolean }> {
    const { doc, created } = await this.docs.create(data, idempotencyKey === undefined ? {} : { idempotencyKey });
    return { portfolio: doc as Portfolio, created };
  }

  /** Compare-and-set replace: VersionConflictError when `expectedVersion` is stale. */
  async update(id: string, data: PortfolioData, expectedVersion: number): Promise<Portfolio> {
    return (await this.docs.update(id, data, expectedVersion)) as Portfolio;
  }

  /** false when absent; VersionConflictError when `expectedVersion` is given and stale. */
  delete(id: string, expectedVersion?: number): Promise<boolean> {
    return this.docs.delete(id, expectedVersion);
  }

  /** Removes every portfolio of a fund; idempotent (a second call removes 0). */
  deleteByFund(fundId: string): Promise<number> {
    return this.docs.deleteWhere({ equals: { fund_id: fundId } });
  }
}

export function summarize(p: PortfolioData & { id: string; version: number; created_at: string; updated_at: string }): PortfolioSummary {
  const { loans, ...rest } = p;
  return { ...rest, loan_count: loans.length };
}
