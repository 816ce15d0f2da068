/**
 * A chart's frame: margins sized to fit the tick labels, axis labels, title and legend; the scales of its
 * plot area; and the SVG of the background, grid, axes and text around the plot area.
 */
import { legendLayout, type LegendLayout, type LegendPosition } from './legend.js';
import type { MarkStyle } from './marks.js';
import { linearScale, logScale, type Scale, type Tick } from './scale.js';
import { FONT, el, text, textWidth, wrapText } from './svg.js';

/** A rectangle in px. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What the frame is laid out from; domains are final except that `equalAspect` may widen one. */
export interface FrameSpec {
  readonly width: number;
  readonly height: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly logY: boolean;
  /** Widen the x or the y domain so that one unit has the same length in px on both axes. */
  readonly equalAspect: boolean;
  readonly legend: LegendPosition | undefined;
  readonly entries: readonly MarkStyle[];
}

/** A laid-out chart: its size, plot area, scales, ticks and legend placement. */
export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  /** The plot area; the scales map the domains onto it (y upward). */
  readonly area: Rect;
  readonly x: Scale;
  readonly y: Scale;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly legend: { readonly layout: LegendLayout; readonly position: LegendPosition; readonly x: number; readonly y: number } | undefined;
}

const TICK = 5;
const EDGE = 10;
const INSET = 8;
const TITLE_LINE = FONT.title + 4;

function clampCount(pixels: number, per: number): number {
  return Math.max(2, Math.min(10, Math.round(pixels / per)));
}

function widen([a, b]: readonly [number, number], factor: number): [number, number] {
  const mid = (a + b) / 2;
  const half = ((b - a) / 2) * factor;
  return [mid - half, mid + half];
}

function layoutOnce(spec: FrameSpec, xDomain: readonly [number, number], yDomain: readonly [number, number]): ChartFrame {
  const { width, height } = spec;
  const rows = spec.legend === 'bottom';
  const layout = spec.legend === undefined ? undefined : legendLayout(spec.entries, rows, width - 2 * EDGE);
  const position = layout === undefined ? undefined : spec.legend;

  const titleLines = spec.title ? wrapText(spec.title, FONT.title, width - 2 * EDGE).length : 0;
  const top = Math.round(EDGE + (titleLines > 0 ? titleLines * TITLE_LINE + 8 : 0));
  let bottom = TICK + 4 + FONT.tick + EDGE + (spec.xLabel ? FONT.label + 8 : 0);
  if (layout && position === 'bottom') bottom += layout.height + 6;
  const h = Math.max(10, Math.round(height - top - bottom));
  const y = spec.logY ? logScale(yDomain, [top + h, top]) : linearScale(yDomain, [top + h, top]);
  const yTicks = y.ticks(clampCount(h, 50));

  const yTickWidth = Math.max(0, ...yTicks.map((t) => textWidth(t.label, FONT.tick)));
  const left = Math.round(EDGE + (spec.yLabel ? FONT.label + 10 : 0) + yTickWidth + 4 + TICK);
  let right = EDGE + 4;
  if (layout && position === 'right') right += layout.width + 8;
  const x0 = linearScale(xDomain, [left, width - right]);
  const xTicks = xTicksThatFit(x0, width - left - right);
  const last = xTicks[xTicks.length - 1];
  if (last !== undefined) right = Math.max(right, textWidth(last.label, FONT.tick) / 2 + 4 - (width - right - x0.map(last.value)));
  const w = Math.max(10, Math.round(width - left - right));
  const x = linearScale(xDomain, [left, left + w]);
  const area: Rect = { x: left, y: top, width: w, height: h };

  let legend: ChartFrame['legend'];
  if (layout && position) {
    const [lw, lh] = [layout.width, layout.height];
    const at: Record<LegendPosition, [number, number]> = {
      'top-right': [left + w - lw - INSET, top + INSET],
      'top-left': [left + INSET, top + INSET],
      'bottom-right': [left + w - lw - INSET, top + h - lh - INSET],
      'bottom-left': [left + INSET, top + h - lh - INSET],
      right: [left + w + 12, top],
      bottom: [Math.max(EDGE, Math.min(left + (w - lw) / 2, width - EDGE - lw)), height - EDGE - lh + 4],
    };
    legend = { layout, position, x: at[position][0], y: at[position][1] };
  }
  return { width, height, area, x, y, xTicks: xTicksThatFit(x, w), yTicks, legend };
}

/** About one x tick per 80 px, fewer while neighbouring labels would come closer than 8 px. */
function xTicksThatFit(x: Scale, w: number): readonly Tick[] {
  for (let count = clampCount(w, 80); ; count--) {
    const ticks = x.ticks(count);
    const apart = ticks.length < 2 ? Infinity : Math.abs(x.map(ticks[1].value) - x.map(ticks[0].value));
    const widest = Math.max(0, ...ticks.map((t) => textWidth(t.label, FONT.tick)));
    if (count <= 2 || widest + 8 <= apart) return ticks;
  }
}

/** Lays out a chart: margins from the labels it will show, then the scales of the plot area. */
export function layoutFrame(spec: FrameSpec): ChartFrame {
  let xDomain = spec.xDomain;
  let yDomain = spec.yDomain;
  let frame = layoutOnce(spec, xDomain, yDomain);
  if (!spec.equalAspect || spec.logY) return frame;
  for (let pass = 0; pass < 3; pass++) {
    const ux = (frame.x.domain[1] - frame.x.domain[0]) / frame.area.width;
    const uy = (frame.y.domain[1] - frame.y.domain[0]) / frame.area.height;
    if (Math.abs(ux / uy - 1) < 1e-6) break;
    if (ux > uy) yDomain = widen(frame.y.domain, ux / uy);
    else xDomain = widen(frame.x.domain, uy / ux);
    frame = layoutOnce(spec, xDomain, yDomain);
  }
  return frame;
}

/** The white background and the light grid lines at the ticks. */
export function renderBack(frame: ChartFrame): string {
  const { area } = frame;
  let grid = '';
  for (const t of frame.xTicks) {
    const u = frame.x.map(t.value);
    grid += el('line', { x1: u, y1: area.y, x2: u, y2: area.y + area.height });
  }
  for (const t of frame.yTicks) {
    const v = frame.y.map(t.value);
    grid += el('line', { x1: area.x, y1: v, x2: area.x + area.width, y2: v });
  }
  return (
    el('rect', { x: 0, y: 0, width: frame.width, height: frame.height, fill: '#ffffff' }) +
    el('g', { class: 'grid', stroke: '#e6e6e6', 'stroke-width': 1 }, grid)
  );
}

/** Axis lines, tick marks, tick labels, axis labels and the title. */
export function renderFront(frame: ChartFrame, spec: FrameSpec): string {
  const { area } = frame;
  const bottom = area.y + area.height;
  let ticks = '';
  let labels = '';
  for (const t of frame.xTicks) {
    const u = frame.x.map(t.value);
    ticks += el('line', { x1: u, y1: bottom, x2: u, y2: bottom + TICK });
    labels += text(u, bottom + TICK + 3 + FONT.tick * 0.8, t.label, { 'text-anchor': 'middle' });
  }
  for (const t of frame.yTicks) {
    const v = frame.y.map(t.value);
    ticks += el('line', { x1: area.x - TICK, y1: v, x2: area.x, y2: v });
    labels += text(area.x - TICK - 3, v + FONT.tick * 0.35, t.label, { 'text-anchor': 'end' });
  }
  const axes = el('path', { d: `M${area.x},${area.y}V${bottom}H${area.x + area.width}`, fill: 'none' });
  let out = el('g', { class: 'axes', stroke: '#333333', 'stroke-width': 1 }, axes + ticks);
  out += el('g', { class: 'tick-labels', 'font-size': FONT.tick, fill: '#333333' }, labels);
  if (spec.xLabel) {
    const baseline = bottom + TICK + 3 + FONT.tick + 6 + FONT.label * 0.8;
    out += text(area.x + area.width / 2, baseline, spec.xLabel, {
      class: 'x-label',
      'text-anchor': 'middle',
      'font-size': FONT.label,
      fill: '#222222',
    });
  }
  if (spec.yLabel) {
    const cx = EDGE + FONT.label * 0.8;
    const cy = area.y + area.height / 2;
    out += text(cx, cy, spec.yLabel, {
      class: 'y-label',
      'text-anchor': 'middle',
      'font-size': FONT.label,
      fill: '#222222',
      transform: `rotate(-90 ${cx.toFixed(2)} ${cy.toFixed(2)})`,
    });
  }
  if (spec.title) {
    wrapText(spec.title, FONT.title, frame.width - 2 * EDGE).forEach((line, i) => {
      const half = textWidth(line, FONT.title) / 2;
      const cx = Math.min(Math.max(area.x + area.width / 2, EDGE + half), frame.width - EDGE - half);
      const attrs = { class: 'title', 'text-anchor': 'middle', 'font-size': FONT.title, 'font-weight': 'bold', fill: '#111111' };
      out += text(half > frame.width / 2 - EDGE ? frame.width / 2 : cx, EDGE + FONT.title * 0.85 + i * TITLE_LINE, line, attrs);
    });
  }
  return out;
}
