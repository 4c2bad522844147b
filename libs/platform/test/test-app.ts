// A throwaway service used by the tests: one viewer route, one analyst route with a body,
// one public route echoing the client address.
import { z } from 'zod';
import { createService, loadConfig, problemResponses, signDevToken, type BaseConfig, type Role, type ServiceOptions } from '../src/index.js';

export const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export const CreateThing = z.object({
  name: z.string().min(1),
  loan_parameters: z.object({ zone_allocations: z.array(z.number().min(0).max(1)).min(1) }),
});

/** The config a test service runs on: `env` over silent logs and the test secret, parsed by `loadConfig`. */
export const testConfig = (env: Record<string, string> = {}): BaseConfig => loadConfig(undefined, { LOG_LEVEL: 'silent', JWT_SECRET: SECRET, ...env });

export async function buildTestService(env: Record<string, string> = {}, extra: Partial<ServiceOptions> = {}) {
  return createService({
    name: 'test-service',
    version: '1.2.3',
    config: testConfig(env),
    routes: (app) => {
      app.get('/public/ip', { schema: { hide: true, response: { 200: z.object({ ip: z.string() }) } } }, async (request) => ({ ip: request.ip }));
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
