export { baseConfigShape, type BaseConfig, ConfigError, LOCAL_DEV_JWT_SECRET, loadConfig, type BaseConfigShape, type Config } from './config.js';
export {
  badRequest,
  conflict,
  forbidden,
  HttpProblem,
  notFound,
  preconditionFailed,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problemType,
  serviceUnavailable,
  statusTitle,
  unauthorized,
  unprocessable,
  type HttpProblemOptions,
  type ProblemBody,
  type ProblemFieldError,
} from './problem.js';
export { defineProblem, type ProblemCreateOptions, type ProblemDefinition } from './problem-definition.js';
export { PlatformProblems } from './platform-problems.js';
export { rpcCallerProblem, type RpcCallee, type RpcFailureLike } from './rpc-caller-problem.js';
export { problemResponses, type ProblemResponse, type ProblemStatusOf } from './problem-responses.js';
export { sendProblem, toHttpProblem } from './error-handler.js';
export { etag, parseIfMatch, type IfMatchOptions } from './conditional-requests.js';
export {
  isStoreError,
  resourceProblems,
  STORE_ERROR_CODES,
  type ResourceProblems,
  type ResourceProblemsOptions,
  type StoreErrorCode,
  type StoreErrorLike,
} from './store-problems.js';
export {
  createTokenVerifier,
  isProtectedPath,
  isRole,
  roleAtLeast,
  ROLES,
  signDevToken,
  type AuthUser,
  type DevTokenOptions,
  type Role,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './auth.js';
export {
  cacheVerifiedTokens,
  DEFAULT_TOKEN_CACHE_ENTRIES,
  DEFAULT_TOKEN_CACHE_TTL_MS,
  MAX_CACHED_TOKEN_LENGTH,
  type TokenCacheOptions,
  type VerifiedToken,
} from './token-cache.js';
export { READINESS_TIMEOUT_MS, runReadinessChecks, type CheckResult, type ReadinessCheck } from './health.js';
export { createMetrics, type ServiceMetrics } from './metrics.js';
export type { OpenApiOptions } from './openapi.js';
export { compiledSerializerCompiler, ResponseInvalidError } from './response-serializer.js';
export { createService, rateLimitKey, runService, SHUTDOWN_TIMEOUT_MS, type FastifyZodInstance, type Service, type ServiceOptions } from './service.js';
export { runServiceMain, type ServiceMainOptions } from './service-main.js';
export { scopedIdempotencyKey } from './idempotency.js';
