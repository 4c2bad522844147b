// The mapping is structural (the platform does not depend on the storage library); these
// tests feed it the storage library's real error classes, so a change of that contract
// (a renamed class, a new code, a moved field) fails here.
// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only: checks the structural contract against the real classes
import { DuplicateError, invalidArgument, NotFoundError, StoreError, VersionConflictError } from '@equihome/storage';
import { describe, expect, it } from 'vitest';
import { defineProblem, HttpProblem, isStoreError, notFound, PlatformProblems, resourceProblems, STORE_ERROR_CODES } from '../src/index.js';

const funds = resourceProblems({ resource: 'fund' });
const PortfolioNotFound = defineProblem(404, 'PORTFOLIO_NOT_FOUND', 'Not Found', 'no portfolio has this id');
const portfolios = resourceProblems({ resource: 'portfolio', notFound: PortfolioNotFound, retryAfterSeconds: 7 });

const asProblem = (value: unknown): HttpProblem => {
  expect(value).toBeInstanceOf(HttpProblem);
  return value as HttpProblem;
};

describe('isStoreError', () => {
  it('recognises every storage error class by its StoreError ancestry and code', () => {
    for (const err of [new StoreError('UNAVAILABLE', 'x'), new NotFoundError('funds', 'f'), new VersionConflictError('funds', 'f', 1, 2), new DuplicateError('funds', 'f'), invalidArgument('limit', 'bad')]) {
      expect(isStoreError(err), err.name).toBe(true);
    }
  });

  it('knows exactly the codes of the storage library', () => {
    const codes: Array<StoreError['code']> = [...STORE_ERROR_CODES]; // compile-time: no code the library lacks
    expect(codes.sort()).toEqual(['BAD_CURSOR', 'DUPLICATE', 'INVALID_ARGUMENT', 'MIGRATION_FAILED', 'NOT_FOUND', 'UNAVAILABLE', 'VERSION_CONFLICT']);
  });

  it('refuses look-alikes: a plain Error with a storage code, a StoreError-named class with an unknown code, a non-Error', () => {
    expect(isStoreError(Object.assign(new Error('x'), { code: 'NOT_FOUND' }))).toBe(false);
    class StoreErrorImpostor extends Error {
      code = 'NOT_FOUND';
    }
    expect(isStoreError(new StoreErrorImpostor('x'))).toBe(false);
    expect(isStoreError(Object.assign(new StoreError('UNAVAILABLE', 'x'), { code: 'SOMETHING_ELSE' }))).toBe(false);
    expect(isStoreError({ name: 'StoreError', code: 'NOT_FOUND', message: 'x' })).toBe(false);
    expect(isStoreError(null)).toBe(false);
  });

  it('recognises a subclass the storage library may add later (any depth below StoreError)', () => {
    class OutboxError extends StoreError {}
    class DeeperError extends OutboxError {}
    expect(isStoreError(new DeeperError('UNAVAILABLE', 'relay down'))).toBe(true);
  });
});

describe('resourceProblems', () => {
  it('maps NotFoundError to 404 with the resource-derived code (or the given definition) and the id in the detail', () => {
    const p = asProblem(funds.toProblem(new NotFoundError('funds', 'f-1')));
    expect(p).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND', detail: 'fund f-1 does not exist' });
    expect(p.toProblem().type).toBe('urn:equihome:problem:fund-not-found');
    const q = asProblem(portfolios.toProblem(new NotFoundError('portfolios', 'p-1')));
    expect(PortfolioNotFound.is(q)).toBe(true);
    expect(q.detail).toBe('portfolio p-1 does not exist');
  });

  it('maps VersionConflictError to 412 VERSION_MISMATCH for every resource, naming the current and the expected version', () => {
    const p = asProblem(funds.toProblem(new VersionConflictError('funds', 'f-1', 2, 5)));
    expect(p).toMatchObject({ status: 412, code: 'VERSION_MISMATCH', detail: 'fund f-1 is at version 5, not 2' });
    expect(asProblem(portfolios.toProblem(new VersionConflictError('portfolios', 'p-1', 1, 2)))).toMatchObject({
      status: 412,
      code: PlatformProblems.VersionMismatch.code,
      detail: 'portfolio p-1 is at version 2, not 1',
    });
  });

  it('maps BAD_CURSOR and INVALID_ARGUMENT to 400 VALIDATION_FAILED with a field error naming the field', () => {
    const cursor = asProblem(funds.toProblem(new StoreError('BAD_CURSOR', 'cursor: not a cursor returned by list()', { field: 'cursor' })));
    expect(cursor).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'cursor', message: 'cursor: not a cursor returned by list()' }] });
    expect(cursor.detail).toBe('invalid cursor: cursor: not a cursor returned by list()');
    const limit = asProblem(portfolios.toProblem(invalidArgument('limit', 'must be an integer from 1 to 1000')));
    expect(limit).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'limit' }] });
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

  it('still maps NOT_FOUND and VERSION_CONFLICT StoreErrors that lack the id or versions', () => {
    expect(asProblem(funds.toProblem(new StoreError('NOT_FOUND', 'gone')))).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND', detail: 'fund does not exist' });
    expect(asProblem(funds.toProblem(new StoreError('VERSION_CONFLICT', 'stale')))).toMatchObject({ status: 412, code: 'VERSION_MISMATCH', detail: 'fund: stale' });
  });

  it('returns problems, other storage errors and foreign errors unchanged', () => {
    const problem = notFound('gone');
    const duplicate = new DuplicateError('funds', 'f-1');
    const migration = new StoreError('MIGRATION_FAILED', 'checksum');
    const plain = new Error('boom');
    const lookalike = Object.assign(new Error('x'), { code: 'UNAVAILABLE' });
    expect(funds.toProblem(problem)).toBe(problem);
    expect(funds.toProblem(duplicate)).toBe(duplicate);
    expect(funds.toProblem(migration)).toBe(migration);
    expect(funds.toProblem(plain)).toBe(plain);
    expect(funds.toProblem(lookalike)).toBe(lookalike);
    expect(funds.toProblem('text')).toBe('text');
  });

  it('guard and rethrow throw the mapped problem, and guard passes a result through', async () => {
    await expect(funds.guard(async () => 42)).resolves.toBe(42);
    await expect(funds.guard(async () => { throw new NotFoundError('funds', 'f-9'); })).rejects.toMatchObject({ status: 404, code: 'FUND_NOT_FOUND' });
    await expect(Promise.reject(new VersionConflictError('funds', 'f-9', 1, 2)).catch(funds.rethrow)).rejects.toMatchObject({ status: 412, code: 'VERSION_MISMATCH' });
  });

  it('builds its 404 and 412 directly and exposes their definitions for problemResponses', () => {
    expect(portfolios.notFound('p-2')).toMatchObject({ status: 404, code: 'PORTFOLIO_NOT_FOUND', detail: 'portfolio p-2 does not exist' });
    expect(funds.versionMismatch('f-2', 3, 1)).toMatchObject({ status: 412, code: 'VERSION_MISMATCH', detail: 'fund f-2 is at version 3, not 1' });
    expect(portfolios.definitions.notFound).toBe(PortfolioNotFound);
    expect(funds.definitions).toMatchObject({ notFound: { status: 404, code: 'FUND_NOT_FOUND' }, versionMismatch: PlatformProblems.VersionMismatch, unavailable: PlatformProblems.StoreUnavailable });
    expect(resourceProblems({ resource: 'loan-tape' }).notFound('x').code).toBe('LOAN_TAPE_NOT_FOUND');
  });

  it('refuses a notFound definition whose status is not 404', () => {
    expect(() => resourceProblems({ resource: 'fund', notFound: defineProblem(410, 'FUND_GONE') })).toThrow(/404/);
  });
});
