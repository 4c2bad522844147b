import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export interface OpenApiOptions {
  title?: string;
  description?: string;
  /**
   * Replaces the document served at `/openapi.json` and `/docs/json` (Swagger UI) by what it
   * resolves to, given the service's own: the realtime gateway merges its upstreams' documents
   * into its own. Default: the own document as it is.
   */
  document?: (own: Record<string, unknown>) => Promise<Record<string, unknown>>;
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
  const document = options.document;
  const served = async () => {
    const own = app.swagger() as unknown as Record<string, unknown>;
    return document ? document(own) : own;
  };
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list' },
    // Swagger UI reads `/docs/json`: the same document as `/openapi.json`.
    ...(document
      ? {
          uiHooks: {
            preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
              if (request.routeOptions.url === '/docs/json') return reply.send(await served());
            },
          },
        }
      : {}),
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, served);
}
