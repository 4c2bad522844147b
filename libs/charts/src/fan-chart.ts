/**
 * Fan chart of a simulated metric over the fund's life: the p5–p95 and p25–p75 bands and the
 * median, per period, from a run's stored series. SVG from a Vega spec rendered headless (no
 * browser, no canvas), so the same picture comes out of a server, a test or a CLI.
 * Units: `nav` and `lp_distributions` are dollars, drawn in $M; `tvpi` and `dpi` are
 * multiples (×) of contributed capital. Years on the x axis, from the first close.
 */
import { parse, View, type Spec } from 'vega';

export type FanMetric = 'nav' | 'lp_distributions' | 'tvpi' | 'dpi';

/** Per-period percentiles (what `GET /api/simulations/:id/series` answers). */
export interface FanSeries {
  years: number[];
  p5: number[];
  p25: number[];
  p50: number[];
  p75: number[];
  p95: number[];
}

export const FAN_METRICS: Record<FanMetric, { title: string; axis: string; scale: number; format: string }> = {
  nav: { title: 'Net asset value', axis: 'NAV ($M)', scale: 1e-6, format: ',.1f' },
  lp_distributions: { title: 'Cumulative distributions to LPs', axis: 'Distributions ($M)', scale: 1e-6, format: ',.1f' },
  tvpi: { title: 'TVPI', axis: 'TVPI (×)', scale: 1, format: '.2f' },
  dpi: { title: 'DPI', axis: 'DPI (×)', scale: 1, format: '.2f' },
};

export interface FanChartOptions {
  metric: FanMetric;
  /** Title above the chart (default: the metric's name). */
  title?: string;
  /** Subtitle, e.g. `100,000 paths · seed 42`. */
  subtitle?: string;
  width?: number;
  height?: number;
}

const BAND_OUTER = '#9ecae1';
const BAND_INNER = '#4292c6';
const MEDIAN = '#08306b';

/** The Vega spec of a fan chart (exported for tests and for clients that render it themselves). */
export function fanChartSpec(series: FanSeries, options: FanChartOptions): Spec {
  const m = FAN_METRICS[options.metric];
  const n = series.years.length;
  for (const key of ['p5', 'p25', 'p50', 'p75', 'p95'] as const) {
    if (series[key].length !== n) throw new RangeError(`series.${key} has ${series[key].length} values for ${n} years`);
  }
  const values = series.years.map((year, i) => ({
    year,
    p5: series.p5[i] * m.scale,
    p25: series.p25[i] * m.scale,
    p50: series.p50[i] * m.scale,
    p75: series.p75[i] * m.scale,
    p95: series.p95[i] * m.scale,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: options.width ?? 640,
    height: options.height ?? 320,
    padding: 8,
    background: 'white',
    title: { text: options.title ?? m.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}), anchor: 'start', fontSize: 15 },
    data: [{ name: 'bands', values }],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'bands', field: 'year' }, range: 'width', nice: false, zero: true },
      { name: 'y', type: 'linear', domain: { data: 'bands', fields: ['p5', 'p95'] }, range: 'height', nice: true, zero: true },
      { name: 'legend', type: 'ordinal', domain: ['5th–95th percentile', '25th–75th percentile', 'median'], range: [BAND_OUTER, BAND_INNER, MEDIAN] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'Years from first close', tickMinStep: 1, format: 'd', grid: false },
      { orient: 'left', scale: 'y', title: m.axis, format: m.format, grid: true, gridOpacity: 0.25 },
    ],
    legends: [{ fill: 'legend', orient: 'top', direction: 'horizontal', symbolType: 'square', labelFontSize: 11, labelLimit: 220, offset: 6 }],
    marks: [
      { type: 'area', from: { data: 'bands' }, encode: { enter: { x: { scale: 'x', field: 'year' }, y: { scale: 'y', field: 'p95' }, y2: { scale: 'y', field: 'p5' }, fill: { value: BAND_OUTER }, fillOpacity: { value: 0.7 } } } },
      { type: 'area', from: { data: 'bands' }, encode: { enter: { x: { scale: 'x', field: 'year' }, y: { scale: 'y', field: 'p75' }, y2: { scale: 'y', field: 'p25' }, fill: { value: BAND_INNER }, fillOpacity: { value: 0.8 } } } },
      { type: 'line', from: { data: 'bands' }, encode: { enter: { x: { scale: 'x', field: 'year' }, y: { scale: 'y', field: 'p50' }, stroke: { value: MEDIAN }, strokeWidth: { value: 2.5 } } } },
    ],
  };
}

/** Renders the fan chart to a standalone SVG document (with `role="img"` and an aria-label). */
export async function fanChartSvg(series: FanSeries, options: FanChartOptions): Promise<string> {
  return renderSvg(fanChartSpec(series, options), `fan chart of ${FAN_METRICS[options.metric].title}`);
}

/** Vega spec → SVG string, headless; the root gets `role="img"` and `aria-label`. */
export async function renderSvg(spec: Spec, label: string): Promise<string> {
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const safe = label.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return svg.replace('<svg ', `<svg role="img" aria-label="${safe}" `);
  } finally {
    view.finalize();
  }
}
