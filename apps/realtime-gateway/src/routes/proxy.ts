import httpProxy from '@fastify/http-proxy';
import { sendProblem, type FastifyZodInstance } from '@equihome/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayConfig } from '../config.js';
import { UpstreamBadResponse, UpstreamTimeout, UpstreamUnavailable } from '../errors.js';
import type { Upstream } from '../upstreams.js';

/** Error codes of a request that never reached the upstream, or lost it: 503 + Retry-After. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'FST_REPLY_FROM_SERVICE_UNAVAILABLE']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_TIMEOUT']);

/** The codes of an error and of its causes (reply-from wraps undici's error). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/** The problem a failed proxy request is answered with: 503 (unreachable), 504 (timeout) or 502. */
export function proxyProblem(upstream: Upstream, error: unknown, retryAfterSeconds: number) {
  const codes = codesOf(error);
  if (codes.some((c) => TIMEOUT.has(c))) return UpstreamTimeout.create(`${upstream.name} did not answer in time`);
  if (codes.some((c) => UNREACHABLE.has(c)) || codes.length === 0) {
    return UpstreamUnavailable.create(`${upstream.name} is not reachable (${codes[codes.length - 1] ?? 'connection failed'})`, { headers: { 'retry-after': String(retryAfterSeconds) } });
  }
  return UpstreamBadResponse.create(`${upstream.name}: ${codes[codes.length - 1]}`);
}

/** `X-Forwarded-For` with the peer appended, the request id, and the original host and scheme. */
export function forwardedHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const peer = request.raw.socket.remoteAddress ?? 'unknown';
  const prior = headers['x-forwarded-for'];
  return {
    ...headers,
    'x-forwarded-for': prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.headers.host ?? '',
    'x-request-id': request.id,
  };
}

/**
 * `/api/funds*`, `/api/portfolios*`, `/api/simulations*`, `/api/optimization*` → the services
 * (`@fastify/http-proxy` over undici, keep-alive pool of 128 connections per upstream). The
 * platform authenticates `/api/*` first (401 before any upstream call) and rate-limits per
 * caller; `Authorization` and the body go through unchanged, `X-Forwarded-For` (peer
 * appended), `X-Forwarded-Proto`/`-Host` and `X-Request-Id` (the gateway's request id, so a
 * request has one id in every log) are added. The upstream's reply (problems included) is
 * passed on as it is. A refused, reset or timed-out connection answers 503
 * `UPSTREAM_UNAVAILABLE` with `Retry-After` at once — never retried, never left hanging;
 * no headers within UPSTREAM_TIMEOUT_MS → 504 `UPSTREAM_TIMEOUT`. An upstream that is not
 * configured answers 503 too.
 */
export async function proxyRoutes(app: FastifyZodInstance, config: GatewayConfig, upstreams: Upstream[]): Promise<void> {
  const retryAfter = config.UPSTREAM_RETRY_AFTER_S;
  for (const upstream of upstreams) {
    if (upstream.url === undefined) {
      const notConfigured = async (request: FastifyRequest, reply: FastifyReply) =>
        sendProblem(reply, request, UpstreamUnavailable.create(`${upstream.name} is not configured on this gateway`, { headers: { 'retry-after': String(retryAfter) } }));
      app.all(upstream.prefix, { schema: { hide: true } }, notConfigured);
      app.all(`${upstream.prefix}/*`, { schema: { hide: true } }, notConfigured);
      continue;
    }
    await app.register(httpProxy, {
      upstream: upstream.url,
      prefix: upstream.prefix,
      rewritePrefix: upstream.prefix,
      disableRequestLogging: true,
      undici: {
        connections: 128,
        pipelining: 1,
        connectTimeout: config.UPSTREAM_CONNECT_TIMEOUT_MS,
        headersTimeout: config.UPSTREAM_TIMEOUT_MS,
        bodyTimeout: config.UPSTREAM_TIMEOUT_MS,
      },
      replyOptions: {
        // reply-from retries a GET answered 503 up to 10 times (waiting Retry-After): never.
        retryDelay: () => null,
        rewriteRequestHeaders: (request, headers) => forwardedHeaders(request as FastifyRequest, headers),
        onError: (reply, { error }) => {
          const request = reply.request as FastifyRequest;
          request.log.warn({ upstream: upstream.name, err: error.message, codes: codesOf(error) }, 'upstream request failed');
          sendProblem(reply as FastifyReply, request, proxyProblem(upstream, error, retryAfter));
        },
      },
    });
  }
}
