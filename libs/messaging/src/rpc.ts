import { Problem as ProblemSchema, problemType, RpcError, rpcSchemas, type Problem, type RpcReply, type RpcRequest, type RpcSubject } from '@equihome/domain';
import { RequestError, TimeoutError, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  MessagingError,
  MessagingValidationError,
  RpcNoRespondersError,
  RpcRemoteError,
  RpcTimeoutError,
} from './errors.js';
import { errorMessage, type MessagingLogger } from './logger.js';
import type { SubjectMapper } from './subjects.js';
import { parseOrThrow } from './validation.js';

export const DEFAULT_RPC_TIMEOUT_MS = 5_000;

export interface RequestOptions {
  /** Time to wait for the reply, ms (default 5 000). */
  timeoutMs?: number;
}

export interface ServeOptions {
  /** Queue group: replicas in the same group share requests (default: the service name). */
  queue?: string;
}

/** A running responder. */
export interface Responder {
  readonly subject: string;
  /** Stops taking requests and waits for the ones in hand to be answered. */
  stop(): Promise<void>;
}

export type RpcHandler<S extends RpcSubject> = (request: RpcRequest<S>) => Promise<RpcReply<S>>;

interface RpcDeps {
  nc: NatsConnection;
  subjects: SubjectMapper;
  logger: MessagingLogger;
  service: string;
}

function schemasOf(subject: RpcSubject) {
  const schemas = rpcSchemas[subject];
  if (schemas === undefined) throw new TypeError(`unknown rpc subject ${String(subject)}`);
  return schemas;
}

/**
 * Sends a typed request and waits for the reply. The request is validated before sending,
 * the reply after receiving. Throws RpcNoRespondersError (nobody listens: immediate),
 * RpcTimeoutError, RpcRemoteError (the responder answered `{ error: Problem }`),
 * MessagingValidationError (request or reply fails its schema).
 */
export async function sendRequest<S extends RpcSubject>(deps: RpcDeps, subject: S, data: unknown, options: RequestOptions = {}): Promise<RpcReply<S>> {
  const schemas = schemasOf(subject);
  const request = parseOrThrow(schemas.request, data, subject);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  let reply: Msg;
  try {
    reply = await deps.nc.request(deps.subjects.toWire(subject), JSON.stringify(request), { timeout: timeoutMs });
  } catch (err) {
    if (err instanceof RequestError && err.isNoResponders()) throw new RpcNoRespondersError(subject, { cause: err });
    if (err instanceof TimeoutError) throw new RpcTimeoutError(subject, timeoutMs, { cause: err });
    throw new MessagingError(`request to ${subject} failed: ${errorMessage(err)}`, { cause: err });
  }
  let body: unknown;
  try {
    body = reply.json();
  } catch (err) {
    throw new MessagingValidationError(`${subject} reply`, [{ path: '', message: 'reply is not JSON' }], { cause: err });
  }
  const failure = RpcError.safeParse(body);
  if (failure.success) throw new RpcRemoteError(subject, failure.data.error);
  return parseOrThrow(schemas.reply, body, `${subject} reply`) as RpcReply<S>;
}

/** An error that carries an HTTP-style status (an HttpProblem, a @fastify/error…). */
interface StatusCarrier {
  status?: unknown;
  statusCode?: unknown;
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  toProblem?: unknown;
}

/**
 * The codes an RPC responder answers with on its own, in the vocabulary of the HTTP
 * problems (platform's catalogue uses the same `VALIDATION_FAILED` and `INTERNAL`): the
 * problem `type` is always `problemType(code)` (`urn:equihome:problem:<code>`).
 */
export const RPC_PROBLEM_CODES = {
  /** The request is not JSON or fails its schema (400, `errors` names the fields). */
  ValidationFailed: 'VALIDATION_FAILED',
  /** The handler failed without a status of its own (500; the message stays in the log). */
  Internal: 'INTERNAL',
  /** The reply is larger than the server's max payload (413). */
  ReplyTooLarge: 'RPC_REPLY_TOO_LARGE',
} as const;

/** Code of a status-carrying error that names none: the platform's generic code of the status. */
const GENERIC_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  422: 'UNPROCESSABLE',
  503: 'SERVICE_UNAVAILABLE',
};

function genericCode(status: number): string {
  return GENERIC_CODES[status] ?? (status < 500 ? 'REQUEST_FAILED' : RPC_PROBLEM_CODES.Internal);
}

/** A problem document of `code`: its `type` is `problemType(code)`. */
function problemOf(code: string, fields: Omit<Problem, 'type' | 'code'>): Problem {
  return { type: problemType(code), code, ...fields };
}

/**
 * Turns a thrown value into the Problem sent back, always with a `code` and
 * `type: problemType(code)`: the error's own problem document (`toProblem(instance)`, as
 * platform's HttpProblem has; a missing code is filled from its status), else its
 * `status`/`statusCode` (400–599) with `title`, `detail`, `code` (default: the generic code
 * of the status, `NOT_FOUND`…), `errors`; a MessagingValidationError is 400
 * `VALIDATION_FAILED` with its field errors; anything else 500 `INTERNAL` without its message.
 */
export function problemFromError(err: unknown, instance: string): Problem {
  if (err instanceof MessagingValidationError) {
    return problemOf(RPC_PROBLEM_CODES.ValidationFailed, { title: 'Bad Request', status: 400, detail: err.message, instance, errors: err.issues });
  }
  const e = (typeof err === 'object' && err !== null ? err : {}) as StatusCarrier;
  // An error that renders its own problem document (platform's HttpProblem#toProblem).
  if (typeof e.toProblem === 'function') {
    const own = ProblemSchema.safeParse((e.toProblem as (instance: string) => unknown).call(err, instance));
    if (own.success && own.data.status >= 400 && own.data.status <= 599) {
      const code = own.data.code ?? genericCode(own.data.status);
      return { ...own.data, code, type: problemType(code) };
    }
  }
  const rawStatus = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof rawStatus === 'number' && Number.isInteger(rawStatus) && rawStatus >= 400 && rawStatus <= 599) {
    const code = typeof e.code === 'string' && e.code !== '' ? e.code : genericCode(rawStatus);
    const problem = problemOf(code, {
      title: typeof e.title === 'string' ? e.title : rawStatus < 500 ? 'Request failed' : 'Server error',
      status: rawStatus,
      instance,
    });
    // An explicit `detail` is meant for the caller; a bare `message` only for 4xx (5xx messages stay in the log).
    if (typeof e.detail === 'string') problem.detail = e.detail;
    else if (rawStatus < 500 && typeof e.message === 'string' && e.message !== '') problem.detail = e.message;
    const errors = ProblemSchema.shape.errors.safeParse(e.errors);
    if (errors.success && errors.data !== undefined) problem.errors = errors.data;
    return problem;
  }
  // Unknown failure: never leak its message to the caller; it is logged by the responder.
  return problemOf(RPC_PROBLEM_CODES.Internal, { title: 'Internal Server Error', status: 500, instance });
}

/**
 * Answers requests on `subject` in a queue group. Each request is validated, handed to
 * `handler`, and answered with its result, or with `{ error: Problem }` (see
 * `problemFromError`): 400 `VALIDATION_FAILED` for an invalid request, the error's own
 * status and code when it carries one, 500 `INTERNAL` otherwise; 413 `RPC_REPLY_TOO_LARGE`
 * when the reply would exceed the server's max payload (1 MB by default). Requests are
 * handled concurrently.
 */
export function startResponder<S extends RpcSubject>(deps: RpcDeps, subject: S, handler: RpcHandler<S>, options: ServeOptions = {}): Responder {
  const schemas = schemasOf(subject);
  const { nc, logger } = deps;
  const inFlight = new Set<Promise<void>>();

  const answer = async (msg: Msg): Promise<void> => {
    let reply: unknown;
    try {
      let body: unknown;
      try {
        body = msg.json();
      } catch (err) {
        throw new MessagingValidationError(subject, [{ path: '', message: 'request is not JSON' }], { cause: err });
      }
      const request = parseOrThrow(schemas.request, body, subject) as RpcRequest<S>;
      reply = await handler(request);
    } catch (err) {
      const problem = problemFromError(err, subject);
      const level = problem.status >= 500 ? 'error' : 'info';
      logger[level]({ subject, status: problem.status, err: errorMessage(err) }, 'rpc request failed');
      reply = { error: problem };
    }
    if (!msg.reply) return;
    try {
      let payload = JSON.stringify(reply);
      const limit = nc.info?.max_payload;
      // A reply above the server's max payload cannot be sent: answer 413 at once rather
      // than leave the caller waiting for its timeout.
      if (limit !== undefined && Buffer.byteLength(payload) > limit) {
        const detail = `reply of ${Buffer.byteLength(payload)} bytes exceeds the NATS max payload of ${limit} bytes; fetch the resource over HTTP`;
        logger.error({ subject, bytes: Buffer.byteLength(payload), limit }, 'rpc reply too large');
        payload = JSON.stringify({ error: problemOf(RPC_PROBLEM_CODES.ReplyTooLarge, { title: 'Content Too Large', status: 413, detail, instance: subject }) });
      }
      msg.respond(payload);
    } catch (err) {
      logger.error({ subject, err: errorMessage(err) }, 'rpc reply could not be sent');
    }
  };

  const sub = nc.subscribe(deps.subjects.toWire(subject), {
    queue: options.queue ?? deps.service,
    callback: (err, msg) => {
      if (err) {
        logger.error({ subject, err: errorMessage(err) }, 'rpc subscription error');
        return;
      }
      const p = answer(msg).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
  });

  return {
    subject,
    async stop() {
      if (!sub.isClosed() && !nc.isClosed()) await sub.drain();
      await Promise.all([...inFlight]);
    },
  };
}
