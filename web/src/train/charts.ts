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
    return lineChart({ id: 'train-loss', width, height, title: 'Training loss (press Train)', xLabel: 'step', yLabel: 'loss', xDomain: [0, steps], yDomain: [0.1, 10], logY: true, series: [], legend: false });
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

/** Data points (grey) and, when there are any, samples (blue) [n·2], on a fixed square window. */
export function samplesChart(data: ArrayLike<number>, samples: ArrayLike<number>, title: string, width: number): string {
  const size = Math.min(width, 420);
  const d = split(data);
  const s = split(samples);
  return scatterChart({
    id: 'train-samples',
    width: size,
    height: size,
    title,
    xDomain: [-3.5, 3.5],
    yDomain: [-3.5, 3.5],
    equalAspect: true,
    points: [
      // A few drawn points show larger than a data set's hundreds.
      { name: 'data', ...d, color: '#8a8a8a', radius: d.x.length < 200 ? 3 : 1.6, opacity: d.x.length < 200 ? 0.8 : 0.45 },
      ...(samples.length > 0 ? [{ name: 'samples', ...s, color: PALETTE[0], radius: 1.6, opacity: 0.7 }] : []),
    ],
    legend: 'auto',
  });
}
