/** The 2-D training sets by name: the toy sets plus the core's Gaussian mixture, which has an exact denoiser. */
import { mixtureOracle, ringMixture, type Mixture } from '../core/oracles/index.js';
import type { Rng } from '../core/rng.js';
import { flowMatching } from '../core/schedule/index.js';
import { checkName } from '../core/validate.js';
import { TOY_DATASETS, type ToyName } from '../data/toy2d.js';

export type DataName = ToyName | 'gmm';
export const DATA_NAMES: readonly DataName[] = [...(Object.keys(TOY_DATASETS) as ToyName[]), 'gmm'];

/** The mixture behind 'gmm': 8 Gaussians on a ring (radius 2, std 0.15). */
export const GMM: Mixture = ringMixture(8, 2, 0.15);

export interface Dataset {
  readonly name: DataName;
  readonly dim: number;
  sample(n: number, rng: Rng): Float64Array;
  /** The exact mixture, when the data set has one (its oracle is the optimal denoiser). */
  readonly mixture?: Mixture;
}

export function dataByName(name: string): Dataset {
  const checked = checkName('data set', name, DATA_NAMES);
  if (checked === 'gmm') {
    const oracle = mixtureOracle(GMM, flowMatching());
    return { name: checked, dim: 2, sample: (n, rng) => oracle.sample(n, rng), mixture: GMM };
  }
  return { name: checked, dim: 2, sample: TOY_DATASETS[checked].sample };
}
