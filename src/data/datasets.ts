/**
 * The 2-D training sets by name — the toy sets plus the core's Gaussian mixture, which has an exact
 * denoiser — and data sets made from points (a file in Node, points drawn in the web page). No `node:` imports.
 */
import { mixtureOracle, ringMixture, type Mixture } from '../core/oracles/index.js';
import type { Rng } from '../core/rng.js';
import { flowMatching } from '../core/schedule/index.js';
import { DifflowError, checkArrayFinite, checkName } from '../core/validate.js';
import { TOY_DATASETS, type ToyName } from './toy2d.js';

export type BuiltinData = ToyName | 'gmm';
export type DataName = BuiltinData | 'fashion-mnist' | `${string}.json` | `${string}.csv` | 'points';
export const DATA_NAMES: readonly BuiltinData[] = [...(Object.keys(TOY_DATASETS) as ToyName[]), 'gmm'];
/** Every data name a training run accepts (Fashion-MNIST is read from files, in Node only). */
export const ALL_DATA_NAMES: readonly (BuiltinData | 'fashion-mnist')[] = [...DATA_NAMES, 'fashion-mnist'];

/** The mixture behind 'gmm': 8 Gaussians on a ring (radius 2, std 0.15). */
export const GMM: Mixture = ringMixture(8, 2, 0.15);

export interface Dataset {
  readonly name: DataName;
  readonly dim: number;
  sample(n: number, rng: Rng): Float64Array;
  /** The exact mixture, when the data set has one (its oracle is the optimal denoiser). */
  readonly mixture?: Mixture;
  /** Labelled data sets: the class names (labels are 0 … K − 1). */
  readonly classes?: readonly string[];
  /** Image data sets: [channels, height, width], pixels scaled to [−1, 1], dim = C·H·W. */
  readonly image?: readonly [number, number, number];
  /** Labelled data sets: n examples [n·dim] and their labels [n]. */
  sampleLabelled?(n: number, rng: Rng): { x: Float64Array; labels: Int32Array };
}

/** A built-in data set by name; unknown names get the list of valid ones. */
export function builtinDataset(name: string): Dataset {
  const checked = checkName('data set', name, [...DATA_NAMES, 'a .json or .csv file of points'] as BuiltinData[]);
  if (checked === 'gmm') {
    const oracle = mixtureOracle(GMM, flowMatching());
    return { name: checked, dim: 2, sample: (n, rng) => oracle.sample(n, rng), mixture: GMM };
  }
  return { name: checked, dim: 2, sample: TOY_DATASETS[checked].sample };
}

/** A data set of given 2-D points [N·2], drawn with replacement. */
export function pointDataset(points: Float64Array, name: DataName = 'points'): Dataset {
  if (points.length < 4 || points.length % 2 !== 0)
    throw new DifflowError(`a point data set needs at least 2 points [N·2], got ${points.length} values`);
  checkArrayFinite('points', points);
  const n = points.length / 2;
  return {
    name,
    dim: 2,
    sample(count, rng) {
      const out = new Float64Array(2 * count);
      for (let b = 0; b < count; b++) {
        const k = Math.floor(rng.uniform() * n);
        out[2 * b] = points[2 * k];
        out[2 * b + 1] = points[2 * k + 1];
      }
      return out;
    },
  };
}
