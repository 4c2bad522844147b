import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export interface OpenApiOptions {
  title?: string;
  description?: string;
}

/**
 * OpenAPI 3.1 document generated from the routes' zod schemas: JSON at `/openapi.json`,
 * Swagger UI at `/docs`. Every `/api/*` operation carries the `bearerAuth` (JWT) security
 * requirement; the infrastructure routes (health, metrics, docs) are hidden.
 */
export async function installOpenApi(app: FastifyInstance, name: string, version: string, options: OpenApiOptions = {}): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title ?? name, version, ...(options.description ? { description: options.description } : {}) },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      if (input.url === '/api' || input.url.startsWith('/api/')) {
        return { ...out, schema: { ...out.schema, security: [{ bearerAuth: [] }] } };
      }
      return out;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
}
