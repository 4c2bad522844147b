export { FAN_METRICS, fanChartSpec, fanChartSvg, renderSvg, type FanChartOptions, type FanMetric, type FanSeries } from './fan-chart.js';
export { tornadoChartSpec, tornadoChartSvg, type TornadoBar, type TornadoChartOptions } from './tornado-chart.js';
export { svgToPng } from './png.js';
