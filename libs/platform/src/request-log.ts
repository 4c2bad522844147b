import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Request logging: ONE line per request, when its reply has been sent —
 * `{ reqId, method, url, statusCode, responseTime, msg: 'request completed' }` (at `error`
 * with `err` when sending failed) — instead of fastify's two (`incoming request` +
 * `request completed`), which halves the logging cost of a request at `LOG_LEVEL=info`.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
