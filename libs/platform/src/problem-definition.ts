import { HttpProblem, problemType, statusTitle, type ProblemFieldError } from './problem.js';

/**
 * Error catalogues: every problem a service answers is declared ONCE, as a definition
 * (`FundNotFound = defineProblem(404, 'FUND_NOT_FOUND', 'Not Found', 'no fund has this id')`),
 * and that definition is used three ways:
 * - to throw: `throw FundNotFound.create('fund 42 does not exist')`;
 * - in route schemas: `response: { 200: Fund, ...problemResponses(FundNotFound, 401) }`, so
 *   OpenAPI lists the codes of each error response;
 * - by callers comparing codes: `FundNotFound.is(reply)` or `reply.code === FundNotFound.code`.
 * The problem `type` of a code is `problemType(code)`: `urn:equihome:problem:fund-not-found`.
 */

/** What one occurrence adds to its definition. */
export interface ProblemCreateOptions {
  /** Field errors; `path` is dotted and relative to the request part (body, query…). */
  errors?: ProblemFieldError[];
  /** Extra reply headers (`Retry-After`, `WWW-Authenticate`, `ETag`…). */
  headers?: Record<string, string>;
  /** The underlying error (logged for 5xx, never sent). */
  cause?: unknown;
}

/** One entry of an error catalogue (see `defineProblem`). */
export interface ProblemDefinition<C extends string = string, S extends number = number> {
  /** HTTP status, 400–599. */
  readonly status: S;
  /** Stable machine-readable code, SCREAMING_SNAKE: `FUND_NOT_FOUND`. */
  readonly code: C;
  /** RFC 9457 `title`: the same for every occurrence (default: the status phrase, `Not Found`). */
  readonly title: string;
  /** RFC 9457 `type` URI: `urn:equihome:problem:fund-not-found`. */
  readonly type: string;
  /** When this problem occurs, for OpenAPI (`no fund has this id`). */
  readonly description: string | undefined;
  /** A new `HttpProblem` of this kind; `detail` explains this occurrence. */
  create(detail?: string, options?: ProblemCreateOptions): HttpProblem;
  /**
   * True when `value` is an object whose `code` is this code: an `HttpProblem`, a parsed
   * problem+json body, an RPC error reply.
   */
  is(value: unknown): boolean;
}

const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * Declares a problem: `defineProblem(404, 'FUND_NOT_FOUND', 'Not Found', 'no fund has this id')`.
 * `title` defaults to the status phrase. Throws `TypeError` for a status outside 400–599 or a
 * code that is not SCREAMING_SNAKE.
 */
export function defineProblem<const S extends number, const C extends string>(
  status: S,
  code: C,
  title?: string,
  description?: string,
): ProblemDefinition<C, S> {
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`defineProblem: status must be an integer from 400 to 599, got ${status}`);
  if (!CODE.test(code)) throw new TypeError(`defineProblem: code must be SCREAMING_SNAKE (FUND_NOT_FOUND), got "${code}"`);
  const resolvedTitle = title ?? statusTitle(status);
  return Object.freeze({
    status,
    code,
    title: resolvedTitle,
    type: problemType(code),
    description,
    create: (detail?: string, options: ProblemCreateOptions = {}) =>
      new HttpProblem({ status, code, title: resolvedTitle, detail, errors: options.errors, headers: options.headers, cause: options.cause }),
    is: (value: unknown) => typeof value === 'object' && value !== null && (value as { code?: unknown }).code === code,
  });
}
