import { defineProblem, type ProblemDefinition } from './problem-definition.js';

/**
 * The platform's own error catalogue: every code the service kit itself answers with. A
 * service's catalogue (its `errors.ts`) adds its domain problems (`FUND_NOT_FOUND`…) and
 * reuses these where the condition is the same (a stale `If-Match` is `VersionMismatch` for
 * every resource). Titles are the status phrases.
 */
export const PlatformProblems = {
  /** A fastify 4xx without a more specific code. */
  BadRequest: defineProblem(400, 'BAD_REQUEST', undefined, 'the request is malformed'),
  /** zod validation of body, querystring, params or headers; a malformed `If-Match`; a bad paging argument. */
  ValidationFailed: defineProblem(400, 'VALIDATION_FAILED', undefined, 'a field of the request is invalid; `errors` names each one by its path'),
  InvalidJson: defineProblem(400, 'INVALID_JSON', undefined, 'the body is not valid JSON'),
  InvalidContentLength: defineProblem(400, 'INVALID_CONTENT_LENGTH', undefined, 'Content-Length does not match the body'),
  BadUrl: defineProblem(400, 'BAD_URL', undefined, 'the path has a malformed percent-escape'),
  TokenMissing: defineProblem(401, 'TOKEN_MISSING', undefined, 'no `Authorization: Bearer <jwt>` header'),
  TokenInvalid: defineProblem(401, 'TOKEN_INVALID', undefined, 'the bearer token is malformed, expired, forged, or lacks a valid sub/role/iss/aud'),
  RoleTooLow: defineProblem(403, 'ROLE_TOO_LOW', undefined, "the caller's role is below the route's minimum role"),
  RouteNotFound: defineProblem(404, 'ROUTE_NOT_FOUND', undefined, 'no route has this method and path'),
  /** A write named a version (`If-Match`) that is no longer current, for any resource. */
  VersionMismatch: defineProblem(412, 'VERSION_MISMATCH', undefined, 'If-Match names a version that is no longer current'),
  BodyTooLarge: defineProblem(413, 'BODY_TOO_LARGE', undefined, 'the body is larger than BODY_LIMIT_BYTES'),
  UriTooLong: defineProblem(414, 'URI_TOO_LONG', undefined, 'a path parameter is longer than 100 characters'),
  UnsupportedMediaType: defineProblem(415, 'UNSUPPORTED_MEDIA_TYPE', undefined, 'the body has a content type the route does not accept'),
  RateLimited: defineProblem(429, 'RATE_LIMITED', undefined, 'more than RATE_LIMIT_MAX requests in a minute from this caller; see Retry-After'),
  Internal: defineProblem(500, 'INTERNAL', undefined, 'an unexpected error (logged with the request id)'),
  ResponseInvalid: defineProblem(500, 'RESPONSE_INVALID', undefined, 'the server produced a reply that does not fit its schema'),
  ShuttingDown: defineProblem(503, 'SHUTTING_DOWN', undefined, 'the service is shutting down; retry on another replica'),
  NotReady: defineProblem(503, 'NOT_READY', undefined, 'a readiness check failed'),
  StoreUnavailable: defineProblem(503, 'STORE_UNAVAILABLE', undefined, 'the document store is not available; see Retry-After'),
} as const satisfies Record<string, ProblemDefinition>;

/**
 * The platform problems any `/api/*` route may answer whatever its handler does (validation,
 * auth, limits, shutdown, unexpected failures). `problemResponses` lists them under every
 * status a route declares.
 */
export const ANY_ROUTE_PROBLEMS: readonly ProblemDefinition[] = [
  PlatformProblems.ValidationFailed,
  PlatformProblems.InvalidJson,
  PlatformProblems.InvalidContentLength,
  PlatformProblems.BadRequest,
  PlatformProblems.TokenMissing,
  PlatformProblems.TokenInvalid,
  PlatformProblems.RoleTooLow,
  PlatformProblems.BodyTooLarge,
  PlatformProblems.UnsupportedMediaType,
  PlatformProblems.RateLimited,
  PlatformProblems.Internal,
  PlatformProblems.ResponseInvalid,
  PlatformProblems.ShuttingDown,
];
