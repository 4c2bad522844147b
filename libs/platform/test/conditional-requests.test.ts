import { describe, expect, it } from 'vitest';
import { etag, HttpProblem, parseIfMatch } from '../src/index.js';

// Entity-tag syntax per RFC 9110 §8.8.3: `"3"` strong, `W/"3"` weak; If-Match `*` (§13.1.1)
// matches any current representation.

/** The error `fn` throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('etag', () => {
  it('formats a version as a quoted strong entity tag', () => {
    expect(etag(7)).toBe('"7"');
    expect(etag(0)).toBe('"0"');
  });

  it('round-trips through parseIfMatch for every version up to 15 digits', () => {
    for (const v of [1, 42, 999_999_999_999_999]) expect(parseIfMatch(etag(v))).toBe(v);
  });
});

describe('parseIfMatch', () => {
  it('reads the version from a strong or weak entity tag, ignoring surrounding whitespace', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch(' W/"12" ')).toBe(12);
  });

  it('treats an absent header and * as "the current version"', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
    expect(parseIfMatch(' * ', { allowUnquoted: true })).toBeUndefined();
  });

  it('rejects an unquoted, non-numeric, list, empty or over-long value with a 400 VALIDATION_FAILED naming if-match', () => {
    for (const bad of ['3', '"abc"', '"1", "2"', '', '"3', '"1234567890123456"']) {
      const error = thrown(() => parseIfMatch(bad));
      expect(error, bad).toBeInstanceOf(HttpProblem);
      const problem = error as HttpProblem;
      expect(problem.status).toBe(400);
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.toProblem().type).toBe('urn:equihome:problem:validation-failed');
      expect(problem.errors).toEqual([{ path: 'if-match', message: expect.stringContaining('"3"') }]);
    }
  });

  it('with allowUnquoted also accepts a bare or half-quoted version, but still rejects non-numbers', () => {
    const lenient = { allowUnquoted: true };
    expect(parseIfMatch('3', lenient)).toBe(3);
    expect(parseIfMatch(' W/3 ', lenient)).toBe(3);
    expect(parseIfMatch('"4', lenient)).toBe(4);
    expect(parseIfMatch('"5"', lenient)).toBe(5);
    for (const bad of ['version-one', '"abc"', '"1", "2"', '']) {
      expect(thrown(() => parseIfMatch(bad, lenient)), bad).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'if-match' }] });
    }
  });
});
