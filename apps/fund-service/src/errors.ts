/**
 * fund-service's catalogue of problems (besides the platform's: VALIDATION_FAILED,
 * TOKEN_*, ROLE_TOO_LOW, RATE_LIMITED, VERSION_MISMATCH, STORE_UNAVAILABLE…). The codes
 * other services rely on come from the domain lib (`FundProblems`), so a caller such as
 * portfolio-service compares against the same constants.
 */
import { CommonProblems, FundProblems } from '@equihome/domain';
import { defineProblem, resourceProblems } from '@equihome/platform';

/** 404: no fund has this id (HTTP and `equihome.rpc.fund.get`). */
export const FundNotFound = defineProblem(FundProblems.FundNotFound.status, FundProblems.FundNotFound.code, FundProblems.FundNotFound.title, 'no fund has this id');

/** 422: a retried create sent another body under the same Idempotency-Key. */
export const IdempotencyKeyReused = defineProblem(
  CommonProblems.IdempotencyKeyReused.status,
  CommonProblems.IdempotencyKeyReused.code,
  CommonProblems.IdempotencyKeyReused.title,
  'the Idempotency-Key was first used with a different body',
);

/** Storage errors of funds as problems: 404 FUND_NOT_FOUND, 412 VERSION_MISMATCH, 400 for a bad cursor, 503 STORE_UNAVAILABLE. */
export const fundProblems = resourceProblems({ resource: 'fund', notFound: FundNotFound });
