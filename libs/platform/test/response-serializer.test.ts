import { Fund, FundInput, pageOf } from '@equihome/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compiledSerializerCompiler, createService, problemResponses, ResponseInvalidError, type Service } from '../src/index.js';
import { testConfig, token } from './test-app.js';

const fund = (i: number) => {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
  return {
    ...FundInput.parse({ name: `Fund ${i} "quoted" \u00e9\u2028`, size: 1e8 + i, vintage_year: 2026, capital_calls: [{ date: '2026-03-31', amount: 1e7 }, { date: '2026-06-30T00:00:00Z', amount: 2e7 }] }),
    id: `f-${i}`,
    version: i + 1,
    created_at: at,
    updated_at: at,
  };
};
const compile = (schema: unknown) => compiledSerializerCompiler({ schema, method: 'GET', url: '/x', httpStatus: '200' } as never);

describe('compiledSerializerCompiler', () => {
  it('writes a domain Fund and a page of funds exactly as zod would (parse, then JSON.stringify)', () => {
    const one = fund(1);
    expect(compile(Fund)(one)).toBe(JSON.stringify(Fund.parse(one)));
    const withStepDown = { ...fund(2), fee_structure: { ...fund(2).fee_structure, fee_step_down: { after_year: 5, rate: 0.015 } } };
    expect(compile(Fund)(withStepDown)).toBe(JSON.stringify(Fund.parse(withStepDown)));
    const page = { items: [one, withStepDown, fund(3)], next_cursor: 'abc' };
    expect(compile(pageOf(Fund))(page)).toBe(JSON.stringify(pageOf(Fund).parse(page)));
  });

  it('writes only declared properties: unknown keys of the handler’s object never reach the wire', () => {
    const stored = { ...fund(1), _internal_row_id: 42, fee_structure: { ...fund(1).fee_structure, secret_margin: 0.5 } };
    const json = compile(Fund)(stored);
    expect(json).not.toContain('_internal_row_id');
    expect(json).not.toContain('secret_margin');
    expect(json).toBe(JSON.stringify(Fund.parse(fund(1))));
  });

  it('keeps the unknown keys of a loose object, as zod does', () => {
    const schema = z.object({ meta: z.looseObject({ a: z.number() }) });
    expect(compile(schema)({ meta: { a: 1, b: 'kept' }, dropped: true })).toBe('{"meta":{"a":1,"b":"kept"}}');
  });

  it('fails a reply that lacks a required property or holds a value its type cannot take', () => {
    const { name: _name, ...nameless } = fund(1);
    expect(() => compile(Fund)(nameless)).toThrow(ResponseInvalidError);
    expect(() => compile(Fund)({ ...fund(1), size: 'lots' })).toThrow(/does not fit its schema/);
    expect(() => compile(z.object({ n: z.number() }))({ n: Number.NaN })).toThrow(ResponseInvalidError);
  });

  it('picks the union branch the value matches, extra keys notwithstanding', () => {
    const schema = z.object({
      event: z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), x: z.number() }), z.object({ kind: z.literal('b'), y: z.string() })]),
      maybe: z.object({ v: z.number() }).nullable(),
    });
    expect(compile(schema)({ event: { kind: 'b', y: 's', x: 3 }, maybe: null })).toBe('{"event":{"kind":"b","y":"s"},"maybe":null}');
    expect(compile(schema)({ event: { kind: 'a', x: 1, y: 'q' }, maybe: { v: 2, w: 3 } })).toBe('{"event":{"kind":"a","x":1},"maybe":{"v":2}}');
  });

  it('writes recursive schemas', () => {
    type Node = { name: string; children: Node[] };
    const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(NodeSchema) }));
    expect(compile(NodeSchema)({ name: 'r', children: [{ name: 'c', children: [], x: 1 }] })).toBe('{"name":"r","children":[{"name":"c","children":[]}]}');
  });

  it('leaves what JSON Schema cannot describe to zod: a codec is encoded, a date written as ISO text', () => {
    const codec = z.object({ n: z.codec(z.string(), z.number(), { decode: Number, encode: String }) });
    expect(compile(codec)({ n: 5 })).toBe('{"n":"5"}');
    expect(compile(z.object({ at: z.date() }))({ at: new Date(Date.UTC(2026, 0, 2)) })).toBe('{"at":"2026-01-02T00:00:00.000Z"}');
  });
});

describe('reply serialization in a service', () => {
  const Reading = z.object({ value: z.number().min(0).max(1), label: z.string() });
  const build = (validateResponses: boolean) =>
    createService({
      name: 'serializer',
      config: testConfig({ LOG_LEVEL: 'silent' }),
      validateResponses,
      routes: (app) => {
        app.get('/api/reading', { schema: { response: { 200: Reading, ...problemResponses(401) } } }, async () => ({ value: 7, label: 'out of range', hidden: 'x' }) as never);
        app.get('/api/broken', { schema: { response: { 200: Reading } } }, async () => ({ value: 'seven' }) as never);
      },
    });
  let fast: Service;
  let validating: Service;
  let headers: Record<string, string>;
  beforeAll(async () => {
    [fast, validating] = await Promise.all([build(false), build(true)]);
    headers = { authorization: `Bearer ${await token('viewer')}` };
  });
  afterAll(() => Promise.all([fast.close(), validating.close()]));

  it('by default writes the reply through the compiled plan: declared fields only, bounds not re-checked', async () => {
    const res = await fast.app.inject({ url: '/api/reading', headers });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"value":7,"label":"out of range"}');
  });

  it('answers 500 RESPONSE_INVALID problem+json when the reply cannot be written', async () => {
    const res = await fast.app.inject({ url: '/api/broken', headers });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 500, code: 'RESPONSE_INVALID' });
  });

  it('with validateResponses re-validates every reply with zod (a bound violated → 500 RESPONSE_INVALID)', async () => {
    const res = await validating.app.inject({ url: '/api/reading', headers });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'RESPONSE_INVALID' });
  });

  it('still writes error replies as problem+json through the compiled problem schema', async () => {
    const res = await fast.app.inject({ url: '/api/reading' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      type: 'urn:equihome:problem:token-missing',
      title: 'Unauthorized',
      status: 401,
      detail: 'missing bearer token',
      instance: '/api/reading',
      code: 'TOKEN_MISSING',
    });
  });
});
