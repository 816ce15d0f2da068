/** The 2-D training sets by name: the toy sets plus the core's Gaussian mixture, which has an exact denoiser. */
import { mixtureOracle, ringMixture, type Mixture } from '../core/oracles/index.js';
import type { Rng } from '../core/rng.js';
import { flowMatching } from '../core/schedule/index.js';
import { checkName } from '../core/validate.js';
import { readFileSync } from 'node:fs';
import { DifflowError } from '../core/validate.js';
import { TOY_DATASETS, type ToyName } from '../data/toy2d.js';

export type BuiltinData = ToyName | 'gmm';
export type DataName = BuiltinData | `${string}.json` | `${string}.csv`;
export const DATA_NAMES: readonly BuiltinData[] = [...(Object.keys(TOY_DATASETS) as ToyName[]), 'gmm'];

/** The mixture behind 'gmm': 8 Gaussians on a ring (radius 2, std 0.15). */
export const GMM: Mixture = ringMixture(8, 2, 0.15);

export interface Dataset {
  readonly name: DataName;
  readonly dim: number;
  sample(n: number, rng: Rng): Float64Array;
  /** The exact mixture, when the data set has one (its oracle is the optimal denoiser). */
  readonly mixture?: Mixture;
}

/**
 * A data set by name, or your own points from a file: a `.json` array of [x, y] pairs or a `.csv` with two
 * numeric columns (a header line is skipped). Training draws points from a file with replacement.
 */
export function dataByName(name: string): Dataset {
  if (/\.(json|csv)$/i.test(name)) return pointFile(name);
  const checked = checkName('data set', name, [...DATA_NAMES, 'a .json or .csv file of points'] as BuiltinData[]);
  if (checked === 'gmm') {
    const oracle = mixtureOracle(GMM, flowMatching());
    return { name: checked, dim: 2, sample: (n, rng) => oracle.sample(n, rng), mixture: GMM };
  }
  return { name: checked, dim: 2, sample: TOY_DATASETS[checked].sample };
}

function pointFile(path: string): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DifflowError(`data file ${path} cannot be read`);
  }
  let rows: unknown[];
  if (/\.json$/i.test(path)) {
    try {
      rows = JSON.parse(text) as unknown[];
    } catch {
      throw new DifflowError(`data file ${path} is not valid JSON`);
    }
    if (!Array.isArray(rows)) throw new DifflowError(`data file ${path} must hold an array of [x, y] pairs`);
  } else {
    rows = text.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(/[,;\s]+/).map(Number));
    if (rows.length && (rows[0] as number[]).some(Number.isNaN) && /[a-z]/i.test(text.split(/\r?\n/)[0])) rows.shift();
  }
  if (rows.length < 2) throw new DifflowError(`data file ${path} must hold at least 2 points`);
  const points = new Float64Array(2 * rows.length);
  rows.forEach((row, i) => {
    const r = row as number[];
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1])) {
      throw new DifflowError(`data file ${path}: point ${i + 1} is not two finite numbers (${JSON.stringify(row)})`);
    }
    points[2 * i] = r[0];
    points[2 * i + 1] = r[1];
  });
  const n = rows.length;
  return {
    name: path as DataName,
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
