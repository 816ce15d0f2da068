/**
 * Charts as standalone SVG documents: `lineChart` (curves over t or λ, per-step weights), `scatterChart`
 * (2-D particles, optionally with trajectories) and `panelGrid` (several charts in one document).
 * Pure string building, no DOM: the same output in Node and in browsers, and in librsvg.
 */
import { layoutFrame, renderBack, renderFront, type ChartFrame, type FrameSpec } from './frame.js';
import { CORNERS, renderLegend, type LegendPosition } from './legend.js';
import {
  coveredPixels,
  lineStyle,
  pixelRuns,
  pointStyle,
  renderLine,
  renderPoints,
  type LineSeries,
  type MarkStyle,
  type PointSeries,
} from './marks.js';
import { extent, paddedDomain } from './scale.js';
import { FONT, FONT_FAMILY, PALETTE, el, escapeXml, hash, text } from './svg.js';

/** What every chart takes. Sizes in px; domains are [min, max] in data units. */
export interface ChartSpec {
  /** Default 480. */
  readonly width?: number;
  /** Default 320. */
  readonly height?: number;
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Default: the data's extent (padded by 5% on scatter charts). */
  readonly xDomain?: readonly [number, number];
  /** Default: the data's extent padded by 5%, from exactly 0 when a filled series is ≥ 0. */
  readonly yDomain?: readonly [number, number];
  /** A base-10 log y axis; values ≤ 0 break lines and are not drawn. */
  readonly logY?: boolean;
  /**
   * Where the legend goes; it lists named series only. Default (or true, 'auto'): the first corner that
   * hides no data, else outside (right, or below when wider than a quarter of the chart). false: no legend.
   */
  readonly legend?: boolean | 'auto' | LegendPosition;
  /** Prefix of the clip-path id (default 'plot'); the id ends in a hash of the chart, so it is deterministic. */
  readonly id?: string;
}

/** A line chart: each series a curve, in the palette's order unless it names its colour. */
export interface LineChartSpec extends ChartSpec {
  readonly series: readonly LineSeries[];
}

/** A scatter chart: point clouds drawn over optional lines (trajectories under their end points). */
export interface ScatterChartSpec extends ChartSpec {
  readonly points: readonly PointSeries[];
  /** Lines drawn under the points; they take palette colours from the start, as the points do. */
  readonly lines?: readonly LineSeries[];
  /** Same px per unit on x and y (circles stay round), widening one domain. Ignored with logY. */
  readonly equalAspect?: boolean;
}

interface Prepared {
  readonly frame: ChartFrame;
  readonly spec: FrameSpec;
  readonly lines: readonly { readonly series: LineSeries; readonly style: MarkStyle }[];
  readonly points: readonly { readonly series: PointSeries; readonly style: MarkStyle }[];
}

function legendHits(frame: ChartFrame, covered: (frame: ChartFrame) => number[]): number {
  if (frame.legend === undefined) return 0;
  const { x, y, layout } = frame.legend;
  const xy = covered(frame);
  let hits = 0;
  for (let i = 0; i < xy.length; i += 2) {
    if (xy[i] >= x - 4 && xy[i] <= x + layout.width + 4 && xy[i + 1] >= y - 4 && xy[i + 1] <= y + layout.height + 4) hits++;
  }
  return hits;
}

function prepare(
  spec: ChartSpec,
  lineSeries: readonly LineSeries[],
  pointSeries: readonly PointSeries[],
  xPad: number,
  equalAspect: boolean,
): Prepared {
  const lines = lineSeries.map((series, i) => ({ series, style: lineStyle(series, PALETTE[i % PALETTE.length]) }));
  const points = pointSeries.map((series, i) => ({ series, style: pointStyle(series, PALETTE[i % PALETTE.length]) }));
  const all = [...lineSeries, ...pointSeries];
  const logY = spec.logY ?? false;
  const xDomain = spec.xDomain ?? paddedDomain(extent(all.map((s) => s.x)), xPad);
  let yDomain = spec.yDomain;
  if (yDomain === undefined) {
    const data = extent(
      all.map((s) => s.y),
      logY,
    );
    yDomain = paddedDomain(data, 0.05, logY);
    const filled = lineSeries.some((s) => s.fill !== undefined && s.fill !== false);
    if (filled && !logY && data !== undefined && data[0] >= 0) yDomain = [0, data[1] > 0 ? data[1] * 1.05 : 1];
  }
  const base: FrameSpec = {
    width: spec.width ?? 480,
    height: spec.height ?? 320,
    title: spec.title,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    xDomain,
    yDomain,
    logY,
    equalAspect,
    legend: undefined,
    entries: [...lines.map((l) => l.style), ...points.map((p) => p.style)],
  };
  const choice = spec.legend ?? 'auto';
  if (choice === false) return { frame: layoutFrame(base), spec: base, lines, points };
  if (choice !== true && choice !== 'auto') {
    const fixed = { ...base, legend: choice };
    return { frame: layoutFrame(fixed), spec: fixed, lines, points };
  }
  const covered = (frame: ChartFrame): number[] => [
    ...lines.flatMap((l) => coveredPixels(pixelRuns(l.series.x, l.series.y, frame.x, frame.y), true)),
    ...points.flatMap((p) => coveredPixels(pixelRuns(p.series.x, p.series.y, frame.x, frame.y), false)),
  ];
  for (const corner of CORNERS) {
    const candidate = { ...base, legend: corner };
    const frame = layoutFrame(candidate);
    if (frame.legend === undefined) return { frame, spec: candidate, lines, points };
    if (legendHits(frame, covered) === 0) return { frame, spec: candidate, lines, points };
  }
  const probe = layoutFrame({ ...base, legend: 'right' });
  const outside: LegendPosition = probe.legend !== undefined && probe.legend.layout.width > 0.25 * base.width ? 'bottom' : 'right';
  const final = { ...base, legend: outside };
  return { frame: layoutFrame(final), spec: final, lines, points };
}

function render(p: Prepared, id: string | undefined): string {
  const { frame } = p;
  const { area } = frame;
  const slack = 1 + Math.max(0, ...p.lines.map((l) => l.style.width / 2));
  let marks = '';
  for (const l of p.lines) marks += renderLine(l.series, l.style, frame.x, frame.y);
  for (const q of p.points) marks += renderPoints(q.series, q.style, frame.x, frame.y);
  const clip = el('rect', { x: area.x - slack, y: area.y - slack, width: area.width + 2 * slack, height: area.height + 2 * slack });
  const placeholder = '__difflow_clip__';
  let body =
    el('defs', {}, el('clipPath', { id: placeholder }, clip)) +
    renderBack(frame) +
    el('g', { class: 'marks', 'clip-path': `url(#${placeholder})` }, marks) +
    renderFront(frame, p.spec);
  if (frame.legend)
    body += renderLegend(
      frame.legend.layout,
      frame.legend.x,
      frame.legend.y,
      frame.legend.position !== 'right' && frame.legend.position !== 'bottom',
    );
  const clipId = `${id ?? 'plot'}-clip-${hash(body)}`;
  body = body.split(placeholder).join(escapeXml(clipId));
  return document(frame.width, frame.height, body);
}

function document(width: number, height: number, body: string): string {
  const attrs = {
    xmlns: 'http://www.w3.org/2000/svg',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'font-family': FONT_FAMILY,
    'font-size': FONT.tick,
  };
  return `${el('svg', attrs, `\n${body}\n`)}\n`;
}

/** The frame (plot area, scales, ticks, legend placement) that `lineChart(spec)` draws in. */
export function lineChartFrame(spec: LineChartSpec): ChartFrame {
  return prepare(spec, spec.series, [], 0, false).frame;
}

/** A line chart as a standalone SVG document. Non-finite points break lines; lines are clipped to the plot area. */
export function lineChart(spec: LineChartSpec): string {
  return render(prepare(spec, spec.series, [], 0, false), spec.id);
}

/** The frame (plot area, scales, ticks, legend placement) that `scatterChart(spec)` draws in. */
export function scatterChartFrame(spec: ScatterChartSpec): ChartFrame {
  return prepare(spec, spec.lines ?? [], spec.points, 0.05, spec.equalAspect ?? false).frame;
}

/** A scatter chart, points over optional lines, as a standalone SVG document. */
export function scatterChart(spec: ScatterChartSpec): string {
  return render(prepare(spec, spec.lines ?? [], spec.points, 0.05, spec.equalAspect ?? false), spec.id);
}

function rootSize(svg: string): [number, number] {
  const start = svg.indexOf('<svg');
  const tag = start < 0 ? '' : svg.slice(start, svg.indexOf('>', start) + 1);
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([0-9.]+)(px)?"`).exec(tag)?.[1] ?? NaN);
  const box =
    /\sviewBox="([^"]*)"/
      .exec(tag)?.[1]
      .trim()
      .split(/[\s,]+/)
      .map(Number) ?? [];
  const width = Number.isFinite(attr('width')) ? attr('width') : (box[2] ?? NaN);
  const height = Number.isFinite(attr('height')) ? attr('height') : (box[3] ?? NaN);
  if (!(width > 0 && height > 0)) throw new RangeError('panelGrid: a panel is not an <svg> with a width and a height');
  return [width, height];
}

/** `svg` as a nested panel at (x, y), its ids prefixed with `prefix` so that no two panels share one. */
function nest(svg: string, x: number, y: number, prefix: string): string {
  const body = svg.slice(svg.indexOf('<svg'));
  const renamed = body
    .replace(/\sid="([^"]*)"/g, ` id="${prefix}$1"`)
    .replace(/url\(#([^)]*)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]*)"/g, `href="#${prefix}$1"`);
  return `<svg x="${x}" y="${y}"${renamed.slice(4).trimEnd()}`;
}

/**
 * Lays chart SVGs out in a grid of `columns` columns (row by row) in one SVG document, each panel a nested
 * <svg>; columns are as wide as their widest panel, rows as tall as their tallest. `gap` (default 16 px) is
 * the space between and around panels; `title` goes on top.
 */
export function panelGrid(
  panels: readonly (string | { readonly svg: string })[],
  columns: number,
  opts: { readonly title?: string; readonly gap?: number } = {},
): string {
  if (!(Number.isInteger(columns) && columns >= 1)) throw new RangeError(`panelGrid: columns must be a positive integer, got ${columns}`);
  const svgs = panels.map((p) => (typeof p === 'string' ? p : p.svg));
  const sizes = svgs.map(rootSize);
  const gap = opts.gap ?? 16;
  const rows = Math.ceil(svgs.length / columns);
  const colWidth = Array.from({ length: Math.min(columns, svgs.length) }, (_, c) =>
    Math.max(...sizes.filter((_, i) => i % columns === c).map((s) => s[0])),
  );
  const rowHeight = Array.from({ length: rows }, (_, r) => Math.max(...sizes.slice(r * columns, (r + 1) * columns).map((s) => s[1])));
  const top = gap + (opts.title ? FONT.title + 12 : 0);
  const width = colWidth.reduce((a, b) => a + b + gap, gap);
  const height = rowHeight.reduce((a, b) => a + b + gap, top);
  let body = el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' });
  if (opts.title)
    body += text(width / 2, gap + FONT.title * 0.85, opts.title, {
      class: 'title',
      'text-anchor': 'middle',
      'font-size': FONT.title + 1,
      'font-weight': 'bold',
      fill: '#111111',
    });
  svgs.forEach((svg, i) => {
    const [r, c] = [Math.floor(i / columns), i % columns];
    const x = colWidth.slice(0, c).reduce((a, b) => a + b + gap, gap) + (colWidth[c] - sizes[i][0]) / 2;
    const y = rowHeight.slice(0, r).reduce((a, b) => a + b + gap, top);
    body += `\n${nest(svg, Math.round(x), Math.round(y), `p${i}-`)}`;
  });
  return document(width, height, body);
}
