import type { FastifyInstance } from 'fastify';
import { PlatformProblems } from './platform-problems.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

/** A readiness check resolves when the dependency is usable; a rejection or timeout means not ready. */
export type ReadinessCheck = () => Promise<unknown>;

/** Each readiness check must settle within this many milliseconds. */
export const READINESS_TIMEOUT_MS = 2_000;

export interface CheckResult {
  ok: boolean;
  /** Failure reason (error message or `timed out after 2000 ms`). */
  error?: string;
}

/** Runs all checks in parallel, each bounded by `timeoutMs`. */
export async function runReadinessChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([Promise.resolve().then(check), timeout]);
        return [name, { ok: true }];
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message || error.name : String(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * `GET /health/live`: 200 while the process runs. `GET /health/ready`: 200
 * `{ status: 'ready', checks }` when every check resolves in time; otherwise 503
 * problem+json (code `NOT_READY`) with the same `checks` map naming the failed ones.
 * While the service is closing, ready answers 503 `SHUTTING_DOWN`. Both are public and not rate-limited.
 */
export function installHealth(app: FastifyInstance, checks: Record<string, ReadinessCheck>, isClosing: () => boolean): void {
  const config = { rateLimit: false } as const;
  app.get('/health/live', { config, schema: { hide: true } }, async () => ({ status: 'live' }));
  app.get('/health/ready', { config, schema: { hide: true } }, async (request, reply) => {
    const instance = '/health/ready';
    if (isClosing()) {
      const { ShuttingDown } = PlatformProblems;
      return reply.code(503).type(PROBLEM_CONTENT_TYPE).header('retry-after', '5').send({
        type: ShuttingDown.type, title: ShuttingDown.title, status: 503, detail: 'service is shutting down', instance, code: ShuttingDown.code,
      });
    }
    const results = await runReadinessChecks(checks);
    const failed = Object.entries(results).filter(([, r]) => !r.ok);
    if (failed.length === 0) return { status: 'ready', checks: results };
    request.log.warn({ checks: results }, 'not ready');
    const { NotReady } = PlatformProblems;
    return reply.code(503).type(PROBLEM_CONTENT_TYPE).send({
      type: NotReady.type,
      title: NotReady.title,
      status: 503,
      detail: `readiness check failed: ${failed.map(([name, r]) => `${name} (${r.error})`).join(', ')}`,
      instance,
      code: NotReady.code,
      checks: results,
    });
  });
}
