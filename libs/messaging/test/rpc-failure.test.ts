import { describe, expect, it } from 'vitest';
import { classifyRpcFailure, MessagingUnavailableError, MessagingValidationError, RpcNoRespondersError, RpcRemoteError, RpcTimeoutError } from '../src/index.js';

const remote = (status: number, detail?: string) => new RpcRemoteError('equihome.rpc.fund.get', { type: 'urn:equihome:problem:X', title: 'X', status, code: 'X', ...(detail ? { detail } : {}) });

describe('classifyRpcFailure: what a failed RPC means for the caller', () => {
  it('404 → not_found; another 4xx → invalid with its detail; our own request failing its schema → invalid', () => {
    expect(classifyRpcFailure(remote(404, 'fund 1 does not exist'), 'fund-service')).toEqual({ kind: 'not_found', status: 404, detail: 'fund 1 does not exist' });
    expect(classifyRpcFailure(remote(400, 'id: must be a UUID'), 'fund-service')).toEqual({ kind: 'invalid', detail: 'id: must be a UUID' });
    expect(classifyRpcFailure(new MessagingValidationError('equihome.rpc.fund.get', [{ path: 'id', message: 'bad' }]), 'fund-service')).toMatchObject({ kind: 'invalid' });
  });

  it('no responder, a timeout or NATS down → unavailable; a 5xx or a reply failing its schema → broken', () => {
    expect(classifyRpcFailure(new RpcNoRespondersError('s'), 'fund-service')).toEqual({ kind: 'unavailable', detail: 'fund-service is not available (no responders)' });
    expect(classifyRpcFailure(new RpcTimeoutError('s', 3000), 'fund-service')).toEqual({ kind: 'unavailable', detail: 'fund-service did not answer within 3000 ms' });
    expect(classifyRpcFailure(new MessagingUnavailableError('closed'), 'fund-service')).toMatchObject({ kind: 'unavailable' });
    expect(classifyRpcFailure(remote(500), 'fund-service')).toMatchObject({ kind: 'broken' });
    expect(classifyRpcFailure(new MessagingValidationError('equihome.rpc.fund.get reply', [{ path: 'size', message: 'bad' }]), 'fund-service')).toMatchObject({ kind: 'broken' });
  });

  it('is null for anything that is not a messaging error (a bug surfaces as it is)', () => {
    expect(classifyRpcFailure(new TypeError('x'), 'fund-service')).toBeNull();
  });
});
