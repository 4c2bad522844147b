import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code point, `undefined` members dropped, no
 * whitespace; arrays keep their order; numbers as `JSON.stringify` writes them (the
 * shortest round-trip form, so a value read back from PostgreSQL JSONB hashes the same).
 * Two values that are equal as JSON have the same canonical text, whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
