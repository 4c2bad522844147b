import { MessagingError, MessagingValidationError, RpcNoRespondersError, RpcRemoteError, RpcTimeoutError } from './errors.js';

/**
 * What a failed RPC means for the CALLER, whatever the callee: the one rule every service
 * uses (its HTTP problems come from it through platform's `rpcCallerProblem`):
 * - `not_found`: the callee answered 404 — the caller's 404 of that resource;
 * - `invalid`: another 4xx, or our own request failed its schema (a malformed id) — the
 *   caller's 400 naming the field that carried it;
 * - `unavailable`: no responder, a timeout, NATS down — 503 with Retry-After (bounded by the
 *   timeout, never a hang);
 * - `broken`: the callee answered 5xx or a reply that fails its schema — 502.
 * Anything that is not a messaging error is `null` (a bug: let it surface as it is).
 */
export type RpcFailure =
  | { kind: 'not_found'; detail: string; status: 404 }
  | { kind: 'invalid'; detail: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'broken'; detail: string };

export function classifyRpcFailure(err: unknown, callee: string): RpcFailure | null {
  if (err instanceof RpcRemoteError && err.status === 404) return { kind: 'not_found', detail: err.problem.detail ?? `${callee} has no such resource`, status: 404 };
  if (err instanceof RpcRemoteError && err.status >= 400 && err.status < 500) return { kind: 'invalid', detail: err.problem.detail ?? err.message };
  if (err instanceof RpcNoRespondersError) return { kind: 'unavailable', detail: `${callee} is not available (no responders)` };
  if (err instanceof RpcTimeoutError) return { kind: 'unavailable', detail: `${callee} did not answer within ${err.timeoutMs} ms` };
  if (err instanceof MessagingValidationError && !err.subject.endsWith(' reply')) return { kind: 'invalid', detail: err.message };
  if (err instanceof RpcRemoteError || err instanceof MessagingValidationError) return { kind: 'broken', detail: `${callee} failed: ${err.message}` };
  if (err instanceof MessagingError) return { kind: 'unavailable', detail: 'messaging is not available' };
  return null;
}
