import { fanChartSvg, svgToPng } from '@equihome/charts';
import { IdParams, SimulationSeriesQuery } from '@equihome/domain';
import { PlatformProblems, problemResponses, type FastifyZodInstance } from '@equihome/platform';
import { z } from 'zod';
import { SimulationNotCompleted, SimulationNotFound } from '../errors.js';
import type { ResultStore } from '../result-store.js';
import type { Run, RunStore } from '../run-store.js';

const { StoreUnavailable } = PlatformProblems;
const resultOf = (run: Run) => run.cached_from ?? run.id;

export const ChartParams = IdParams.extend({ format: z.enum(['svg', 'png']) });

/**
 * `GET /api/simulations/:id/charts/fan.svg|png?metric=nav|tvpi|dpi|lp_distributions`: the fan
 * chart of a completed run, drawn server-side (libs/charts: Vega → SVG, resvg → PNG) from the
 * same stored series as `/series`. Completed runs never change, so the image is cacheable
 * (`Cache-Control: private, max-age=86400, immutable`); viewer role.
 */
export function chartRoutes(app: FastifyZodInstance, deps: { runs: RunStore; results: ResultStore }): void {
  app.get(
    '/api/simulations/:id/charts/fan.:format',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['simulations'],
        summary: "Fan chart (p5–p95, p25–p75, median per period) of a completed run's nav | lp_distributions | dpi | tvpi, as SVG or PNG",
        params: ChartParams,
        querystring: SimulationSeriesQuery,
        produces: ['image/svg+xml', 'image/png'],
        response: { 200: z.unknown().describe('the chart: image/svg+xml, or image/png (2× the SVG size)'), ...problemResponses(400, 401, 403, SimulationNotFound, SimulationNotCompleted, 429, StoreUnavailable) },
      },
    },
    async (request, reply) => {
      const run = await deps.runs.get(request.params.id);
      if (run.state !== 'completed') throw SimulationNotCompleted.create(`simulation ${run.id} is ${run.state}: no chart yet`);
      const metric = request.query.metric;
      const series = await deps.results.getSeries(resultOf(run), metric);
      const svg = await fanChartSvg(series, {
        metric,
        subtitle: `${run.request.paths.toLocaleString('en-US')} ${run.request.granularity} paths · seed ${run.request.seed}${run.label ? ` · ${run.label}` : ''}`,
      });
      reply.header('cache-control', 'private, max-age=86400, immutable');
      if (request.params.format === 'png') return reply.type('image/png').send(svgToPng(svg));
      return reply.type('image/svg+xml; charset=utf-8').send(svg);
    },
  );
}
