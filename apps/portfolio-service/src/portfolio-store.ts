import type { Loan, Portfolio, PortfolioMetrics } from '@equihome/domain';
import type { Doc, DocumentStore, DocumentStoreFactory } from '@equihome/storage';

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
 * number. Documents stored before this field existed lack it (see `list`). Not part of the
 * API `Portfolio`: `get`/`create`/`update` strip it.
 */
export interface StoredPortfolio extends PortfolioData {
  loan_count?: number;
}

/** A list item: the portfolio without its loans, with their number instead. */
export type PortfolioSummary = Omit<Portfolio, 'loans'> & { loan_count: number };

/** Top-level fields `list` leaves out of what it reads. */
export const LIST_OMIT = ['loans'] as const;

/**
 * Persistence of portfolios: one document per portfolio (loans included) in the
 * collection `<prefix>portfolios` of the document store (PostgreSQL JSONB or MongoDB).
 * Optimistic concurrency through `version`; errors are the storage library's typed
 * `StoreError`s (NotFoundError, VersionConflictError, BAD_CURSOR…).
 */
export class PortfolioStore {
  readonly docs: DocumentStore<StoredPortfolio>;

  constructor(factory: DocumentStoreFactory, collectionPrefix = '') {
    this.docs = factory.collection<StoredPortfolio>(`${collectionPrefix}portfolios`);
  }

  async get(id: string): Promise<Portfolio | null> {
    const doc = await this.docs.get(id);
    return doc === null ? null : toPortfolio(doc);
  }

  /**
   * Page of summaries ordered by id (creation order), optionally of one fund. Reads the
   * documents without `loans` (`omit`), taking the count from the stored `loan_count`. A
   * document stored before `loan_count` existed (dev databases only) is read once more in full
   * to count its loans, so its count is right too (0 if it was deleted in between).
   */
  async list(page: { limit: number; cursor?: string }, fundId?: string): Promise<{ items: PortfolioSummary[]; next_cursor: string | null }> {
    const filter = fundId === undefined ? undefined : { equals: { fund_id: fundId } };
    const result = await this.docs.list(page, filter, { omit: [...LIST_OMIT] });
    const items = await Promise.all(
      result.items.map(async (doc) => {
        const count = typeof doc.loan_count === 'number' ? doc.loan_count : await this.legacyLoanCount(doc.id);
        return summarize(doc, count);
      }),
    );
    return { items, next_cursor: result.next_cursor };
  }

  /** Creates once per `idempotencyKey`: a repeated key returns the first portfolio with `created: false`. */
  async create(data: PortfolioData, idempotencyKey?: string): Promise<{ portfolio: Portfolio; created: boolean }> {
    const { doc, created } = await this.docs.create(withCount(data), idempotencyKey === undefined ? {} : { idempotencyKey });
    return { portfolio: toPortfolio(doc), created };
  }

  /** Compare-and-set replace: VersionConflictError when `expectedVersion` is stale. */
  async update(id: string, data: PortfolioData, expectedVersion: number): Promise<Portfolio> {
    return toPortfolio(await this.docs.update(id, withCount(data), expectedVersion));
  }

  /** false when absent; VersionConflictError when `expectedVersion` is given and stale. */
  delete(id: string, expectedVersion?: number): Promise<boolean> {
    return this.docs.delete(id, expectedVersion);
  }

  /** Removes every portfolio of a fund; idempotent (a second call removes 0). */
  deleteByFund(fundId: string): Promise<number> {
    return this.docs.deleteWhere({ equals: { fund_id: fundId } });
  }

  private async legacyLoanCount(id: string): Promise<number> {
    const full = await this.docs.get(id);
    return Array.isArray(full?.loans) ? full.loans.length : 0;
  }
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

/** A list item from a document read without its loans (any `loans` present is dropped too). */
export function summarize(doc: Omit<Doc<StoredPortfolio>, 'loans'> & { loans?: unknown }, loanCount: number): PortfolioSummary {
  const { loans: _loans, loan_count: _stored, ...rest } = doc;
  return { ...rest, loan_count: loanCount } as PortfolioSummary;
}
