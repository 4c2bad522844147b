import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { createTokenVerifier, installAuth } from './auth.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { installErrorHandling, sendProblem, toHttpProblem } from './error-handler.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { createMetrics, installMetrics, type ServiceMetrics } from './metrics.js';
import { installOpenApi, type OpenApiOptions } from './openapi.js';
import { HttpProblem, serviceUnavailable } from './problem.js';

/** The fastify instance routes receive: zod schemas type params, query, body and replies. */
export type FastifyZodInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceOptions<C extends z.ZodRawShape> {
  /** Service name, e.g. `fund-service` (log field, metrics label, OpenAPI title). */
  name: string;
  version?: string;
  /** Environment to read; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Extra environment variables (zod shape) merged with the base config. */
  config?: C;
  /** Registers the service's `/api/*` routes. */
  routes: (app: FastifyZodInstance, ctx: { config: Config<C> }) => Promise<void> | void;
  /** Named dependency checks for `/health/ready`; each must resolve within 2 s. */
  readiness?: Record<string, ReadinessCheck>;
  /** Run in order at shutdown, after HTTP has drained (close NATS, DB pools, Redis). */
  onClose?: Array<() => Promise<unknown>>;
  openapi?: OpenApiOptions;
  /** Where pino writes its JSON lines; default stdout. (Tests capture logs with it.) */
  logStream?: { write(line: string): void };
}

export interface Service<C extends z.ZodRawShape = Record<never, never>> {
  app: FastifyZodInstance;
  config: Config<C>;
  metrics: ServiceMetrics;
  /**
   * Listens on HOST:PORT and (unless `signals: false`, for tests) installs the
   * SIGTERM/SIGINT graceful-shutdown handlers; resolves to the address URL.
   */
  listen(options?: { signals?: boolean }): Promise<string>;
  /** Stops accepting requests, waits for in-flight ones, then runs `onClose` hooks. Idempotent. */
  close(): Promise<void>;
  /** True from the moment close() starts. */
  readonly closing: boolean;
}

/** Grace period after the first signal before shutdown is forced with exit code 1. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `x-request-id` when it is a sane token (≤128 chars of `[A-Za-z0-9._:-]`), else a fresh UUID. */
function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** `*` → any origin; a comma list → only those origins are reflected; unset → CORS off. */
function corsOrigin(value: string | undefined): boolean | string | string[] {
  if (value === undefined) return false;
  if (value === '*') return '*';
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Builds a service: config from the environment, pino logging with request ids, zod
 * validation, problem+json errors, JWT auth on `/api/*`, rate limit, CORS, body limit,
 * health, metrics and OpenAPI. Throws `ConfigError` (one line) on bad configuration.
 */
export async function createService<C extends z.ZodRawShape = Record<never, never>>(options: ServiceOptions<C>): Promise<Service<C>> {
  const config = loadConfig(options.config, options.env ?? process.env);
  const version = options.version ?? '0.0.0';
  let closing = false;

  const app = Fastify({
    logger:
      config.LOG_LEVEL === 'silent'
        ? false
        : { level: config.LOG_LEVEL, base: { service: options.name, version }, ...(options.logStream ? { stream: options.logStream } : {}) },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A hop count n trusts the n nearest proxies (proxy-addr semantics).
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: false,
    // Router-level failures (a malformed %-escape, a path parameter over 100 characters) as problem+json too.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, toHttpProblem(error));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing && request.routeOptions.url !== '/health/live' && request.routeOptions.url !== '/health/ready') {
      throw serviceUnavailable('service is shutting down', 5, 'SHUTTING_DOWN');
    }
  });

  await app.register(cors, { origin: corsOrigin(config.CORS_ORIGIN), exposedHeaders: ['x-request-id', 'retry-after', 'etag', 'location'] });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem({
        status: context.statusCode,
        code: 'RATE_LIMITED',
        detail: `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
      }),
  });

  installAuth(app, createTokenVerifier(config));
  const metrics = createMetrics(options.name);
  installMetrics(app, metrics);
  await installOpenApi(app, options.name, version, options.openapi);
  installHealth(app, options.readiness ?? {}, () => closing);

  await app.register(async (instance) => {
    await options.routes(instance.withTypeProvider<ZodTypeProvider>(), { config });
  });
  await app.ready();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      // Keep-alive sockets whose in-flight request finished after close() began would
      // otherwise stay open until keepAliveTimeout (72 s): reap idle ones every 100 ms.
      const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
      reaper.unref();
      try {
        await app.close();
      } finally {
        clearInterval(reaper);
      }
      const failures: unknown[] = [];
      for (const hook of options.onClose ?? []) {
        try {
          await hook();
        } catch (error) {
          failures.push(error);
          app.log.error({ err: error }, 'onClose hook failed');
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, `${failures.length} onClose hook(s) failed`);
    })();
    return closed;
  };

  const listen = async ({ signals = true }: { signals?: boolean } = {}): Promise<string> => {
    const address = await app.listen({ port: config.PORT, host: config.HOST });
    if (signals) installSignalHandlers(app, close);
    return address;
  };

  return {
    app,
    config,
    metrics,
    listen,
    close,
    get closing() {
      return closing;
    },
  };
}

/**
 * SIGTERM/SIGINT: close (drain HTTP, then onClose hooks) and exit 0; exit 1 if closing
 * fails, on a second signal, or after SHUTDOWN_TIMEOUT_MS.
 */
function installSignalHandlers(app: FastifyInstance, close: () => Promise<void>): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      app.log.error({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    signalled = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: forcing exit');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Entry point for `main.ts`: creates the service and listens. A `ConfigError` is printed
 * as its one line on stderr and the process exits 1; so does any other start-up failure.
 */
export async function runService<C extends z.ZodRawShape = Record<never, never>>(options: ServiceOptions<C>): Promise<Service<C>> {
  try {
    const service = await createService(options);
    await service.listen();
    return service;
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `start-up error: ${error instanceof Error ? error.message : String(error)}`}\n`);
    process.exit(1);
  }
}
