/**
 * Marks drawn inside a chart's plot area: lines (polylines, steps, filled areas) and point clouds.
 * Non-finite data, and values a scale cannot map (log of v ≤ 0), break a line and are never written.
 */
import type { Scale } from './scale.js';
import { el, px } from './svg.js';

/** A line through (x[i], y[i]); a non-finite pair breaks it into sub-paths. */
export interface LineSeries {
  /** Shown in the legend; unnamed series are left out of it. */
  readonly name?: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Any SVG colour; the palette's next colour by default. */
  readonly color?: string;
  /** An SVG dash array, e.g. '6 3'. */
  readonly dash?: string;
  /** Stroke width in px (default 2). */
  readonly width?: number;
  /** A dot at every point (default false). */
  readonly markers?: boolean;
  readonly opacity?: number;
  /** 'step' holds y[i] from x[i] to x[i + 1], for bar-like per-step values (default 'linear'). */
  readonly curve?: 'linear' | 'step';
  /** Fills the area between the line and y = 0 (or the bottom of the plot): true for the line's colour. */
  readonly fill?: boolean | string;
}

/** A cloud of dots at (x[i], y[i]); non-finite pairs are skipped. */
export interface PointSeries {
  readonly name?: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
  /** Dot radius in px (default 3). */
  readonly radius?: number;
  /** Fill opacity (default 0.8). */
  readonly opacity?: number;
}

/** A series with its style resolved, as the legend needs it. */
export interface MarkStyle {
  readonly kind: 'line' | 'point';
  readonly name: string | undefined;
  readonly color: string;
  readonly dash: string | undefined;
  readonly width: number;
  readonly opacity: number;
  readonly markers: boolean;
  readonly radius: number;
}

/** Pixel coordinates are clamped to ±LIMIT so that renderers never see astronomically large numbers. */
const LIMIT = 1e5;

function clamp(v: number): number {
  return v < -LIMIT ? -LIMIT : v > LIMIT ? LIMIT : v;
}

/** The mapped points of a series as runs of finite pixels [x0, y0, x1, y1, …], one run per sub-path. */
export function pixelRuns(x: ArrayLike<number>, y: ArrayLike<number>, sx: Scale, sy: Scale): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const u = Number.isFinite(x[i]) ? sx.map(x[i]) : NaN;
    const v = Number.isFinite(y[i]) ? sy.map(y[i]) : NaN;
    if (Number.isFinite(u) && Number.isFinite(v)) {
      run.push(clamp(u), clamp(v));
    } else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function runPath(run: readonly number[], curve: 'linear' | 'step'): string {
  let d = `M${px(run[0])},${px(run[1])}`;
  for (let i = 2; i < run.length; i += 2) {
    if (curve === 'step') d += `L${px(run[i])},${px(run[i - 1])}`;
    d += `L${px(run[i])},${px(run[i + 1])}`;
  }
  return d;
}

/** Path data for a line: "M x,y L x,y …", a new "M" after every break; '' when nothing is finite. */
export function linePath(runs: readonly number[][], curve: 'linear' | 'step' = 'linear'): string {
  return runs.map((run) => runPath(run, curve)).join('');
}

/** Path data for the areas between each run and the horizontal line at pixel `base`. */
export function areaPath(runs: readonly number[][], base: number, curve: 'linear' | 'step' = 'linear'): string {
  return runs
    .filter((run) => run.length >= 4)
    .map((run) => `${runPath(run, curve)}L${px(run[run.length - 2])},${px(base)}L${px(run[0])},${px(base)}Z`)
    .join('');
}

/** Resolves a line series' style, taking `fallback` as its colour when it names none. */
export function lineStyle(s: LineSeries, fallback: string): MarkStyle {
  const width = s.width ?? 2;
  return {
    kind: 'line',
    name: s.name,
    color: s.color ?? fallback,
    dash: s.dash,
    width,
    opacity: s.opacity ?? 1,
    markers: s.markers ?? false,
    radius: Math.max(2.5, width * 1.4),
  };
}

/** Resolves a point series' style, taking `fallback` as its colour when it names none. */
export function pointStyle(s: PointSeries, fallback: string): MarkStyle {
  return {
    kind: 'point',
    name: s.name,
    color: s.color ?? fallback,
    dash: undefined,
    width: 0,
    opacity: s.opacity ?? 0.8,
    markers: true,
    radius: s.radius ?? 3,
  };
}

function dots(runs: readonly number[][], r: number): string {
  let out = '';
  for (const run of runs) for (let i = 0; i < run.length; i += 2) out += el('circle', { cx: run[i], cy: run[i + 1], r });
  return out;
}

/** A line series as SVG: optional area, the stroke (class "line"), optional markers. */
export function renderLine(s: LineSeries, style: MarkStyle, sx: Scale, sy: Scale): string {
  const runs = pixelRuns(s.x, s.y, sx, sy);
  const curve = s.curve ?? 'linear';
  let out = '';
  if (s.fill !== undefined && s.fill !== false) {
    const [d0, d1] = sy.domain;
    const zero = sy.kind === 'log' ? d0 : Math.min(Math.max(0, Math.min(d0, d1)), Math.max(d0, d1));
    const d = areaPath(runs, sy.map(zero), curve);
    const color = s.fill === true ? style.color : s.fill;
    if (d !== '')
      out += el('path', {
        class: 'area',
        d,
        fill: color,
        'fill-opacity': s.fill === true ? 0.2 * style.opacity : style.opacity,
        stroke: 'none',
      });
  }
  const d = linePath(runs, curve);
  if (d !== '') {
    out += el('path', {
      class: 'line',
      d,
      fill: 'none',
      stroke: style.color,
      'stroke-width': style.width,
      'stroke-dasharray': style.dash,
      'stroke-linejoin': 'round',
      'stroke-linecap': style.dash === undefined ? 'round' : 'butt',
      opacity: style.opacity === 1 ? undefined : style.opacity,
    });
  }
  if (style.markers)
    out += el(
      'g',
      { class: 'markers', fill: style.color, opacity: style.opacity === 1 ? undefined : style.opacity },
      dots(runs, style.radius),
    );
  return out;
}

/** A point series as SVG: a group (class "points") of circles. */
export function renderPoints(s: PointSeries, style: MarkStyle, sx: Scale, sy: Scale): string {
  const body = dots(pixelRuns(s.x, s.y, sx, sy), style.radius);
  return el('g', { class: 'points', fill: style.color, 'fill-opacity': style.opacity, stroke: 'none' }, body);
}

/**
 * Pixels a series covers, for placing the legend where it hides least: its points, and for lines also
 * points every few pixels along each segment. Returns a flat [x0, y0, x1, y1, …] array.
 */
export function coveredPixels(runs: readonly number[][], joined: boolean): number[] {
  const out: number[] = [];
  for (const run of runs) {
    out.push(run[0], run[1]);
    for (let i = 2; i < run.length; i += 2) {
      const [x0, y0, x1, y1] = [run[i - 2], run[i - 1], run[i], run[i + 1]];
      const steps = joined ? Math.min(200, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 4)) : 1;
      for (let k = 1; k <= steps; k++) out.push(x0 + ((x1 - x0) * k) / steps, y0 + ((y1 - y0) * k) / steps);
    }
  }
  return out;
}
