/**
 * The learning rate of step k (1-based) of a run of n steps: a linear warm-up over the first `warmup` steps,
 * then either constant or a cosine decay that reaches 0 at the last step,
 *
 *   lr_k = lr · min(1, k / max(1, warmup)) · c(p),   p = clamp((k − warmup) / max(1, n − warmup), 0, 1),
 *   c(p) = 1 (constant)  or  (1 + cos πp) / 2 (cosine).
 *
 * The same function is python/difflow_torch/step.py `learning_rate`.
 */
import { checkName } from '../core/validate.js';

export type LrScheduleName = 'constant' | 'cosine';
export const LR_SCHEDULE_NAMES: readonly LrScheduleName[] = ['constant', 'cosine'];

/** The decay factor c(p) of each schedule, p ∈ [0, 1] the fraction of the post-warm-up steps done. */
const DECAY: Record<LrScheduleName, (p: number) => number> = {
  constant: () => 1,
  cosine: (p) => 0.5 * (1 + Math.cos(Math.PI * p)),
};

/** `--lr-schedule`: one of LR_SCHEDULE_NAMES, or a one-line error naming them. */
export function lrScheduleName(v: unknown): LrScheduleName {
  return checkName('learning-rate schedule', String(v), LR_SCHEDULE_NAMES);
}

export interface LrRecipe {
  readonly lr: number;
  readonly warmup: number;
  readonly steps: number;
  readonly lrSchedule: LrScheduleName;
}

/** lr_k of the formula above, for step k ≥ 1. */
export function learningRate(k: number, { lr, warmup, steps, lrSchedule }: LrRecipe): number {
  const p = Math.min(1, Math.max(0, (k - warmup) / Math.max(1, steps - warmup)));
  return lr * Math.min(1, k / Math.max(1, warmup)) * DECAY[lrSchedule](p);
}
