import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/index.js';
import { buildTestService } from './test-app.js';

describe('OpenAPI', () => {
  let service: Service;
  beforeAll(async () => {
    service = await buildTestService({}, { openapi: { title: 'Test API', description: 'throwaway' } });
  });
  afterAll(() => service.close());

  it('/openapi.json lists the routes with their request and response schemas', async () => {
    const res = await service.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Test API', version: '1.2.3', description: 'throwaway' });
    const post = doc.paths['/api/things'].post;
    const body = post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['name', 'loan_parameters']);
    expect(body.properties.loan_parameters.properties.zone_allocations.type).toBe('array');
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '401', '403', '413']);
    expect(post.responses['400'].description).toMatch(/^Bad Request\. Codes: VALIDATION_FAILED \(/);
    expect(post.responses['400'].content['application/problem+json'].schema.required).toEqual(['type', 'title', 'status', 'code']);
    const get = doc.paths['/api/things/{id}'].get;
    expect(get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:size']);
  });

  it('lists the problem codes of every documented error status: the platform codes of a bare status', async () => {
    const doc = (await service.app.inject({ url: '/openapi.json' })).json();
    const responses = doc.paths['/api/things'].post.responses;
    const codes = (status: string) => responses[status].content['application/problem+json'].schema.properties.code.enum;
    expect(codes('400')).toEqual(['VALIDATION_FAILED', 'INVALID_JSON', 'INVALID_CONTENT_LENGTH', 'BAD_REQUEST']);
    expect(codes('401')).toEqual(['TOKEN_MISSING', 'TOKEN_INVALID']);
    expect(codes('403')).toEqual(['ROLE_TOO_LOW']);
    expect(codes('413')).toEqual(['BODY_TOO_LARGE']);
    expect(responses['401'].description).toContain('TOKEN_MISSING (no `Authorization: Bearer <jwt>` header)');
  });

  it('declares the bearer JWT scheme and requires it on /api operations', async () => {
    const doc = (await service.app.inject({ url: '/openapi.json' })).json();
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.paths['/api/things'].post.security).toEqual([{ bearerAuth: [] }]);
  });

  it('documents the zod response schema of a successful reply', async () => {
    const doc = (await service.app.inject({ url: '/openapi.json' })).json();
    const ok = doc.paths['/api/things/{id}'].get.responses['200'].content['application/json'].schema;
    expect(ok).toMatchObject({ type: 'object', required: ['id', 'sub', 'role'], properties: { id: { type: 'string' }, sub: { type: 'string' }, role: { type: 'string' } } });
  });

  it('hides infrastructure routes from the document', async () => {
    const doc = (await service.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api'))).toEqual([]);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await service.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger');
  });
});
