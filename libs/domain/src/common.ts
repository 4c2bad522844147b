import { z } from 'zod';

/** A decimal rate (0.05 = 5%) within [min, max]. */
export const rate = (min = 0, max = 1) => z.number().min(min).max(max);

/** Dollars, strictly positive. */
export const positiveAmount = () => z.number().positive().finite();

/** An ISO-8601 date (`2026-01-31`) or date-time (`2026-01-31T00:00:00Z`). */
export const isoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** Server-assigned document fields. */
export const documentMeta = {
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
};

export const zoneNames = ['green', 'orange', 'red'] as const;
export const Zone = z.enum(zoneNames);
export type Zone = z.infer<typeof Zone>;

/** Cursor paging: `?limit=&cursor=`; replies `{ items, next_cursor }`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
