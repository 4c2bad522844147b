import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyZodInstance } from '@equihome/platform';

/** `apps/realtime-gateway/public/` (the results page; a placeholder until it is built). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/**
 * `/` and every file of `public/` (listed once at start-up: one route per file, no wildcard,
 * so an unknown path is the platform's 404 problem).
 */
export async function staticRoutes(app: FastifyZodInstance, root = PUBLIC_DIR): Promise<void> {
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, decorateReply: false, index: ['index.html'], schemaHide: true });
}
