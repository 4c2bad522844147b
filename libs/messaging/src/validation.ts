import type { z } from 'zod';
import { MessagingValidationError, type FieldIssue } from './errors.js';

/** zod issues → `{ path, message }` with dotted paths (`fund.fees.hurdle_rate`, `loans.3.ltv`). */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** Parses `value` with `schema` or throws `MessagingValidationError` naming the first failing field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, subject: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new MessagingValidationError(subject, fieldIssues(result.error), { cause: result.error });
  return result.data;
}
