/** The original post's five figures, computed from scratch with difflow (FRAMEWORK.md §8). */
import { computeChurn, renderChurn } from './churn.js';
import { computeParticles, renderParticles } from './particles.js';
import { computeRescaling, computeStraightness, renderRescaling, renderStraightness } from './twoSides.js';
import { computeWeightings, renderWeightings } from './weightings.js';

/** A figure: `compute` is async (some figures run samplers, which are), `render` turns its data into SVG. */
export interface Figure<D> {
  readonly title: string;
  compute(): Promise<D>;
  render(data: D): string;
}

function figure<D>(title: string, compute: () => D | Promise<D>, render: (data: D) => string): Figure<D> {
  return { title, compute: async () => compute(), render };
}

export const FIGURES = {
  '1-rescaling': figure('DDIM vs probability-flow Euler under rescaling of the schedule', computeRescaling, renderRescaling),
  '2-straightness': figure('Flow matching vs VP paths for data variances 0.01 … 1', computeStraightness, renderStraightness),
  '3-weightings': figure('Weighting functions over λ', computeWeightings, renderWeightings),
  '4-churn': figure('Churn: weight of each step in the final sample', computeChurn, renderChurn),
  '5-particles': figure('Reversed DDIM step vs forward diffusion step', computeParticles, renderParticles),
} as const;

export type FigureName = keyof typeof FIGURES;
export const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];

/** The plotting library behind the figures, for users' own charts (`lineChart`, `scatterChart`, scales, …). */
export * from './plot/index.js';
