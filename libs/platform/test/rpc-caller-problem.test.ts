import { describe, expect, it } from 'vitest';
import { defineProblem, PlatformProblems, rpcCallerProblem, type RpcCallee } from '../src/index.js';

const callee: RpcCallee = {
  service: 'fund-service',
  resource: 'fund',
  notFound: defineProblem(404, 'FUND_NOT_FOUND', 'Fund not found'),
  unavailable: defineProblem(503, 'FUND_SERVICE_UNAVAILABLE', 'fund-service unavailable'),
  broken: defineProblem(502, 'FUND_SERVICE_ERROR', 'fund-service error'),
};
const ref = { id: 'f1', field: 'fund_id', retryAfterS: 7 };
const err = new Error('rpc');

describe("rpcCallerProblem: a failed RPC as the caller's problem", () => {
  it('names the field: 404 of the resource, 400 VALIDATION_FAILED with the detail', () => {
    const notFound = rpcCallerProblem(err, { kind: 'not_found', detail: 'x' }, callee, ref);
    expect(callee.notFound.is(notFound)).toBe(true);
    expect(notFound).toMatchObject({ status: 404, errors: [{ path: 'fund_id', message: 'no fund has this id' }] });
    const invalid = rpcCallerProblem(err, { kind: 'invalid', detail: 'id: must be a UUID' }, callee, ref);
    expect(PlatformProblems.ValidationFailed.is(invalid)).toBe(true);
    expect(invalid).toMatchObject({ errors: [{ path: 'fund_id', message: 'id: must be a UUID' }] });
  });

  it('503 with Retry-After when the callee is absent, 502 when it is broken, the error itself when it is no RPC failure', () => {
    const unavailable = rpcCallerProblem(err, { kind: 'unavailable', detail: 'fund-service did not answer' }, callee, ref);
    expect(unavailable).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
    expect(callee.broken.is(rpcCallerProblem(err, { kind: 'broken', detail: 'x' }, callee, ref))).toBe(true);
    expect(rpcCallerProblem(err, null, callee, ref)).toBe(err);
  });
});
