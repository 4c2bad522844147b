import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError, preHandlerAsyncHookHandler } from 'fastify';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { PlatformProblems } from './platform-problems.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, type ProblemFieldError } from './problem.js';
import type { ProblemDefinition } from './problem-definition.js';
import { ResponseInvalidError } from './response-serializer.js';

/** Fastify's own error codes mapped to the platform catalogue. */
const FASTIFY_CODES: Record<string, ProblemDefinition> = {
  FST_ERR_CTP_BODY_TOO_LARGE: PlatformProblems.BodyTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: PlatformProblems.UnsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: PlatformProblems.InvalidContentLength,
  FST_ERR_CTP_EMPTY_JSON_BODY: PlatformProblems.InvalidJson,
  FST_ERR_CTP_INVALID_JSON_BODY: PlatformProblems.InvalidJson,
  FST_ERR_BAD_URL: PlatformProblems.BadUrl,
  FST_ERR_MAX_PARAM_LENGTH: PlatformProblems.UriTooLong,
};

/**
 * Field path of one validation issue, dotted and RELATIVE TO THE VALIDATED PART (body,
 * querystring, params or headers): `loan_parameters.zone_allocations`, `items.3.amount`.
 * An issue on the whole part (e.g. no body at all) is named after the part: `body`.
 * For unknown keys of strict objects the key itself is appended.
 */
function fieldErrors(validation: FastifySchemaValidationError[], part: string): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const v of validation) {
    const base = (v.instancePath ?? '').split('/').filter(Boolean).join('.');
    const keys = (v.params as { keys?: unknown } | undefined)?.keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const k of keys) out.push({ path: base ? `${base}.${String(k)}` : String(k), message: 'unknown field' });
      continue;
    }
    // Ajv (non-zod schemas) reports a missing property in params.missingProperty.
    const missing = (v.params as { missingProperty?: unknown } | undefined)?.missingProperty;
    const path = typeof missing === 'string' ? (base ? `${base}.${missing}` : missing) : base;
    out.push({ path: path || part, message: v.message ?? 'invalid' });
  }
  return out;
}

/** Converts any thrown value into an HttpProblem; unknown errors become a 500. */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const err = error as Partial<FastifyError> & { validation?: FastifySchemaValidationError[]; validationContext?: string };
  if (Array.isArray(err.validation) && err.validation.length > 0) {
    const part = err.validationContext ?? 'body';
    const errors = fieldErrors(err.validation, part);
    return PlatformProblems.ValidationFailed.create(`invalid ${part}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
  if (error instanceof ResponseInvalidError || (isFastifyError(err) && isResponseSerializationError(err))) {
    return PlatformProblems.ResponseInvalid.create('the server produced an invalid response', { cause: error });
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    // JSON parse errors from the body parser are SyntaxErrors with statusCode 400.
    const known = err.name === 'SyntaxError' ? PlatformProblems.InvalidJson : err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known && known.status === status) return known.create(err.message, { cause: error });
    const code = known?.code ?? (err.code === undefined || err.code.startsWith('FST_') ? PlatformProblems.BadRequest.code : err.code);
    return new HttpProblem({ status, code, detail: err.message, cause: error });
  }
  return new HttpProblem({ status: status >= 500 && status < 600 ? status : 500, code: PlatformProblems.Internal.code, detail: 'an unexpected error occurred', cause: error });
}

function isFastifyError(err: unknown): err is FastifyError {
  return typeof err === 'object' && err !== null && 'code' in err && (err as FastifyError).code === 'FST_ERR_RESPONSE_SERIALIZATION';
}

/** Sends `problem` as `application/problem+json`, with its headers. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: HttpProblem): FastifyReply {
  if (problem.headers) reply.headers(problem.headers);
  const instance = request.url.split('?')[0];
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem.toProblem(instance));
}

/**
 * Installs the problem+json error and 404 handlers. 5xx detail is generic (never a stack
 * trace) and every 5xx is logged with the request id (pino's `reqId`); 4xx are logged at info.
 * `notFoundPreHandler` runs before the 404 reply (the rate limiter).
 */
export function installErrorHandling(app: FastifyInstance, options: { notFoundPreHandler?: preHandlerAsyncHookHandler } = {}): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error);
    if (problem.status >= 500 && error instanceof HttpProblem) {
      request.log.warn({ code: problem.code, status: problem.status, detail: problem.detail }, 'request refused');
    } else if (problem.status >= 500) {
      request.log.error({ err: error, code: problem.code }, 'request failed');
      if (problem.status === 500) {
        return sendProblem(reply, request, new HttpProblem({ status: 500, code: problem.code, title: problem.title, detail: `an unexpected error occurred (request id ${request.id})` }));
      }
    } else {
      request.log.info({ code: problem.code, status: problem.status, detail: problem.detail }, 'request rejected');
    }
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler(options.notFoundPreHandler ? { preHandler: options.notFoundPreHandler } : {}, (request, reply) => {
    sendProblem(reply, request, PlatformProblems.RouteNotFound.create(`no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
