import { describe, expect, it } from 'vitest';
import { fanChartSpec, fanChartSvg, svgToPng, tornadoChartSvg, type FanSeries } from '../src/index.js';

const years = Array.from({ length: 41 }, (_, i) => i / 4);
const series: FanSeries = {
  years,
  p5: years.map((y) => 80e6 + 2e6 * y),
  p25: years.map((y) => 85e6 + 3e6 * y),
  p50: years.map((y) => 90e6 + 4e6 * y),
  p75: years.map((y) => 95e6 + 5e6 * y),
  p95: years.map((y) => 100e6 + 6e6 * y),
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('fan chart', () => {
  it('draws both bands and the median in $M, with axes titled in years and $M, a legend and an aria-label', async () => {
    const svg = await fanChartSvg(series, { metric: 'nav', subtitle: '1,000 paths' });
    expect(svg).toMatch(/^<svg role="img" aria-label="fan chart of Net asset value"/);
    for (const text of ['Years from first close', 'NAV ($M)', '5th–95th percentile', '25th–75th percentile', 'median', 'Net asset value', '1,000 paths']) expect(svg).toContain(text);
    // the y axis is in millions: 160 ($M) at the top of the p95 band of year 10
    expect(svg).toContain('>160.0<');
    expect(svg).not.toContain('160,000,000');
    // two areas and a line
    expect(svg.match(/class="mark-area/g)).toHaveLength(2);
    expect(svg.match(/class="mark-line/g)).toHaveLength(1);
  });

  it('draws multiples as ×, not dollars', async () => {
    const svg = await fanChartSvg({ years: [0, 1, 2], p5: [0, 0.5, 0.9], p25: [0, 0.7, 1.1], p50: [0, 0.8, 1.3], p75: [0, 0.9, 1.5], p95: [0, 1.1, 1.9] }, { metric: 'tvpi' });
    expect(svg).toContain('TVPI (×)');
    expect(svg).toContain('>1.00<');
  });

  it('refuses bands of a different length than the years', () => {
    expect(() => fanChartSpec({ ...series, p50: series.p50.slice(1) }, { metric: 'nav' })).toThrow(/series\.p50 has 40 values for 41 years/);
  });

  it('renders to a PNG at twice the SVG size', async () => {
    const png = svgToPng(await fanChartSvg(series, { metric: 'nav', width: 300, height: 150 }));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(300);
  });
});

describe('tornado chart', () => {
  it('puts the largest swing on top, colours the low and high ends, and marks the base', async () => {
    const svg = await tornadoChartSvg(
      [
        { parameter: 'hurdle_rate', kind: 'shift', low: -0.02, high: 0.02, metric_low: 0.071, metric_high: 0.069 },
        { parameter: 'appreciation_rate', kind: 'shift', low: -0.02, high: 0.02, metric_low: 0.03, metric_high: 0.11 },
        { parameter: 'default_rate', kind: 'multiplier', low: 0.5, high: 2, metric_low: 0.075, metric_high: 0.06 },
      ],
      { base: 0.07 },
    );
    expect(svg).toMatch(/^<svg role="img" aria-label="tornado chart"/);
    const order = ['appreciation_rate', 'default_rate', 'hurdle_rate'].map((p) => svg.indexOf(`>${p}<`));
    expect(order.every((i) => i > 0)).toBe(true);
    // band scale top → bottom: the largest swing is drawn first
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const text of ['LP net IRR, median (%)', 'low end', 'high end', 'base 7.00%', '×2 → 6.00%', '+2pp → 11.00%']) expect(svg).toContain(text);
    expect(svg.match(/class="mark-rect/g)).toHaveLength(1);
    expect(svg.match(/<path d=/g)!.length).toBeGreaterThanOrEqual(6);
  });
});
