/**
 * Tornado chart of a sensitivity analysis: one horizontal bar per parameter from the base
 * value of the metric (LP net IRR median, in %) to its value at the parameter's low end and
 * at its high end, largest swing on top. SVG from a Vega spec rendered headless.
 */
import type { Spec } from 'vega';
import { renderSvg } from './fan-chart.js';

/** A tornado row as libs/finance `sensitivity()` and optimization-service answer it. */
export interface TornadoBar {
  parameter: string;
  kind: 'shift' | 'multiplier';
  low: number;
  high: number;
  metric_low: number;
  metric_high: number;
}

export interface TornadoChartOptions {
  /** The metric of the unchanged fund (annual decimal). */
  base: number;
  title?: string;
  subtitle?: string;
  width?: number;
}

const LOW = '#d6604d';
const HIGH = '#4393c3';

/** `×0.5`, `+2pp` (a shift of a rate, below 1 in size), `−2` (another shift, in the parameter's unit). */
const endLabel = (kind: TornadoBar['kind'], v: number) => {
  if (kind === 'multiplier') return `×${v}`;
  const sign = v > 0 ? '+' : v < 0 ? '−' : '';
  return Math.abs(v) < 1 ? `${sign}${+Math.abs(v * 100).toFixed(2)}pp` : `${sign}${Math.abs(v)}`;
};

export function tornadoChartSpec(rows: TornadoBar[], options: TornadoChartOptions): Spec {
  const sorted = [...rows].sort((a, b) => Math.abs(b.metric_high - b.metric_low) - Math.abs(a.metric_high - a.metric_low));
  const bars = sorted.flatMap((r) => [
    { parameter: r.parameter, end: 'low end', from: options.base * 100, to: r.metric_low * 100, label: endLabel(r.kind, r.low) },
    { parameter: r.parameter, end: 'high end', from: options.base * 100, to: r.metric_high * 100, label: endLabel(r.kind, r.high) },
  ]);
  const height = Math.max(120, sorted.length * 34);
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: options.width ?? 560,
    height,
    padding: 8,
    background: 'white',
    title: { text: options.title ?? 'Sensitivity of LP net IRR (median)', ...(options.subtitle ? { subtitle: options.subtitle } : {}), anchor: 'start', fontSize: 15 },
    data: [{ name: 'bars', values: bars }, { name: 'base', values: [{ x: options.base * 100 }] }],
    scales: [
      { name: 'y', type: 'band', domain: sorted.map((r) => r.parameter), range: 'height', padding: 0.25 },
      { name: 'x', type: 'linear', domain: { data: 'bars', fields: ['from', 'to'] }, range: 'width', nice: true, zero: false, padding: 90 },
      { name: 'colour', type: 'ordinal', domain: ['low end', 'high end'], range: [LOW, HIGH] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'LP net IRR, median (%)', format: '.1f', grid: true, gridOpacity: 0.25 },
      { orient: 'left', scale: 'y', labelFontSize: 11, labelLimit: 160 },
    ],
    legends: [{ fill: 'colour', orient: 'bottom', direction: 'horizontal', symbolType: 'square', title: 'parameter at its', titleOrient: 'left', offset: 10 }],
    marks: [
      {
        type: 'rect',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'parameter' },
            height: { scale: 'y', band: 1 },
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            fill: { scale: 'colour', field: 'end' },
            fillOpacity: { value: 0.9 },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'bars' },
        encode: {
          enter: {
            y: { scale: 'y', field: 'parameter', band: 0.5 },
            x: { scale: 'x', field: 'to' },
            dx: { signal: "datum.to >= datum.from ? 4 : -4" },
            align: { signal: "datum.to >= datum.from ? 'left' : 'right'" },
            baseline: { value: 'middle' },
            text: { signal: "datum.label + ' → ' + format(datum.to, '.2f') + '%'" },
            fontSize: { value: 10 },
            fill: { value: '#333' },
          },
        },
      },
      { type: 'rule', from: { data: 'base' }, encode: { enter: { x: { scale: 'x', field: 'x' }, y: { value: 0 }, y2: { signal: 'height' }, stroke: { value: '#222' }, strokeWidth: { value: 1.5 } } } },
      {
        type: 'text',
        from: { data: 'base' },
        encode: { enter: { x: { scale: 'x', field: 'x' }, y: { value: -4 }, align: { value: 'center' }, text: { signal: "'base ' + format(datum.x, '.2f') + '%'" }, fontSize: { value: 10 }, fill: { value: '#222' } } },
      },
    ],
  };
}

export async function tornadoChartSvg(rows: TornadoBar[], options: TornadoChartOptions): Promise<string> {
  return renderSvg(tornadoChartSpec(rows, options), 'tornado chart');
}
