import { PlatformProblems } from './platform-problems.js';
import { HttpProblem } from './problem.js';
import { defineProblem, type ProblemDefinition } from './problem-definition.js';

/**
 * Storage errors as RFC 9457 problems, WITHOUT depending on the storage library (a service
 * without a database, the realtime gateway, uses the platform too). A storage error is
 * recognised structurally — see `isStoreError` — by the contract of `@equihome/storage`'s
 * `StoreError`: an `Error` whose prototype chain has a constructor named `StoreError`
 * (`StoreError`, `NotFoundError`, `VersionConflictError`, `DuplicateError`), whose `code`
 * is one of `STORE_ERROR_CODES`, with `field` (string | undefined) and, for `NOT_FOUND`,
 * `id`; for `VERSION_CONFLICT`, `id`, `expectedVersion` and `currentVersion`.
 */

/** The `code`s of `@equihome/storage`'s `StoreError`. */
export const STORE_ERROR_CODES = ['NOT_FOUND', 'VERSION_CONFLICT', 'DUPLICATE', 'BAD_CURSOR', 'INVALID_ARGUMENT', 'UNAVAILABLE', 'MIGRATION_FAILED'] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/** The shape of a storage error that the mapping reads. */
export interface StoreErrorLike extends Error {
  code: StoreErrorCode;
  field?: string;
  id?: string;
  expectedVersion?: number;
  currentVersion?: number;
}

const CODES: ReadonlySet<string> = new Set(STORE_ERROR_CODES);

/** True when `err` is a storage error by the structural contract above. */
export function isStoreError(err: unknown): err is StoreErrorLike {
  if (!(err instanceof Error)) return false;
  const code: unknown = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string' || !CODES.has(code)) return false;
  for (let proto = Object.getPrototypeOf(err); proto !== null && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === 'StoreError') return true;
  }
  return false;
}

export interface ResourceProblemsOptions {
  /** Resource name in `detail`: `fund` → "fund 42 does not exist". */
  resource: string;
  /**
   * The 404 of this resource, from the service's catalogue (default
   * `defineProblem(404, '<RESOURCE>_NOT_FOUND', 'Not Found', 'no <resource> has this id')`).
   */
  notFound?: ProblemDefinition;
  /** `Retry-After` of the 503 `STORE_UNAVAILABLE`, seconds (default 5). */
  retryAfterSeconds?: number;
}

/** Problem builders and the storage-error mapping for one kind of stored resource. */
export interface ResourceProblems {
  /** The definitions it answers with, for `problemResponses(...)`: its 404, 412 `VERSION_MISMATCH`, 503 `STORE_UNAVAILABLE`. */
  readonly definitions: { notFound: ProblemDefinition; versionMismatch: ProblemDefinition; unavailable: ProblemDefinition };
  /** 404 `<RESOURCE>_NOT_FOUND`: "<resource> <id> does not exist". */
  notFound(id: string): HttpProblem;
  /** 412 `VERSION_MISMATCH`: "<resource> <id> is at version <current>, not <expected>". */
  versionMismatch(id: string, currentVersion: number, expectedVersion: number): HttpProblem;
  /**
   * Storage errors (recognised by `isStoreError`) as problems; any other value (an
   * `HttpProblem` included) is returned unchanged:
   * - `NOT_FOUND` → 404 (as above); `VERSION_CONFLICT` → 412 `VERSION_MISMATCH` (as above);
   * - `BAD_CURSOR` / `INVALID_ARGUMENT` → 400 `VALIDATION_FAILED`, one field error naming
   *   the field (`err.field`, else `cursor` / `query`), detail "invalid <field>: <message>";
   * - `UNAVAILABLE` → 503 `STORE_UNAVAILABLE` with `Retry-After`.
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
 * `resourceProblems({ resource: 'fund', notFound: FundNotFound })` → 404 `FUND_NOT_FOUND`,
 * 412 `VERSION_MISMATCH` (the same code for every resource).
 */
export function resourceProblems(options: ResourceProblemsOptions): ResourceProblems {
  const { resource } = options;
  const prefix = resource.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const NotFound = options.notFound ?? defineProblem(404, `${prefix}_NOT_FOUND`, undefined, `no ${resource} has this id`);
  if (NotFound.status !== 404) throw new TypeError(`resourceProblems: notFound must be a 404 definition, got ${NotFound.status} ${NotFound.code}`);
  const retryAfter = String(Math.max(0, Math.ceil(options.retryAfterSeconds ?? 5)));
  const { VersionMismatch, ValidationFailed, StoreUnavailable } = PlatformProblems;

  const problems: ResourceProblems = {
    definitions: { notFound: NotFound, versionMismatch: VersionMismatch, unavailable: StoreUnavailable },
    notFound: (id) => NotFound.create(`${resource} ${id} does not exist`),
    versionMismatch: (id, currentVersion, expectedVersion) =>
      VersionMismatch.create(`${resource} ${id} is at version ${currentVersion}, not ${expectedVersion}`),
    toProblem(err) {
      if (err instanceof HttpProblem || !isStoreError(err)) return err;
      switch (err.code) {
        case 'NOT_FOUND':
          return typeof err.id === 'string' ? problems.notFound(err.id) : NotFound.create(`${resource} does not exist`, { cause: err });
        case 'VERSION_CONFLICT':
          return typeof err.id === 'string' && typeof err.currentVersion === 'number' && typeof err.expectedVersion === 'number'
            ? problems.versionMismatch(err.id, err.currentVersion, err.expectedVersion)
            : VersionMismatch.create(`${resource}: ${err.message}`, { cause: err });
        case 'BAD_CURSOR':
        case 'INVALID_ARGUMENT': {
          const path = err.field ?? (err.code === 'BAD_CURSOR' ? 'cursor' : 'query');
          return ValidationFailed.create(`invalid ${path}: ${err.message}`, { errors: [{ path, message: err.message }], cause: err });
        }
        case 'UNAVAILABLE':
          return StoreUnavailable.create('the document store is not available', { headers: { 'retry-after': retryAfter }, cause: err });
        default:
          return err;
      }
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
