/**
 * Running a (class-conditional) denoiser network on a Session: the feeds for rows of z at one time t, and
 * classifier-free guidance (Ho & Salimans 2022) as one doubled batch, out = out(z, ∅) + w·(out(z, c) − out(z, ∅)).
 * No `node:` imports: the Node sampler (networkDenoiser.ts) and the web page's image worker share it.
 */
import type { ModelFn } from '../core/denoiser.js';
import { guide } from '../core/guided.js';
import type { TensorData } from '../engine/runtime.js';

/**
 * The inputs of a denoiser graph (models/denoiserGraph.ts `buildForward`): z [b, dim], t [b, 1] and, for a network
 * with K classes, the one-hot label [b, K + 1] (column K is the null class).
 * @param z [b·dim] @param labels [b] or undefined for a network without classes
 */
export function denoiserFeeds(z: Float64Array, t: number, dim: number, labels?: Int32Array, classes?: number): Record<string, TensorData> {
  const b = z.length / dim;
  const feeds: Record<string, TensorData> = {
    z: { data: Float32Array.from(z), dims: [b, dim] },
    t: { data: new Float32Array(b).fill(t), dims: [b, 1] },
  };
  if (labels && classes !== undefined) {
    const onehot = new Float32Array(b * (classes + 1));
    for (let i = 0; i < b; i++) onehot[i * (classes + 1) + labels[i]] = 1;
    feeds.label = { data: onehot, dims: [b, classes + 1] };
  }
  return feeds;
}

/** A network's raw output for the rows of z, each with its label. @param z [n·dim] @param labels [n] */
export type LabelledForward = (z: Float64Array, t: number, labels: Int32Array) => Promise<Float64Array>;

/**
 * Classifier-free guidance in one call of `forward` on 2n rows: [z; z] with labels [c; ∅], then
 * out = out(∅) + w·(out(c) − out(∅)). Exact for any w (w = 1: the conditional model, w = 0: the unconditional).
 * @param labels [n], the classes asked for @param nullClass the label that means "no class" (K)
 */
export function guidedModel(forward: LabelledForward, labels: Int32Array, nullClass: number, guidance: number): ModelFn {
  const n = labels.length;
  const pairedLabels = new Int32Array(2 * n).fill(nullClass);
  pairedLabels.set(labels);
  return async (z, t) => {
    const paired = new Float64Array(2 * z.length);
    paired.set(z);
    paired.set(z, z.length);
    const out = await forward(paired, t, pairedLabels);
    return guide(out.subarray(0, z.length), out.subarray(z.length), guidance);
  };
}
