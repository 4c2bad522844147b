export { baseConfigShape, type BaseConfig, ConfigError, LOCAL_DEV_JWT_SECRET, loadConfig, type BaseConfigShape, type Config } from './config.js';
export {
  badRequest,
  conflict,
  forbidden,
  HttpProblem,
  notFound,
  preconditionFailed,
  PROBLEM_CONTENT_TYPE,
  problemResponses,
  ProblemSchema,
  problemType,
  serviceUnavailable,
  statusTitle,
  unauthorized,
  unprocessable,
  type HttpProblemOptions,
  type ProblemBody,
  type ProblemFieldError,
  type ProblemResponse,
} from './problem.js';
export { sendProblem, toHttpProblem } from './error-handler.js';
export { etag, parseIfMatch, type IfMatchOptions } from './conditional-requests.js';
export { resourceProblems, type ResourceProblems, type ResourceProblemsOptions } from './store-problems.js';
export { createTokenVerifier, isRole, roleAtLeast, ROLES, signDevToken, type AuthUser, type DevTokenOptions, type Role, type TokenVerifier } from './auth.js';
export { READINESS_TIMEOUT_MS, runReadinessChecks, type CheckResult, type ReadinessCheck } from './health.js';
export { createMetrics, type ServiceMetrics } from './metrics.js';
export type { OpenApiOptions } from './openapi.js';
export { createService, runService, SHUTDOWN_TIMEOUT_MS, type FastifyZodInstance, type Service, type ServiceOptions } from './service.js';
export { scopedIdempotencyKey } from './idempotency.js';
