import { badRequest } from '@equihome/platform';

/** The strong ETag of a document version: `"3"`. */
export const etag = (version: number): string => `"${version}"`;

const ENTITY_TAG = /^(?:W\/)?"(\d{1,15})"$/;

/**
 * The version an `If-Match` header demands: `"3"` (or `W/"3"`) → 3; absent or `*` →
 * `undefined` (apply to the current version). Anything else → 400 naming `if-match`.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = ENTITY_TAG.exec(value);
  if (!match) {
    const message = 'expected an entity tag such as "3" (the ETag of the version being changed) or *';
    throw badRequest(`invalid if-match: ${message}`, [{ path: 'if-match', message }], 'VALIDATION_FAILED');
  }
  return Number(match[1]);
}
