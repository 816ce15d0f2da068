/**
 * The Fashion-MNIST classifier behind FD-FMNIST (train/fmnistMetric.ts): a small CNN trained once with
 * difflow's own engine (scripts/train-classifier.ts), its weights shipped in assets/. Input x [B, 784] in
 * [−1, 1], seen as [B, 1, 28, 28]:
 *
 *   h1 = avgPool(SiLU(conv3×3(x)))     [B, 32, 14, 14]
 *   h2 = avgPool(SiLU(conv3×3(h1)))    [B, 64, 7, 7]
 *   h3 = SiLU(conv3×3(h2))             [B, 64, 7, 7]
 *   features = SiLU(Linear(flatten(h3)))   [B, F], F = 64
 *   logits = Linear(features)          [B, 10]
 *
 * The features (the penultimate layer) are what the Fréchet distance compares.
 */
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import { conv2d, convParams, linearParams, type Params } from './blocks.js';
import { IMAGE_SHAPE } from './image.js';
import type { ParamSpec } from './network.js';

/** Number of classes. */
export const CLASSIFIER_CLASSES = 10;
/** F, the width of the feature layer. */
export const CLASSIFIER_FEATURES = 64;

const C1 = 32;
const C2 = 64;
const C3 = 64;

/** The architecture in words and numbers, stored in the weights file's metadata. */
export const CLASSIFIER_ARCHITECTURE =
  `conv3x3 1→${C1}, SiLU, avgPool2 | conv3x3 ${C1}→${C2}, SiLU, avgPool2 | conv3x3 ${C2}→${C3}, SiLU | ` +
  `flatten ${C3 * 49} → Linear ${CLASSIFIER_FEATURES}, SiLU (features) | Linear ${CLASSIFIER_FEATURES}→${CLASSIFIER_CLASSES}`;

export const CLASSIFIER_PARAMS: readonly ParamSpec[] = [
  ...convParams('conv1', 1, C1, 3),
  ...convParams('conv2', C1, C2, 3),
  ...convParams('conv3', C2, C3, 3),
  ...linearParams('features', C3 * 49, CLASSIFIER_FEATURES),
  ...linearParams('logits', CLASSIFIER_FEATURES, CLASSIFIER_CLASSES),
];

/** The forward map. @param x [B, 784] in [−1, 1] @returns logits [B, 10] and features [B, F] */
export function classifierForward(g: Builder, p: Params, x: Tensor): { logits: Tensor; features: Tensor } {
  const [batch] = x.shape;
  const conv = (name: string, h: Tensor) => g.silu(conv2d(g, h, p[`${name}.W`], p[`${name}.b`]));
  const h1 = g.avgPool(conv('conv1', g.reshape(x, [batch, ...IMAGE_SHAPE])));
  const h2 = g.avgPool(conv('conv2', h1));
  const h3 = conv('conv3', h2);
  const features = g.silu(g.linear(g.reshape(h3, [batch, C3 * 49]), p['features.W'], p['features.b']));
  return { logits: g.linear(features, p['logits.W'], p['logits.b']), features };
}

/**
 * The mean softmax cross-entropy L = (1/B) Σ_b [logsumexp(ℓ_b) − Σ_j y_bj ℓ_bj] of logits ℓ [B, K] against
 * one-hot (or soft) labels y [B, K]. logsumexp(ℓ) = c + log Σ_j exp(ℓ_j − c) for any c; c is the row mean,
 * since the op set has no row max and Max has no gradient. Its gradient cancels (∂L/∂c = 1 − Σ_j softmax_j = 0),
 * and Σ_j exp(ℓ_j − c) ≥ 1 (some ℓ_j ≥ c), so the log never sees 0; exp overflows (float32) only for a logit
 * more than 88 above the row mean, which the training script would report as a non-finite loss.
 */
export function softmaxCrossEntropy(g: Builder, logits: Tensor, labels: Tensor): Tensor {
  const [batch] = logits.shape;
  const c = g.mean(logits, [1], true);
  const logSumExp = g.add(c, g.log(g.sum(g.exp(g.sub(logits, c)), [1], true)));
  return g.mul(g.sub(g.sumAll(logSumExp), g.sumAll(g.mul(labels, logits))), 1 / batch);
}
