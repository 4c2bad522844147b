import { z } from 'zod';

/** RFC 9457 problem details, as every service answers errors. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The problem `type` URI of a code: `FUND_NOT_FOUND` → `urn:equihome:problem:fund-not-found`.
 * One vocabulary for HTTP replies and RPC error replies alike.
 */
export function problemType(code: string): string {
  return `urn:equihome:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
