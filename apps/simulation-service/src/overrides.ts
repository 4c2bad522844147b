import { Fund, type Fund as FundDocument } from '@equihome/domain';
import { PlatformProblems } from '@equihome/platform';

/** Document fields an override may not touch: they identify the fund, they are not model parameters. */
const READ_ONLY = new Set(['id', 'version', 'created_at', 'updated_at']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Deep merge of `patch` onto `base`: plain objects are merged key by key (recursively);
 * arrays, scalars and `null` in the patch replace the base value. Neither input is changed.
 */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = key in base ? deepMerge(base[key], value) : value;
  return out;
}

/**
 * The fund a run simulates: `fund` with `overrides` (a partial fund) deep-merged onto it,
 * validated AS A WHOLE by the domain `Fund` schema (strict: an unknown key is refused; the
 * cross-field rules apply to the merged fund). Every issue → 400 `VALIDATION_FAILED` naming
 * `overrides.<path>`. Without overrides, the fund as fund-service sent it.
 */
export function applyOverrides(fund: FundDocument, overrides: Record<string, unknown> | undefined): FundDocument {
  if (overrides === undefined) return fund;
  const errors = Object.keys(overrides)
    .filter((k) => READ_ONLY.has(k))
    .map((k) => ({ path: `overrides.${k}`, message: 'read-only: a document field, not a model parameter' }));
  if (errors.length === 0) {
    const parsed = Fund.safeParse(deepMerge(fund, overrides));
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const path = ['overrides', ...issue.path.map(String)].join('.');
      // As the platform names the body's unknown keys: one error per key, its path the key's own.
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors.push({ path: `${path}.${key}`, message: 'unknown field' });
      else errors.push({ path, message: issue.message });
    }
  }
  throw PlatformProblems.ValidationFailed.create(`invalid body: ${errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
}
