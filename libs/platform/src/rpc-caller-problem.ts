import type { ProblemDefinition } from './problem-definition.js';
import { PlatformProblems } from './platform-problems.js';

/** What libs/messaging's `classifyRpcFailure` says of a failed RPC (structurally: platform does not import messaging). */
export interface RpcFailureLike {
  kind: 'not_found' | 'invalid' | 'unavailable' | 'broken';
  detail: string;
}

export interface RpcCallee {
  /** `fund-service` */
  service: string;
  /** What its ids name (`fund`): the 404 says `no fund has this id`. */
  resource: string;
  /** The caller's 404 of that resource (`FUND_NOT_FOUND`). */
  notFound: ProblemDefinition;
  /** 503 (`FUND_SERVICE_UNAVAILABLE`): sent with Retry-After. */
  unavailable: ProblemDefinition;
  /** 502 (`FUND_SERVICE_ERROR`). */
  broken: ProblemDefinition;
}

/**
 * A failed RPC as the caller's HTTP problem, naming `field` (the request field that carried
 * `id`): not_found → `notFound` (404), invalid → 400 VALIDATION_FAILED, unavailable →
 * `unavailable` with `Retry-After: retryAfterS`, broken → `broken`. `failure` null (not a
 * messaging error) → `err` unchanged.
 */
export function rpcCallerProblem(err: unknown, failure: RpcFailureLike | null, callee: RpcCallee, ref: { id: string; field: string; retryAfterS?: number }): unknown {
  if (failure === null) return err;
  const { id, field } = ref;
  switch (failure.kind) {
    case 'not_found':
      return callee.notFound.create(`${field} ${id} does not exist`, { errors: [{ path: field, message: `no ${callee.resource} has this id` }], cause: err });
    case 'invalid':
      return PlatformProblems.ValidationFailed.create(`invalid ${field}: ${failure.detail}`, { errors: [{ path: field, message: failure.detail }], cause: err });
    case 'unavailable':
      return callee.unavailable.create(failure.detail, { headers: { 'retry-after': String(ref.retryAfterS ?? 5) }, cause: err });
    case 'broken':
      return callee.broken.create(failure.detail, { cause: err });
  }
}
