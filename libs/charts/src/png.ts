/**
 * SVG → PNG with resvg (Rust, no browser): the system's fonts (DejaVu on Debian) are loaded
 * so text renders; `scale` 2 gives a sharp image for slides and screens.
 */
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string, options: { scale?: number } = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
