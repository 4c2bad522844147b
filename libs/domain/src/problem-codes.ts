/**
 * The problem codes one service answers and another relies on, declared once. Each app's
 * `errors.ts` turns these into throwable problems (platform's `defineProblem`) and documents
 * them in its OpenAPI; a caller (portfolio-service asking fund-service for a fund over NATS)
 * compares against the same constants instead of retyping strings.
 */
export interface ProblemSpec {
  readonly status: number;
  /** Stable machine-readable code, SCREAMING_SNAKE; the problem `type` is `urn:equihome:problem:<code>`. */
  readonly code: string;
  readonly title: string;
}

const spec = <const S extends number, const C extends string>(status: S, code: C, title: string) => ({ status, code, title }) as const;

/** Problems every resource API shares. */
export const CommonProblems = {
  /** 412: `If-Match` names a version that is no longer current (for every resource). */
  VersionMismatch: spec(412, 'VERSION_MISMATCH', 'Version mismatch'),
  /** 422: an `Idempotency-Key` replayed with a different request. */
  IdempotencyKeyReused: spec(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency key reused'),
} as const;

/** fund-service (HTTP `/api/funds` and `equihome.rpc.fund.get`). */
export const FundProblems = {
  FundNotFound: spec(404, 'FUND_NOT_FOUND', 'Fund not found'),
} as const;

/** portfolio-service (HTTP `/api/portfolios` and `equihome.rpc.portfolio.get`). */
export const PortfolioProblems = {
  PortfolioNotFound: spec(404, 'PORTFOLIO_NOT_FOUND', 'Portfolio not found'),
  /** 422: the fund's parameters cannot produce a portfolio (e.g. a fund too small for one loan). */
  FundNotGeneratable: spec(422, 'FUND_NOT_GENERATABLE', 'Fund cannot produce a portfolio'),
  /** 400: edited loans break the fund's rules (paths `loans.<i>.<field>`). */
  LoanRulesViolated: spec(400, 'LOAN_RULES_VIOLATED', 'Loans violate the fund rules'),
  /** 503: fund-service did not answer (no responders, timeout, NATS down); `Retry-After` set. */
  FundServiceUnavailable: spec(503, 'FUND_SERVICE_UNAVAILABLE', 'Fund service unavailable'),
  /** 502: fund-service answered with a server error or an invalid fund. */
  FundServiceError: spec(502, 'FUND_SERVICE_ERROR', 'Fund service error'),
} as const;
