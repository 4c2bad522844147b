import { FinanceInputError } from '@equihome/finance';
import { resourceProblems, unprocessable } from '@equihome/platform';

/** Portfolio problems: 404 `PORTFOLIO_NOT_FOUND`, 412 `VERSION_MISMATCH`, storage errors mapped by platform. */
export const portfolioProblems = resourceProblems({ resource: 'portfolio', notFoundCode: 'PORTFOLIO_NOT_FOUND', versionMismatchCode: 'VERSION_MISMATCH' });

/**
 * Maps the libraries' typed errors to problem+json replies; anything else is rethrown
 * unchanged (the platform answers 500 and logs it with the request id).
 * - storage (platform's `resourceProblems`): NOT_FOUND → 404, VERSION_CONFLICT → 412,
 *   BAD_CURSOR / INVALID_ARGUMENT → 400 naming the field, UNAVAILABLE → 503
 *   `STORE_UNAVAILABLE` with Retry-After;
 * - finance: FinanceInputError (the fund cannot produce a portfolio) → 422 naming `fund.<field>`.
 */
export function toProblem(err: unknown): unknown {
  if (err instanceof FinanceInputError) {
    return unprocessable(`the fund cannot produce a portfolio: ${err.message}`, [{ path: `fund.${err.field}`, message: err.message }], 'FUND_NOT_GENERATABLE');
  }
  return portfolioProblems.toProblem(err);
}

/** Runs `fn`, converting known library errors with {@link toProblem}. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProblem(err);
  }
}
