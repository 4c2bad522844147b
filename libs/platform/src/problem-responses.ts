import { z } from 'zod';
import { ANY_ROUTE_PROBLEMS } from './platform-problems.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, statusTitle } from './problem.js';
import type { ProblemDefinition } from './problem-definition.js';

/** The problem document of one documented error status: `code` is listed (OpenAPI `enum`). */
type ProblemSchemaWithCode = z.ZodObject<Omit<(typeof ProblemSchema)['shape'], 'code'> & { code: z.ZodString }>;

/** A response declaration whose body is a problem document sent as `application/problem+json`. */
export type ProblemResponse = {
  description: string;
  content: { 'application/problem+json': { schema: ProblemSchemaWithCode } };
};

/** The status a `problemResponses` argument documents. */
export type ProblemStatusOf<T> = T extends number ? T : T extends ProblemDefinition<string, infer S> ? S : never;

/**
 * Error replies for a route's `response` schema, documented in OpenAPI as
 * `application/problem+json`:
 * `response: { 200: Fund, ...problemResponses(FundNotFound, PlatformProblems.VersionMismatch, 400, 401) }`.
 *
 * Each argument is a catalogue definition (documented under its status) or a bare status.
 * Under every status the documented codes are the definitions given for it plus the platform
 * codes any `/api/*` route may answer with that status (400 `VALIDATION_FAILED`, 401
 * `TOKEN_MISSING`/`TOKEN_INVALID`, 403 `ROLE_TOO_LOW`, 429 `RATE_LIMITED`, 503
 * `SHUTTING_DOWN`…): the response's `description` lists them with their meaning and the
 * schema's `code` carries them as an `enum`. The enum is documentation only: replies are
 * never rejected for a code missing from it.
 */
export function problemResponses<const T extends ReadonlyArray<number | ProblemDefinition>>(...items: T): Record<ProblemStatusOf<T[number]>, ProblemResponse> {
  const byStatus = new Map<number, ProblemDefinition[]>();
  for (const item of items) {
    const status = typeof item === 'number' ? item : item.status;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`problemResponses: status must be an integer from 400 to 599, got ${status}`);
    const list = byStatus.get(status) ?? [];
    if (typeof item !== 'number') list.push(item);
    byStatus.set(status, list);
  }
  const out: Record<number, ProblemResponse> = {};
  for (const [status, given] of byStatus) {
    const definitions = new Map<string, ProblemDefinition>();
    for (const d of [...given, ...ANY_ROUTE_PROBLEMS.filter((p) => p.status === status)]) if (!definitions.has(d.code)) definitions.set(d.code, d);
    const codes = [...definitions.keys()];
    const listed = [...definitions.values()].map((d) => (d.description ? `${d.code} (${d.description})` : d.code));
    const code = codes.length > 0 ? z.string().meta({ enum: codes }) : z.string();
    out[status] = {
      description: listed.length > 0 ? `${statusTitle(status)}. Codes: ${listed.join('; ')}` : statusTitle(status),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema.extend({ code }) } } as ProblemResponse['content'],
    };
  }
  return out as Record<ProblemStatusOf<T[number]>, ProblemResponse>;
}
