/** Data sets in Node: the built-in ones, or your own points from a `.json` or `.csv` file. */
import { readFileSync } from 'node:fs';
import { DifflowError } from '../core/validate.js';
import { builtinDataset, pointDataset, type DataName, type Dataset } from '../data/datasets.js';
import { FASHION_MNIST_CLASSES, fashionMnistDataset } from './fashionMnist.js';

export { DATA_NAMES, GMM, builtinDataset, pointDataset, type BuiltinData, type DataName, type Dataset } from '../data/datasets.js';

/**
 * A data set by name, or your own points from a file: a `.json` array of [x, y] pairs or a `.csv` with two
 * numeric columns (a header line is skipped). Training draws points from a file with replacement.
 */
export function dataByName(name: string): Dataset {
  if (name === 'fashion-mnist') return fashionMnistDataset();
  return /\.(json|csv)$/i.test(name) ? pointFile(name) : builtinDataset(name);
}

/** The dimension and classes of a data set by name, without reading it (for rebuilding a saved network). */
export function dataShape(name: string): { dim: number; classes?: readonly string[]; image?: readonly [number, number, number] } {
  return name === 'fashion-mnist' ? { dim: 784, classes: FASHION_MNIST_CLASSES, image: [1, 28, 28] } : { dim: 2 };
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
  return pointDataset(points, path as DataName);
}
