/** Figure 3 of the post: the weighting functions w(λ) over λ ∈ [−10, 10], each normalised to a maximum of 1. */
import { weighting, WEIGHTING_NAMES } from '../core/index.js';
import { lineChart } from './plot/index.js';

const LABELS: Record<string, string> = {
  fm: 'flow matching (û-MSE)',
  'eps-cosine': 'ε-MSE, cosine',
  'v-cosine': 'v-MSE, cosine',
  edm: 'EDM',
  sd3: 'SD3 (logit-normal)',
  sigmoid: 'sigmoid (b = 0)',
  elbo: 'ELBO',
};

export function computeWeightings(points = 401): { lambda: number[]; curves: { name: string; w: number[] }[] } {
  const lambda = Array.from({ length: points }, (_, i) => -10 + (20 * i) / (points - 1));
  const curves = WEIGHTING_NAMES.map((name) => {
    const raw = lambda.map((l) => weighting(name).w(l));
    const max = Math.max(...raw);
    return { name, w: raw.map((v) => v / max) };
  });
  return { lambda, curves };
}

export function renderWeightings(data: ReturnType<typeof computeWeightings>): string {
  return lineChart({
    width: 640,
    height: 400,
    title: 'Weighting functions w(λ) of the ε-MSE, normalised to max 1',
    xLabel: 'log-SNR λ',
    yLabel: 'w(λ) / max',
    xDomain: [-10, 10],
    yDomain: [0, 1.05],
    series: data.curves.map((c) => ({
      name: LABELS[c.name] ?? c.name,
      x: data.lambda,
      y: c.w,
      dash: c.name === 'v-cosine' ? '6 4' : undefined,
      width: c.name === 'fm' ? 4 : 2,
    })),
    legend: 'right',
  });
}
