import { describe, expect, it } from 'vitest';
import { eventSchemas, problemType } from '@equihome/domain';
import { eventStreamSubjects, MessagingValidationError, problemFromError, retryDelay, SubjectMapper, uuidv7 } from '../src/index.js';

describe('uuidv7', () => {
  it('encodes the millisecond timestamp as in the RFC 9562 Appendix A.6 example', () => {
    // RFC 9562 A.6: 2022-02-22T19:22:22Z = 0x017F22E279B0 ms → 017F22E2-79B0-7xxx-[89ab]xxx-…
    const id = uuidv7(1_645_557_742_000);
    expect(id).toMatch(/^017f22e2-79b0-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts ids of later milliseconds after earlier ones and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7())).size).toBe(1000);
  });
});

describe('SubjectMapper', () => {
  it('is the identity without a prefix', () => {
    const m = new SubjectMapper();
    expect(m.toWire('equihome.fund.created')).toBe('equihome.fund.created');
    expect(m.toLogical('equihome.fund.created')).toBe('equihome.fund.created');
  });

  it('replaces the equihome root by the prefix and back, wildcards included', () => {
    const m = new SubjectMapper('tabc');
    expect(m.toWire('equihome.fund.created')).toBe('tabc.fund.created');
    expect(m.toWire('equihome.>')).toBe('tabc.>');
    expect(m.toLogical('tabc.rpc.fund.get')).toBe('equihome.rpc.fund.get');
    // Only the root token is replaced, not a lookalike prefix.
    expect(m.toWire('equihomex.a')).toBe('equihomex.a');
    expect(m.toLogical('tabcd.a')).toBe('tabcd.a');
  });

  it('rejects a prefix that is not a valid subject token', () => {
    expect(() => new SubjectMapper('a b')).toThrow(/subjectPrefix/);
    expect(() => new SubjectMapper('x.>')).toThrow(/subjectPrefix/);
  });
});

describe('retryDelay', () => {
  it('doubles from the base per delivery and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, 1_000, 10_000))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(retryDelay(1_000, 1_000, 60_000)).toBe(60_000);
  });
});

describe('problemFromError', () => {
  it('keeps the status, title, detail and code of an HttpProblem-like error, typed urn:equihome:problem:<code>', () => {
    expect(problemFromError({ status: 404, title: 'Not Found', detail: 'fund f1 does not exist', code: 'FUND_NOT_FOUND' }, 'equihome.rpc.fund.get')).toEqual({
      type: 'urn:equihome:problem:fund-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'fund f1 does not exist',
      code: 'FUND_NOT_FOUND',
      instance: 'equihome.rpc.fund.get',
    });
  });

  it('uses the problem document of an error that renders its own (toProblem)', () => {
    const err = Object.assign(new Error('x'), {
      status: 404,
      toProblem: (instance: string) => ({ type: 'urn:equihome:problem:fund-not-found', title: 'Not Found', status: 404, code: 'FUND_NOT_FOUND', instance }),
    });
    expect(problemFromError(err, 'equihome.rpc.fund.get')).toEqual({
      type: 'urn:equihome:problem:fund-not-found',
      title: 'Not Found',
      status: 404,
      code: 'FUND_NOT_FOUND',
      instance: 'equihome.rpc.fund.get',
    });
  });

  it('gives an own problem document without a code the generic code of its status, and its type', () => {
    const err = { toProblem: (instance: string) => ({ type: 'about:blank', title: 'Conflict', status: 409, instance }) };
    expect(problemFromError(err, 's')).toEqual({ type: 'urn:equihome:problem:conflict', title: 'Conflict', status: 409, code: 'CONFLICT', instance: 's' });
  });

  it('reads statusCode (fastify errors), uses the message as detail for 4xx and the generic code of the status', () => {
    const err = Object.assign(new Error('version conflict'), { statusCode: 409 });
    expect(problemFromError(err, 's')).toMatchObject({ status: 409, detail: 'version conflict', code: 'CONFLICT', type: problemType('CONFLICT') });
    expect(problemFromError({ status: 418 }, 's')).toMatchObject({ status: 418, code: 'REQUEST_FAILED', type: 'urn:equihome:problem:request-failed' });
    expect(problemFromError({ status: 504 }, 's')).toMatchObject({ status: 504, code: 'INTERNAL', type: 'urn:equihome:problem:internal' });
  });

  it('answers 500 INTERNAL without the message for errors without a status or with an out-of-range one', () => {
    for (const err of [new Error('secret'), { status: 200, message: 'secret' }, 'secret', null]) {
      const p = problemFromError(err, 's');
      expect(p).toEqual({ type: 'urn:equihome:problem:internal', title: 'Internal Server Error', status: 500, code: 'INTERNAL', instance: 's' });
      expect(JSON.stringify(p)).not.toContain('secret');
    }
  });

  it('answers 400 VALIDATION_FAILED with the field errors for a validation error', () => {
    const err = new MessagingValidationError('s', [{ path: 'id', message: 'Too small' }]);
    expect(problemFromError(err, 's')).toMatchObject({
      type: 'urn:equihome:problem:validation-failed',
      code: 'VALIDATION_FAILED',
      status: 400,
      errors: [{ path: 'id', message: 'Too small' }],
    });
  });
});

describe('eventStreamSubjects', () => {
  it('covers every event subject with one wildcard per entity and never the rpc subjects', () => {
    const subjects = eventStreamSubjects(Object.keys(eventSchemas));
    expect(subjects).toEqual(['equihome.fund.>', 'equihome.market.>', 'equihome.optimization.>', 'equihome.portfolio.>', 'equihome.simulation.>']);
    const covered = (s: string) => subjects.some((w) => s.startsWith(w.slice(0, -1)));
    expect(Object.keys(eventSchemas).every(covered)).toBe(true);
    expect(covered('equihome.rpc.fund.get')).toBe(false);
  });
});
