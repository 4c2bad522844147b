/**
 * portfolio-service's catalogue of problems (besides the platform's: VALIDATION_FAILED,
 * TOKEN_*, ROLE_TOO_LOW, VERSION_MISMATCH, STORE_UNAVAILABLE…). Codes other services rely on
 * come from the domain lib; fund-service's FUND_NOT_FOUND is the one fund-service declares
 * (`FundProblems`), so a missing fund reads the same through either service.
 */
import { CommonProblems, FundProblems, PortfolioProblems } from '@equihome/domain';
import { defineProblem, resourceProblems } from '@equihome/platform';

const define = (spec: { status: number; code: string; title: string }, description: string) => defineProblem(spec.status, spec.code, spec.title, description);

export const PortfolioNotFound = define(PortfolioProblems.PortfolioNotFound, 'no portfolio has this id');
/** 404 for the fund a request names (answered by fund-service). */
export const FundNotFound = define(FundProblems.FundNotFound, 'fund-service has no fund with this id');
export const FundNotGeneratable = define(PortfolioProblems.FundNotGeneratable, "the fund's parameters cannot produce a portfolio");
export const LoanRulesViolated = define(PortfolioProblems.LoanRulesViolated, "edited loans break the fund's rules; `errors` names each loan field");
export const FundServiceUnavailable = define(PortfolioProblems.FundServiceUnavailable, 'fund-service did not answer (no responders, timeout, NATS down); see Retry-After');
export const FundServiceError = define(PortfolioProblems.FundServiceError, 'fund-service answered with a server error or an invalid fund');
export const IdempotencyKeyReused = define(CommonProblems.IdempotencyKeyReused, 'the Idempotency-Key was first used with another fund_id or seed');

/** Storage errors of portfolios as problems: 404 PORTFOLIO_NOT_FOUND, 412 VERSION_MISMATCH, 400 for a bad cursor, 503 STORE_UNAVAILABLE. */
export const portfolioProblems = resourceProblems({ resource: 'portfolio', notFound: PortfolioNotFound });
