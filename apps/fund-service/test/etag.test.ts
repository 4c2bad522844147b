import { HttpProblem } from '@equihome/platform';
import { describe, expect, it } from 'vitest';
import { etag, parseIfMatch } from '../src/etag.js';

// Entity-tag syntax per RFC 9110 §8.8.3: `"3"` strong, `W/"3"` weak; `*` matches any current representation.
describe('ETag and If-Match', () => {
  it('formats a version as a quoted strong entity tag', () => {
    expect(etag(7)).toBe('"7"');
  });

  it('reads the version from a strong or weak entity tag', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch(' W/"12" ')).toBe(12);
  });

  it('treats an absent header and * as "the current version"', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it('rejects an unquoted, non-numeric or list value with a 400 naming if-match', () => {
    for (const bad of ['3', '"abc"', '"1", "2"', '']) {
      const error = (() => {
        try {
          parseIfMatch(bad);
          return undefined;
        } catch (err) {
          return err;
        }
      })();
      expect(error, bad).toBeInstanceOf(HttpProblem);
      expect((error as HttpProblem).status).toBe(400);
      expect((error as HttpProblem).errors).toEqual([expect.objectContaining({ path: 'if-match' })]);
    }
  });
});
