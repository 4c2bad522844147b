import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createTokenVerifier, installAuth, type TokenVerifierOptions } from './auth.js';
import { ConfigError, type BaseConfig } from './config.js';
import { installErrorHandling, sendProblem, toHttpProblem } from './error-handler.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { createMetrics, installMetrics, type ServiceMetrics } from './metrics.js';
import { installOpenApi, type OpenApiOptions } from './openapi.js';
import { PlatformProblems } from './platform-problems.js';
import { OneLinePerRequest } from './request-log.js';
import { compiledSerializerCompiler } from './response-serializer.js';

/** 503 `SHUTTING_DOWN` with `Retry-After: 5`. */
export const shuttingDown = () => PlatformProblems.ShuttingDown.create('service is shutting down', { headers: { 'retry-after': '5' } });

/** The fastify instance routes receive: zod schemas type params, query, body and replies. */
export type FastifyZodInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceOptions<K extends BaseConfig = BaseConfig> {
  /** Service name, e.g. `fund-service` (log field, metrics label, OpenAPI title). */
  name: string;
  version?: string;
  /**
   * The parsed configuration: what `loadConfig(shape, process.env)` returned in `main.ts`
   * (parsed once; `createService` reads it, never the environment).
   */
  config: K;
  /** Registers the service's `/api/*` routes; `ctx.config` is `config`, typed. */
  routes: (app: FastifyZodInstance, ctx: { config: K }) => Promise<void> | void;
  /** Named dependency checks for `/health/ready`; each must resolve within 2 s. */
  readiness?: Record<string, ReadinessCheck>;
  /** Run in order at shutdown, after HTTP has drained (close NATS, DB pools, Redis). */
  onClose?: Array<() => Promise<unknown>>;
  openapi?: OpenApiOptions;
  /** Where pino writes its JSON lines; default stdout. (Tests capture logs with it.) */
  logStream?: { write(line: string): void };
  /**
   * Re-validate every reply with its zod response schema (fastify-type-provider-zod's
   * serializer) instead of writing it through the compiled serializer: slower, but a test
   * suite catches a handler returning out-of-schema data (bounds, refinements, literals).
   * Default false. See `response-serializer.ts`.
   */
  validateResponses?: boolean;
  /** Verified-token cache (default 5,000 tokens, 60 s, never past `exp`); `{ maxEntries: 0 }` turns it off. */
  tokenCache?: TokenVerifierOptions['cache'];
}

export interface Service<K extends BaseConfig = BaseConfig> {
  app: FastifyZodInstance;
  config: K;
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
 * The rate-limit bucket of a request: the verified caller (`sub:<sub>`) on `/api/*` routes,
 * else the client address (`ip:<request.ip>`, which honours `X-Forwarded-For` only from the
 * proxies `TRUST_PROXY` trusts). Behind a gateway or an Ingress every user thus has their
 * own bucket, while unauthenticated requests (bad tokens included) share one per address.
 */
export function rateLimitKey(request: Pick<FastifyRequest, 'user' | 'ip'>): string {
  return request.user ? `sub:${request.user.sub}` : `ip:${request.ip}`;
}

/**
 * Builds a service on a parsed config (`loadConfig` in `main.ts`): pino logging with
 * request ids, zod validation, problem+json errors, JWT auth on `/api/*`, rate limit per
 * caller, CORS, body limit, health, metrics and OpenAPI. Never listens (see `listen()`).
 *
 * Hook order of a request (each step may end it with a problem):
 * `onRequest` request id, 503 while closing → `onRequest` token verified (`request.user`) →
 * `onRequest` (route level) rate limit keyed by `rateLimitKey` → `preParsing` 401/403 →
 * body parsed (413/415/400) → validation (400) → handler → compiled reply serializer.
 */
export async function createService<K extends BaseConfig>(options: ServiceOptions<K>): Promise<Service<K>> {
  const { config } = options;
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
    logController: new OneLinePerRequest(),
    return503OnClosing: false,
    // Router-level failures (a malformed %-escape, a path parameter over 100 characters) as problem+json too.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, request, toHttpProblem(error));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(options.validateResponses === true ? serializerCompiler : compiledSerializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) {
      const url = request.routeOptions.url;
      if (url !== '/health/live' && url !== '/health/ready') throw shuttingDown();
    }
  });

  await app.register(cors, { origin: corsOrigin(config.CORS_ORIGIN), exposedHeaders: ['x-request-id', 'retry-after', 'etag', 'location'] });
  // Auth's verifying onRequest hook is an instance hook, so it runs before the rate
  // limiter's route-level onRequest hook: the limiter sees `request.user`.
  installAuth(app, createTokenVerifier(config, options.tokenCache ? { cache: options.tokenCache } : {}));
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_MAX,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      PlatformProblems.RateLimited.create(`rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`),
  });
  // Requests to no route are counted per client address too (a scan of random paths).
  installErrorHandling(app, { notFoundPreHandler: app.rateLimit() });

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
 * Entry point for `main.ts`: `start` parses the config (`loadConfig`), connects the
 * infrastructure and builds the service; `runService` then listens (with the signal
 * handlers). Any failure is printed as ONE line on stderr — a `ConfigError` as its message
 * (`config error: PORT: expected a number`), anything else as `<name> start-up error:
 * <message>` — and the process exits 1; when `listen()` fails (port taken) the service is
 * closed first, so its `onClose` hooks release the infrastructure.
 */
export async function runService<K extends BaseConfig>(name: string, start: () => Promise<Service<K>>): Promise<Service<K>> {
  let service: Service<K> | undefined;
  try {
    service = await start();
    await service.listen();
    return service;
  } catch (error) {
    if (service) await service.close().catch(() => undefined);
    process.stderr.write(`${error instanceof ConfigError ? error.message : `${name} start-up error: ${error instanceof Error ? error.message : String(error)}`}\n`);
    process.exit(1);
  }
}
