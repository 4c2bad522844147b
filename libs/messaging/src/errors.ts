import type { Problem } from '@equihome/domain';

/** One failed field of a payload: dotted path (`fund.fund_size`, `` for the root) and zod message. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Base class of every error thrown by `@equihome/messaging`; `cause` keeps the NATS/zod error. */
export class MessagingError extends Error {
  override name = 'MessagingError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A payload failed its zod schema (event data on publish/consume, RPC request or reply).
 * `field` is the dotted path of the first failing field; `issues` lists all of them in the
 * `Problem.errors` shape, so a service can answer 400/422 with them unchanged.
 */
export class MessagingValidationError extends MessagingError {
  override name = 'MessagingValidationError';
  readonly subject: string;
  readonly field: string;
  readonly issues: FieldIssue[];
  constructor(subject: string, issues: FieldIssue[], options?: ErrorOptions) {
    const first = issues[0] ?? { path: '', message: 'invalid payload' };
    const where = first.path === '' ? '(root)' : first.path;
    super(`invalid payload for ${subject}: ${where}: ${first.message}`, options);
    this.subject = subject;
    this.field = first.path;
    this.issues = issues;
  }
}

/** Nobody subscribes to the RPC subject (NATS 503 "no responders" status): fails fast, before the timeout. */
export class RpcNoRespondersError extends MessagingError {
  override name = 'RpcNoRespondersError';
  constructor(readonly subject: string, options?: ErrorOptions) {
    super(`no responders for ${subject}`, options);
  }
}

/** A responder exists but no reply came within `timeoutMs` milliseconds. */
export class RpcTimeoutError extends MessagingError {
  override name = 'RpcTimeoutError';
  constructor(readonly subject: string, readonly timeoutMs: number, options?: ErrorOptions) {
    super(`request to ${subject} timed out after ${timeoutMs} ms`, options);
  }
}

/** The responder answered with `{ error: Problem }` (e.g. 404 when the document does not exist). */
export class RpcRemoteError extends MessagingError {
  override name = 'RpcRemoteError';
  constructor(readonly subject: string, readonly problem: Problem, options?: ErrorOptions) {
    super(`${subject} failed: ${problem.status} ${problem.title}${problem.detail ? ` — ${problem.detail}` : ''}`, options);
  }
  /** HTTP-style status of the remote problem (404, 400, 500…). */
  get status(): number {
    return this.problem.status;
  }
}

/** The connection is closed, or the server did not answer a ping in time. */
export class MessagingUnavailableError extends MessagingError {
  override name = 'MessagingUnavailableError';
}
