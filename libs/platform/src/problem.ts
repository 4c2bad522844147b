import { Problem, PROBLEM_CONTENT_TYPE, problemType } from '@equihome/domain';
import type { z } from 'zod';

export { PROBLEM_CONTENT_TYPE, problemType };

/**
 * The RFC 9457 problem document as a zod schema (the domain `Problem`); routes declare it
 * through `problemResponses(...)`.
 */
export const ProblemSchema = Problem;
export type ProblemBody = z.infer<typeof Problem>;
export type ProblemFieldError = { path: string; message: string };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Standard reason phrase for an HTTP status (`Error` when unknown). */
export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}

export interface HttpProblemOptions {
  status: number;
  /** Stable machine-readable code, SCREAMING_SNAKE (`FUND_NOT_FOUND`). */
  code: string;
  detail?: string;
  title?: string;
  /** Extra reply headers (`Retry-After`, `WWW-Authenticate`, `ETag`…). */
  headers?: Record<string, string>;
  /** Field errors; `path` is dotted and relative to the request part (body, query…). */
  errors?: ProblemFieldError[];
  cause?: unknown;
}

/**
 * An error that becomes an `application/problem+json` reply with its status. Throw it from
 * any hook or handler — preferably built from a catalogue entry (`FundNotFound.create(…)`,
 * see `defineProblem`), so that every code is declared once; the helpers below are generic
 * fallbacks.
 */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  /** Alias of status, read by fastify. */
  readonly statusCode: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly errors: ProblemFieldError[] | undefined;

  constructor(options: HttpProblemOptions) {
    super(options.detail ?? options.title ?? statusTitle(options.status), options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.statusCode = options.status;
    this.code = options.code;
    this.title = options.title ?? statusTitle(options.status);
    this.detail = options.detail;
    this.headers = options.headers;
    this.errors = options.errors;
  }

  /** The problem document for this error; `instance` is the request path. */
  toProblem(instance?: string): ProblemBody {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(instance !== undefined ? { instance } : {}),
      code: this.code,
      ...(this.errors !== undefined ? { errors: this.errors } : {}),
    };
  }
}

/** 400 with field errors. */
export const badRequest = (detail: string, errors?: ProblemFieldError[], code = 'BAD_REQUEST') =>
  new HttpProblem({ status: 400, code, detail, errors });
/** 401 with `WWW-Authenticate: Bearer`. */
export const unauthorized = (detail: string, code = 'UNAUTHORIZED') =>
  new HttpProblem({
    status: 401,
    code,
    detail,
    headers: { 'www-authenticate': code === 'TOKEN_MISSING' ? 'Bearer realm="equihome"' : 'Bearer realm="equihome", error="invalid_token"' },
  });
export const forbidden = (detail: string, code = 'FORBIDDEN') => new HttpProblem({ status: 403, code, detail });
export const notFound = (detail: string, code = 'NOT_FOUND') => new HttpProblem({ status: 404, code, detail });
export const conflict = (detail: string, code = 'CONFLICT') => new HttpProblem({ status: 409, code, detail });
export const preconditionFailed = (detail: string, code = 'PRECONDITION_FAILED') => new HttpProblem({ status: 412, code, detail });
export const unprocessable = (detail: string, errors?: ProblemFieldError[], code = 'UNPROCESSABLE') =>
  new HttpProblem({ status: 422, code, detail, errors });
/** 503 with `Retry-After: <seconds>`. */
export const serviceUnavailable = (detail: string, retryAfterSeconds = 5, code = 'SERVICE_UNAVAILABLE') =>
  new HttpProblem({ status: 503, code, detail, headers: { 'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))) } });
