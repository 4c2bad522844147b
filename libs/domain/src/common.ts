import { z } from 'zod';

/** A decimal rate (0.05 = 5%) within [min, max]. */
export const rate = (min = 0, max = 1) => z.number().min(min).max(max);

/** Dollars, strictly positive. */
export const positiveAmount = () => z.number().positive().finite();

const NUL = '\u0000';

/**
 * Every string that comes over the wire: U+0000 is refused (PostgreSQL JSONB cannot store it,
 * and no field of this API needs it), so both storage adapters only ever see clean text.
 */
export const text = () => z.string().refine((s) => !s.includes(NUL), { message: 'must not contain the NUL character (U+0000)' });

/**
 * An id of a stored resource (fund, portfolio, run…): the UUID form (the stores issue UUIDv7).
 * Ids are checked before any storage call: malformed → 400, well-formed but absent → 404.
 */
export const ResourceId = z.uuid({ error: 'must be a UUID such as 0190a3c0-7b1e-7cc4-8a51-1c2b3d4e5f60' });

/** `/:id` path parameters of a stored resource. */
export const IdParams = z.strictObject({ id: ResourceId.describe('resource id (UUIDv7)') });

/**
 * An ISO-8601 calendar date (`2026-01-31`) or date-time with offset (`2026-01-31T00:00:00Z`).
 * Days that do not exist (`2025-02-30`, `2025-02-29`) are refused, never rolled over.
 */
export const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an existing calendar date YYYY-MM-DD or an ISO date-time with offset',
});

/**
 * The day number (days since 1970-01-01) of an `isoDate` as libs/finance counts it
 * (`isoDay`): a calendar date is that day, a date-time the UTC day of its instant.
 */
export function isoDayNumber(date: string): number {
  return Math.floor(Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) / 86_400_000);
}

/** Server-assigned document fields. */
export const documentMeta = {
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
};

/**
 * The server-assigned fields as a request body may carry them back (a client that PUTs the
 * document it GOT): optional, type-checked, read-only — the server ignores their values (the
 * version a write applies to is `If-Match`'s). Any other unknown key is refused.
 */
export const readOnlyMeta = {
  id: text().max(200).optional().meta({ readOnly: true, description: 'read-only: ignored on input' }),
  version: z.number().int().nonnegative().optional().meta({ readOnly: true, description: 'read-only: ignored on input (send If-Match)' }),
  created_at: text().max(64).optional().meta({ readOnly: true, description: 'read-only: ignored on input' }),
  updated_at: text().max(64).optional().meta({ readOnly: true, description: 'read-only: ignored on input' }),
};

export const zoneNames = ['green', 'orange', 'red'] as const;
export const Zone = z.enum(zoneNames);
export type Zone = z.infer<typeof Zone>;

/** Cursor paging: `?limit=&cursor=`; replies `{ items, next_cursor }`. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: text().min(1).max(1000).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
