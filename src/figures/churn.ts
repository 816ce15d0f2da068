/** Figure 4 of the post: the weight of each step's v̂ in the final sample, cosine schedule, 100 steps. */
import { cosine, predictionWeights, uniformT } from '../core/index.js';
import { lineChart } from './plot/index.js';

export const CHURNS = [0, 0.1, 0.2, 0.3, 0.4, 0.5] as const;

export function computeChurn(steps = 100): { steps: number; step: number[]; curves: { churn: number; weight: number[] }[] } {
  const grid = uniformT(steps);
  return {
    steps,
    step: Array.from({ length: steps }, (_, i) => i + 1),
    curves: CHURNS.map((churn) => ({ churn, weight: Array.from(predictionWeights(cosine(), grid, churn, 'v').weights, Math.abs) })),
  };
}

export function renderChurn(data: ReturnType<typeof computeChurn>): string {
  return lineChart({
    width: 640,
    height: 380,
    title: `Weight of each step's v̂ in the final sample (cosine, ${data.steps} steps)`,
    xLabel: 'sampling step (1 = pure noise)',
    yLabel: '|weight|',
    series: data.curves.map((c) => ({ name: `churn ${c.churn}`, x: data.step, y: c.weight })),
    legend: 'auto',
  });
}
