import { DuplicateError, invalidArgument, NotFoundError, StoreError, VersionConflictError } from '@equihome/storage';
import { describe, expect, it } from 'vitest';
import { HttpProblem, notFound, resourceProblems } from '../src/index.js';

const funds = resourceProblems({ resource: 'fund' });
const portfolios = resourceProblems({ resource: 'portfolio', notFoundCode: 'PORTFOLIO_NOT_FOUND', versionMismatchCode: 'VERSION_MISMATCH', retryAfterSeconds: 7 });

const asProblem = (value: unknown): HttpProblem => {
  expect(value).toBeInstanceOf(HttpProblem);
  return value as HttpProblem;
};

describe('resourceProblems', () => {
  it('maps NotFoundError to 404 with the resource-derived code and the id in the detail', () => {
    const p = asProblem(funds.toProblem(new NotFoundError('funds', 'f-1')));
    expect(p).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND', detail: 'fund f-1 does not exist' });
    expect(asProblem(portfolios.toProblem(new NotFoundError('portfolios', 'p-1'))).code).toBe('PORTFOLIO_NOT_FOUND');
  });

  it('maps VersionConflictError to 412 naming the current and the expected version', () => {
    const p = asProblem(funds.toProblem(new VersionConflictError('funds', 'f-1', 2, 5)));
    expect(p).toMatchObject({ status: 412, code: 'FUND_VERSION_MISMATCH', detail: 'fund f-1 is at version 5, not 2' });
    expect(asProblem(portfolios.toProblem(new VersionConflictError('portfolios', 'p-1', 1, 2)))).toMatchObject({ status: 412, code: 'VERSION_MISMATCH' });
  });

  it('maps BAD_CURSOR and INVALID_ARGUMENT to 400 with the storage code and a field error naming the field', () => {
    const cursor = asProblem(funds.toProblem(new StoreError('BAD_CURSOR', 'cursor: not a cursor returned by list()', { field: 'cursor' })));
    expect(cursor).toMatchObject({ status: 400, code: 'BAD_CURSOR', errors: [{ path: 'cursor', message: 'cursor: not a cursor returned by list()' }] });
    expect(cursor.detail).toBe('invalid cursor: cursor: not a cursor returned by list()');
    const limit = asProblem(portfolios.toProblem(invalidArgument('limit', 'must be an integer from 1 to 1000')));
    expect(limit).toMatchObject({ status: 400, code: 'INVALID_ARGUMENT', errors: [{ path: 'limit' }] });
  });

  it('names cursor or query when the storage error carries no field', () => {
    expect(asProblem(funds.toProblem(new StoreError('BAD_CURSOR', 'bad'))).errors).toEqual([{ path: 'cursor', message: 'bad' }]);
    expect(asProblem(funds.toProblem(new StoreError('INVALID_ARGUMENT', 'bad'))).errors).toEqual([{ path: 'query', message: 'bad' }]);
  });

  it('maps UNAVAILABLE to 503 STORE_UNAVAILABLE with Retry-After', () => {
    const p = asProblem(portfolios.toProblem(new StoreError('UNAVAILABLE', 'postgres unreachable')));
    expect(p).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE', headers: { 'retry-after': '7' } });
    expect(asProblem(funds.toProblem(new StoreError('UNAVAILABLE', 'x'))).headers).toEqual({ 'retry-after': '5' });
  });

  it('returns problems, other storage errors and foreign errors unchanged', () => {
    const problem = notFound('gone');
    const duplicate = new DuplicateError('funds', 'f-1');
    const plain = new Error('boom');
    expect(funds.toProblem(problem)).toBe(problem);
    expect(funds.toProblem(duplicate)).toBe(duplicate);
    expect(funds.toProblem(plain)).toBe(plain);
    expect(funds.toProblem('text')).toBe('text');
  });

  it('guard and rethrow throw the mapped problem, and guard passes a result through', async () => {
    await expect(funds.guard(async () => 42)).resolves.toBe(42);
    await expect(funds.guard(async () => { throw new NotFoundError('funds', 'f-9'); })).rejects.toMatchObject({ status: 404, code: 'FUND_NOT_FOUND' });
    await expect(Promise.reject(new VersionConflictError('funds', 'f-9', 1, 2)).catch(funds.rethrow)).rejects.toMatchObject({ status: 412 });
  });

  it('builds its 404 and 412 directly', () => {
    expect(portfolios.notFound('p-2')).toMatchObject({ status: 404, code: 'PORTFOLIO_NOT_FOUND', detail: 'portfolio p-2 does not exist' });
    expect(funds.versionMismatch('f-2', 3, 1)).toMatchObject({ status: 412, code: 'FUND_VERSION_MISMATCH', detail: 'fund f-2 is at version 3, not 1' });
  });
});
