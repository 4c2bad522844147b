import { FinanceInputError } from '@equihome/finance';
import { badRequest, HttpProblem, notFound, preconditionFailed, serviceUnavailable, unprocessable } from '@equihome/platform';
import { NotFoundError, StoreError, VersionConflictError } from '@equihome/storage';

/**
 * Maps the libraries' typed errors to problem+json replies; anything else is rethrown
 * unchanged (the platform answers 500 and logs it with the request id).
 * - storage: NOT_FOUND → 404, VERSION_CONFLICT → 412, BAD_CURSOR / INVALID_ARGUMENT → 400
 *   naming the field, UNAVAILABLE → 503 with Retry-After;
 * - finance: FinanceInputError (the fund cannot produce a portfolio) → 422 naming `fund.<field>`.
 */
export function toProblem(err: unknown): unknown {
  if (err instanceof HttpProblem) return err;
  if (err instanceof NotFoundError) return notFound(`portfolio ${err.id} does not exist`, 'PORTFOLIO_NOT_FOUND');
  if (err instanceof VersionConflictError) {
    return preconditionFailed(`portfolio ${err.id} is at version ${err.currentVersion}, not ${err.expectedVersion}`, 'VERSION_MISMATCH');
  }
  if (err instanceof StoreError && (err.code === 'BAD_CURSOR' || err.code === 'INVALID_ARGUMENT')) {
    return badRequest(err.message, [{ path: err.field ?? 'query', message: err.message }], err.code);
  }
  if (err instanceof StoreError && err.code === 'UNAVAILABLE') return serviceUnavailable('the document store is not available', 5, 'STORE_UNAVAILABLE');
  if (err instanceof FinanceInputError) {
    return unprocessable(`the fund cannot produce a portfolio: ${err.message}`, [{ path: `fund.${err.field}`, message: err.message }], 'FUND_NOT_GENERATABLE');
  }
  return err;
}

/** Runs `fn`, converting known library errors with {@link toProblem}. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProblem(err);
  }
}
