import { NotFoundError, StoreError, VersionConflictError } from '@equihome/storage';
import { badRequest, HttpProblem, notFound, preconditionFailed, serviceUnavailable } from './problem.js';

export interface ResourceProblemsOptions {
  /** Resource name in `detail`: `fund` → "fund 42 does not exist". */
  resource: string;
  /** Code of the 404 (default `<RESOURCE>_NOT_FOUND`, e.g. `FUND_NOT_FOUND`). */
  notFoundCode?: string;
  /** Code of the 412 for a stale version (default `<RESOURCE>_VERSION_MISMATCH`). */
  versionMismatchCode?: string;
  /** Code of the 503 when the store is unavailable (default `STORE_UNAVAILABLE`). */
  unavailableCode?: string;
  /** `Retry-After` of that 503, seconds (default 5). */
  retryAfterSeconds?: number;
}

/** Problem builders and the storage-error mapping for one kind of stored resource. */
export interface ResourceProblems {
  /** 404 `notFoundCode`: "<resource> <id> does not exist". */
  notFound(id: string): HttpProblem;
  /** 412 `versionMismatchCode`: "<resource> <id> is at version <current>, not <expected>". */
  versionMismatch(id: string, currentVersion: number, expectedVersion: number): HttpProblem;
  /**
   * The storage library's typed errors as problems; any other value (an `HttpProblem`
   * included) is returned unchanged:
   * - `NotFoundError` → 404; `VersionConflictError` → 412 (as above);
   * - `BAD_CURSOR` / `INVALID_ARGUMENT` → 400 with that code, one field error naming the
   *   field (`err.field`, else `cursor` / `query`), detail "invalid <field>: <message>";
   * - `UNAVAILABLE` → 503 `unavailableCode` with `Retry-After`.
   * `DUPLICATE` and `MIGRATION_FAILED` are not a client's doing: returned unchanged (→ 500).
   */
  toProblem(err: unknown): unknown;
  /** Throws `toProblem(err)`; for `.catch(problems.rethrow)`. */
  rethrow(err: unknown): never;
  /** Runs `fn`, rethrowing what it throws through `toProblem`. */
  guard<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Maps storage errors to RFC 9457 problems for one resource, e.g.
 * `resourceProblems({ resource: 'fund' })` → 404 `FUND_NOT_FOUND`, 412 `FUND_VERSION_MISMATCH`.
 */
export function resourceProblems(options: ResourceProblemsOptions): ResourceProblems {
  const { resource } = options;
  const prefix = resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const notFoundCode = options.notFoundCode ?? `${prefix}_NOT_FOUND`;
  const versionMismatchCode = options.versionMismatchCode ?? `${prefix}_VERSION_MISMATCH`;
  const unavailableCode = options.unavailableCode ?? 'STORE_UNAVAILABLE';
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;

  const problems: ResourceProblems = {
    notFound: (id) => notFound(`${resource} ${id} does not exist`, notFoundCode),
    versionMismatch: (id, currentVersion, expectedVersion) =>
      preconditionFailed(`${resource} ${id} is at version ${currentVersion}, not ${expectedVersion}`, versionMismatchCode),
    toProblem(err) {
      if (err instanceof HttpProblem || !(err instanceof StoreError)) return err;
      if (err instanceof NotFoundError) return problems.notFound(err.id);
      if (err instanceof VersionConflictError) return problems.versionMismatch(err.id, err.currentVersion, err.expectedVersion);
      if (err.code === 'BAD_CURSOR' || err.code === 'INVALID_ARGUMENT') {
        const path = err.field ?? (err.code === 'BAD_CURSOR' ? 'cursor' : 'query');
        return badRequest(`invalid ${path}: ${err.message}`, [{ path, message: err.message }], err.code);
      }
      if (err.code === 'UNAVAILABLE') return serviceUnavailable('the document store is not available', retryAfterSeconds, unavailableCode);
      return err;
    },
    rethrow(err) {
      throw problems.toProblem(err);
    },
    async guard(fn) {
      try {
        return await fn();
      } catch (err) {
        throw problems.toProblem(err);
      }
    },
  };
  return problems;
}
