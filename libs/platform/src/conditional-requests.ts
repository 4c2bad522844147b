import { PlatformProblems } from './platform-problems.js';

/**
 * HTTP conditional requests on versioned documents (RFC 9110 §8.8.3 entity tags, §13.1.1
 * If-Match). A document's entity tag is its integer `version`, quoted: version 3 → `"3"`.
 */

/** The strong ETag of a document version: `etag(3)` → `"3"`. */
export const etag = (version: number): string => `"${version}"`;

export interface IfMatchOptions {
  /**
   * Also accept a version without (balanced) quotes — `3`, `W/3`, `"3` — which RFC 9110 does
   * not allow (default false: only `"3"` and `W/"3"`).
   */
  allowUnquoted?: boolean;
}

const STRICT_ENTITY_TAG = /^(?:W\/)?"(\d{1,15})"$/;
const LENIENT_ENTITY_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;
const IF_MATCH_HINT = 'expected an entity tag such as "3" (the ETag of the version being changed) or *';

/**
 * The version an `If-Match` header demands: `"3"` (or weak `W/"3"`, surrounding whitespace
 * ignored) → 3; absent or `*` → `undefined` (the write applies to the current version).
 * Anything else — a list, a non-numeric tag, an empty value, more than 15 digits — throws
 * 400 `VALIDATION_FAILED` (as for any other invalid header) whose field error names `if-match`.
 */
export function parseIfMatch(header: string | undefined, options: IfMatchOptions = {}): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = (options.allowUnquoted === true ? LENIENT_ENTITY_TAG : STRICT_ENTITY_TAG).exec(value);
  if (!match) {
    throw PlatformProblems.ValidationFailed.create(`invalid if-match: ${IF_MATCH_HINT}`, { errors: [{ path: 'if-match', message: IF_MATCH_HINT }] });
  }
  return Number(match[1]);
}
