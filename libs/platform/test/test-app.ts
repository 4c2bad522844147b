// A throwaway service used by the tests: one viewer route, one analyst route with a body.
import { z } from 'zod';
import { createService, problemResponses, signDevToken, type Role, type ServiceOptions } from '../src/index.js';

export const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export const CreateThing = z.object({
  name: z.string().min(1),
  loan_parameters: z.object({ zone_allocations: z.array(z.number().min(0).max(1)).min(1) }),
});

export async function buildTestService(env: Record<string, string> = {}, extra: Partial<ServiceOptions<Record<never, never>>> = {}) {
  return createService({
    name: 'test-service',
    version: '1.2.3',
    env: { LOG_LEVEL: 'silent', JWT_SECRET: SECRET, ...env },
    routes: (app) => {
      app.get(
        '/api/things/:id',
        {
          schema: {
            params: z.object({ id: z.string() }),
            querystring: z.object({ size: z.coerce.number().int().positive().optional() }),
            response: { 200: z.object({ id: z.string(), sub: z.string(), role: z.string() }), ...problemResponses(401, 403) },
          },
        },
        async (request) => ({ id: request.params.id, sub: request.user.sub, role: request.user.role }),
      );
      app.post(
        '/api/things',
        {
          config: { role: 'analyst' },
          schema: { body: CreateThing, response: { 201: z.object({ name: z.string() }), ...problemResponses(400, 401, 403, 413) } },
        },
        async (request, reply) => reply.code(201).send({ name: request.body.name }),
      );
      app.get('/api/boom', async () => {
        throw new Error('secret internal detail');
      });
    },
    ...extra,
  });
}

export const token = (role: Role, sub = `user-${role}`) => signDevToken({ role, sub, secret: SECRET });
