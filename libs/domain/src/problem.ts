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
