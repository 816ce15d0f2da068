/** difflow's SVG plotting: dependency-free string building that runs unchanged in Node and in browsers. */
export { lineChart, lineChartFrame, panelGrid, scatterChart, scatterChartFrame } from './chart.js';
export type { ChartSpec, LineChartSpec, ScatterChartSpec } from './chart.js';
export type { ChartFrame, Rect } from './frame.js';
export type { LegendPosition } from './legend.js';
export type { LineSeries, PointSeries } from './marks.js';
export {
  extent,
  formatNumber,
  formatTick,
  linearScale,
  logScale,
  logTicks,
  niceDomain,
  niceTicks,
  paddedDomain,
  tickStep,
} from './scale.js';
export type { Scale, Tick } from './scale.js';
export { FONT, FONT_FAMILY, PALETTE, escapeXml } from './svg.js';
