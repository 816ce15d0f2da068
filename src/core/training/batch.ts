/**
 * A training batch as a pure function of (recipe, data, generator): examples x (and labels), t ~ p(t), ε,
 * z = α_t x + σ_t ε, the target of the network's output kind and each example's loss weight. The Node trainer,
 * the torch backend's parity fixtures and the web page's training worker all draw their batches here.
 */
import { DifflowError } from '../validate.js';
import { fromXEps, type OutputKind } from '../outputs.js';
import { Rng } from '../rng.js';
import type { Schedule } from '../schedule/index.js';
import { trainingTime } from '../timeRange.js';
import type { TimeDensity } from './density.js';
import { outputLossWeight } from './lossWeight.js';
import type { Weighting } from './weighting.js';

/** The parts of a recipe that decide what one training example's loss is: schedule, output, w(λ) and p(t). */
export interface LossRecipe {
  readonly schedule: Schedule;
  readonly output: OutputKind;
  readonly weighting: Weighting;
  readonly density: TimeDensity;
}

/** A loss recipe with the batch size, the weight normaliser and, for class-conditional networks, the classes. */
export interface BatchRecipe extends LossRecipe {
  readonly batch: number;
  /** Every weight is divided by this: the mean raw weight under p(t) (`meanLossWeight`). */
  readonly weightScale: number;
  /** K for a network conditioned on K classes (label K is the null class); undefined for an unconditional one. */
  readonly classes?: number;
  /** The probability that an example's label is replaced by the null class K (classifier-free guidance). */
  readonly labelDropout: number;
}

/** Where examples come from: `sample` for unlabelled data, `sampleLabelled` for labelled data. */
export interface ExampleSource {
  readonly name: string;
  readonly dim: number;
  sample(n: number, rng: Rng): Float64Array;
  sampleLabelled?(n: number, rng: Rng): { x: Float64Array; labels: Int32Array };
}

/** One batch of B examples in float32, the layout of the training-step graph's inputs. */
export interface TrainingBatch {
  /** z_t [B·dim] */
  readonly z: Float32Array;
  /** t [B], inside the training range (`trainingTime`) */
  readonly t: Float32Array;
  /** the output kind's target at (x, ε, t) [B·dim] */
  readonly target: Float32Array;
  /** raw loss weight / weightScale [B] */
  readonly weight: Float32Array;
  /** one-hot labels [B·(K + 1)], for a recipe with classes */
  readonly label?: Float32Array;
}

/**
 * An example's loss weight before normalisation: w(λ)/p(λ) over the output's MSE factor (`outputLossWeight`),
 * at t kept inside the training range.
 * @example
 * ```ts
 * import { flowMatching, rawLossWeight, uniformDensity, weighting } from 'difflow';
 * const fm = { schedule: flowMatching(), output: 'u' as const, weighting: weighting('fm'), density: uniformDensity() };
 * rawLossWeight(fm, 0.3); // → 1
 * ```
 */
export function rawLossWeight(recipe: LossRecipe, t: number): number {
  return outputLossWeight(recipe.weighting, recipe.density, recipe.schedule, recipe.output, trainingTime(t));
}

/** The draws and the seed of `meanLossWeight`'s Monte-Carlo estimate (fixed: the same recipe gets the same number). */
export const MEAN_LOSS_WEIGHT_DRAWS = 10_000;
export const MEAN_LOSS_WEIGHT_SEED = 12345;

/**
 * The weight normaliser: the mean raw loss weight under p(t), estimated from `draws` times of a generator
 * seeded with `seed`. Dividing it out makes every recipe train at a comparable loss scale (one learning rate
 * suits all); it is a constant factor, so it changes no minimiser. Throws when it is not a positive number.
 * @example
 * ```ts
 * import { cosine, flowMatching, meanLossWeight, uniformDensity, weighting } from 'difflow';
 * // flow matching's u-MSE has weight 1 everywhere, so its mean is 1
 * meanLossWeight({ schedule: flowMatching(), output: 'u', weighting: weighting('fm'), density: uniformDensity() }); // → 1
 * // the same seeded draws every time: one recipe, one number
 * const eps = { schedule: cosine(), output: 'eps' as const, weighting: weighting('sigmoid'), density: uniformDensity() };
 * meanLossWeight(eps) === meanLossWeight(eps); // → true
 * ```
 */
export function meanLossWeight(recipe: LossRecipe, { draws = MEAN_LOSS_WEIGHT_DRAWS, rng }: { draws?: number; rng?: Rng } = {}): number {
  const probe = rng ?? Rng.seeded(MEAN_LOSS_WEIGHT_SEED);
  let sum = 0;
  for (let i = 0; i < draws; i++) sum += rawLossWeight(recipe, recipe.density.sampleT(probe, recipe.schedule));
  const mean = sum / draws;
  if (!(mean > 0) || !Number.isFinite(mean)) {
    const { weighting, density, output, schedule } = recipe;
    throw new DifflowError(
      `the weighting '${weighting.name}' with density '${density.name}' and output '${output}' ` +
        `gives no finite loss weights on '${schedule.name}'`,
    );
  }
  return mean;
}

/** The random parts of a batch: examples x [B·dim], their times t [B], noise ε [B·dim] and labels [B] (after dropout). */
export interface BatchDraws {
  readonly x: Float64Array;
  readonly t: ArrayLike<number>;
  readonly eps: Float64Array;
  /** Class-conditional recipes: each example's class, or K (the null class) where its label was dropped. */
  readonly labels?: Int32Array;
}

/**
 * The deterministic half of a batch: from the draws, z = α_t x + σ_t ε, the output kind's target and the
 * normalised weight, in float64 then rounded to float32 (t is kept inside the training range first). The torch
 * backend's parity fixtures are checked through this function with PyTorch's own draws.
 * @example
 * ```ts
 * import { batchFromDraws, flowMatching, uniformDensity, weighting } from 'difflow';
 * const recipe = { schedule: flowMatching(), output: 'u' as const, weighting: weighting('fm'), density: uniformDensity(), weightScale: 1 };
 * const b = batchFromDraws(recipe, { x: Float64Array.of(1), t: [0.25], eps: Float64Array.of(-1) });
 * [b.z[0], b.target[0], b.weight[0]]; // → [0.5, -2, 1]
 * ```
 */
export function batchFromDraws(recipe: LossRecipe & Pick<BatchRecipe, 'weightScale' | 'classes'>, draws: BatchDraws): TrainingBatch {
  const { schedule, classes: K } = recipe;
  const B = draws.t.length;
  const d = draws.x.length / B;
  const z = new Float32Array(B * d);
  const target = new Float32Array(B * d);
  const t = new Float32Array(B);
  const weight = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const tb = trainingTime(draws.t[b]);
    const alpha = schedule.alpha(tb);
    const sigma = schedule.sigma(tb);
    const xb = draws.x.subarray(b * d, (b + 1) * d);
    const eb = draws.eps.subarray(b * d, (b + 1) * d);
    const out = fromXEps(recipe.output, xb, eb, alpha, sigma);
    for (let j = 0; j < d; j++) {
      z[b * d + j] = alpha * xb[j] + sigma * eb[j];
      target[b * d + j] = out[j];
    }
    t[b] = tb;
    weight[b] = rawLossWeight(recipe, tb) / recipe.weightScale;
  }
  if (K === undefined || !draws.labels) return { z, t, target, weight };
  const label = new Float32Array(B * (K + 1));
  for (let b = 0; b < B; b++) label[b * (K + 1) + draws.labels[b]] = 1;
  return { z, t, target, weight, label };
}

/**
 * One training batch drawn from `rng` in a fixed order (the examples and their labels, each label's dropout,
 * ε, then t per example), so that a run restored from the generator's state draws the batches an
 * uninterrupted run would; the rest is `batchFromDraws`. Refuses data with a non-finite value.
 * @example
 * ```ts
 * import { flowMatching, Rng, trainingBatch, uniformDensity, weighting } from 'difflow';
 * const recipe = { schedule: flowMatching(), output: 'u' as const, weighting: weighting('fm'), density: uniformDensity(),
 *   batch: 2, weightScale: 1, labelDropout: 0 };
 * const data = { name: 'one point', dim: 1, sample: (n: number) => new Float64Array(n).fill(0.5) };
 * const b = trainingBatch(recipe, data, Rng.seeded(0));
 * b.z.length; // → 2
 * // flow matching: z = (1 − t)·x + t·ε and the target u = ε − x
 * Math.abs(b.z[0] - ((1 - b.t[0]) * 0.5 + b.t[0] * (b.target[0] + 0.5))) < 1e-6; // → true
 * ```
 */
export function trainingBatch(recipe: BatchRecipe, data: ExampleSource, rng: Rng): TrainingBatch {
  const { batch: B, classes: K } = recipe;
  const d = data.dim;
  let x: Float64Array;
  let labels: Int32Array | undefined;
  if (K !== undefined) {
    if (!data.sampleLabelled)
      throw new DifflowError(`the network is conditioned on ${K} classes, but the data set '${data.name}' has no labels`);
    const drawn = data.sampleLabelled(B, rng);
    x = drawn.x;
    labels = new Int32Array(B);
    for (let b = 0; b < B; b++) labels[b] = rng.uniform() < recipe.labelDropout ? K : drawn.labels[b];
  } else x = data.sample(B, rng);
  if (x.length !== B * d) throw new DifflowError(`the data set '${data.name}' gave ${x.length} values for ${B} examples of dimension ${d}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]))
      throw new DifflowError(`the data set '${data.name}' produced a non-finite value (${x[i]}) in example ${Math.floor(i / d)}`);
  }
  const eps = rng.normals(B * d);
  const t = new Float64Array(B);
  for (let b = 0; b < B; b++) t[b] = recipe.density.sampleT(rng, recipe.schedule);
  return batchFromDraws(recipe, { x, t, eps, labels });
}
