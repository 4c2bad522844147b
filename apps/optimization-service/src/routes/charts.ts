import { svgToPng, tornadoChartSvg, type TornadoBar } from '@equihome/charts';
import { IdParams } from '@equihome/domain';
import { defineProblem, PlatformProblems, problemResponses, type FastifyZodInstance } from '@equihome/platform';
import { z } from 'zod';
import { OptimizationNotFound } from '../errors.js';
import type { OptimizationStore } from '../optimization-store.js';

const { StoreUnavailable } = PlatformProblems;
export const OptimizationNotCharted = defineProblem(409, 'OPTIMIZATION_NOT_CHARTED', 'No chart for this job', 'a tornado chart exists for a completed sensitivity job only');
const ChartParams = IdParams.extend({ format: z.enum(['svg', 'png']) });

/**
 * `GET /api/optimization/:id/charts/tornado.svg|png`: the tornado of a completed sensitivity
 * job, drawn server-side (libs/charts: Vega → SVG, resvg → PNG) from its stored rows; viewer
 * role; immutable once completed. Another kind or a job not completed → 409.
 */
export function chartRoutes(app: FastifyZodInstance, deps: { jobs: OptimizationStore }): void {
  app.get(
    '/api/optimization/:id/charts/tornado.:format',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['optimization'],
        summary: 'Tornado chart of a completed sensitivity job (LP net IRR median at each parameter’s low and high end), as SVG or PNG',
        params: ChartParams,
        produces: ['image/svg+xml', 'image/png'],
        response: { 200: z.unknown().describe('the chart: image/svg+xml, or image/png (2× the SVG size)'), ...problemResponses(400, 401, 403, OptimizationNotFound, OptimizationNotCharted, 429, StoreUnavailable) },
      },
    },
    async (request, reply) => {
      const job = await deps.jobs.get(request.params.id);
      if (job.kind !== 'sensitivity' || job.state !== 'completed' || job.result === null) {
        throw OptimizationNotCharted.create(`optimization ${job.id} is a ${job.state} ${job.kind} job: no tornado`);
      }
      const result = job.result as { base: number; rows: TornadoBar[] };
      const paths = (job.request as { paths?: number }).paths;
      const svg = await tornadoChartSvg(result.rows, { base: result.base, subtitle: `${paths?.toLocaleString('en-US') ?? '?'} paths per evaluation · common random numbers` });
      reply.header('cache-control', 'private, max-age=86400, immutable');
      if (request.params.format === 'png') return reply.type('image/png').send(svgToPng(svg));
      return reply.type('image/svg+xml; charset=utf-8').send(svg);
    },
  );
}
