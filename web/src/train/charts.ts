/** The training panel's two charts: the live loss curve and the samples over the data. */
import { PALETTE, lineChart, scatterChart } from '../../../src/figures/plot/index.js';

/** Data points drawn under the samples. */
export const PREVIEW_POINTS = 500;

/** At most this many points per loss series: longer runs are shown as means over equal bins of steps. */
const MAX_POINTS = 160;

/** Losses [K] as (step, mean loss over the bin) pairs; steps count from 1. */
export function binnedLoss(losses: ArrayLike<number>): { x: number[]; y: number[] } {
  const n = losses.length;
  const bins = Math.min(n, MAX_POINTS);
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    let sum = 0;
    for (let i = from; i < to; i++) sum += losses[i];
    x.push((from + to + 1) / 2);
    y.push(sum / (to - from));
  }
  return { x, y };
}

/** A bias-corrected exponential moving average of the losses (time constant ~1/rate steps), sampled like `binnedLoss`. */
export function smoothedLoss(losses: ArrayLike<number>, rate = 0.02): { x: number[]; y: number[] } {
  const n = losses.length;
  const bins = Math.min(n, MAX_POINTS);
  const x: number[] = [];
  const y: number[] = [];
  let m = 0;
  let weight = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    m += rate * (losses[i] - m);
    weight += rate * (1 - weight); // 1 − (1 − rate)^(i+1): divides out the start at 0
    if (i + 1 === Math.floor(((b + 1) * n) / bins)) {
      x.push(i + 1);
      y.push(m / weight);
      b++;
    }
  }
  return { x, y };
}

export function lossChart(losses: ArrayLike<number>, steps: number, width: number): string {
  const height = Math.round(Math.min(320, Math.max(220, width * 0.62)));
  if (losses.length === 0) {
    return lineChart({
      id: 'train-loss',
      width,
      height,
      title: 'Training loss (press Train)',
      xLabel: 'step',
      yLabel: 'loss',
      xDomain: [0, steps],
      yDomain: [0.1, 10],
      logY: true,
      series: [],
      legend: false,
    });
  }
  const raw = binnedLoss(losses);
  const smooth = smoothedLoss(losses);
  return lineChart({
    id: 'train-loss',
    width,
    height,
    title: `Training loss, step ${losses.length}`,
    xLabel: 'step',
    yLabel: 'weighted output MSE',
    xDomain: [0, Math.max(steps, losses.length)],
    logY: true,
    series: [
      { name: losses.length > MAX_POINTS ? 'loss (bin mean)' : 'loss', x: raw.x, y: raw.y, color: PALETTE[5], width: 1 },
      { name: 'moving average', x: smooth.x, y: smooth.y, color: PALETTE[0], width: 2 },
    ],
    // A fixed corner: 'auto' tests every corner against the curves, too slow to redraw while training.
    legend: 'top-right',
  });
}

function split(points: ArrayLike<number>): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    x.push(points[i]);
    y.push(points[i + 1]);
  }
  return { x, y };
}

/**
 * Arrows from `points` [K·2] along `direction` [K·2] as one broken line (shaft and two head strokes per
 * arrow, NaN between arrows); the longest arrow is `longest` data units, the others in proportion.
 */
export function arrowLines(points: ArrayLike<number>, direction: ArrayLike<number>, longest: number): { x: number[]; y: number[] } {
  let max = 0;
  for (let i = 0; i + 1 < direction.length; i += 2) max = Math.max(max, Math.hypot(direction[i], direction[i + 1]));
  const x: number[] = [];
  const y: number[] = [];
  if (!(max > 0)) return { x, y };
  const k = longest / max;
  const [cos, sin] = [Math.cos(0.45), Math.sin(0.45)];
  for (let i = 0; i + 1 < points.length; i += 2) {
    const [x0, y0, dx, dy] = [points[i], points[i + 1], k * direction[i], k * direction[i + 1]];
    const [x1, y1] = [x0 + dx, y0 + dy];
    // The head: the shaft reversed, a third of its length, turned by ±0.45 rad.
    const [hx, hy] = [-dx / 3, -dy / 3];
    x.push(x0, x1, x1 + cos * hx - sin * hy, NaN, x1, x1 + cos * hx + sin * hy, NaN);
    y.push(y0, y1, y1 + sin * hx + cos * hy, NaN, y1, y1 - sin * hx + cos * hy, NaN);
  }
  return { x, y };
}

/** The learned velocity field drawn over the samples: where the sampler moves a point at time t. */
export interface FieldArrows {
  readonly t: number;
  /** Grid points [K·2] and the direction of generation there, −dz/dt [K·2]. */
  readonly points: ArrayLike<number>;
  readonly direction: ArrayLike<number>;
}

/** Data points (grey), samples (blue) [n·2] when there are any, and arrows, on a fixed square window. */
export function samplesChart(
  data: ArrayLike<number>,
  samples: ArrayLike<number>,
  title: string,
  width: number,
  field?: FieldArrows,
): string {
  const size = Math.min(width, 420);
  const d = split(data);
  const s = split(samples);
  const lines = field
    ? [{ name: `flow at t = ${field.t} (−dz/dt)`, ...arrowLines(field.points, field.direction, 0.42), color: PALETTE[1], width: 1.3 }]
    : [];
  return scatterChart({
    id: 'train-samples',
    width: size,
    height: size,
    title,
    xDomain: [-3.5, 3.5],
    yDomain: [-3.5, 3.5],
    equalAspect: true,
    lines,
    points: [
      // A few drawn points show larger than a data set's hundreds.
      { name: 'data', ...d, color: '#8a8a8a', radius: d.x.length < 200 ? 3 : 1.6, opacity: d.x.length < 200 ? 0.8 : 0.45 },
      ...(samples.length > 0 ? [{ name: 'samples', ...s, color: PALETTE[0], radius: 1.6, opacity: 0.7 }] : []),
    ],
    legend: 'auto',
  });
}
