/**
 * Data sets in Node: the built-in ones, or your own points from a `.json` or `.csv` file. A file is pinned when
 * a run starts: its SHA-256 goes into the config (`dataSha256`) with its resolved path, and a small file is also
 * copied into the run folder, so a run later reads exactly the points it was trained on, from any folder.
 */
import { createHash } from 'node:crypto';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { DifflowError } from '../core/validate.js';
import { builtinDataset, pointDataset, type DataName, type Dataset } from '../data/datasets.js';
import { parseDecimal } from '../data/numbers.js';
import { writeAtomic } from '../io/atomic.js';
import { readRegularFile } from '../io/files.js';
import { IMAGE_PIXELS, IMAGE_SHAPE } from '../models/image.js';
import type { TrainConfig } from '../training/config.js';
import { FASHION_MNIST_CLASSES, fashionMnistDataset } from './fashionMnist.js';

export { DATA_NAMES, GMM, builtinDataset, pointDataset, type BuiltinData, type DataName, type Dataset } from '../data/datasets.js';

/** Point files larger than this are refused (2 GiB of text is about 60 million points). */
const MAX_DATA_BYTES = 2 ** 31;
/** Point files up to this size are copied into the run folder as `data.csv` / `data.json`. */
export const COPY_DATA_BYTES = 16 * 2 ** 20;

/** Whether a data name is a file of points. */
export const isPointFile = (name: string): boolean => /\.(json|csv)$/i.test(name);

/**
 * A data set by name, or your own points from a file: a `.json` array of [x, y] pairs or a `.csv` with two
 * numeric columns (a header line is skipped). Training draws points from a file with replacement.
 */
export function dataByName(name: string): Dataset {
  if (name === 'fashion-mnist') return fashionMnistDataset();
  return isPointFile(name) ? parsePoints(name, readPointFile(name)) : builtinDataset(name);
}

/** The dimension and classes of a data set by name, without reading it (for rebuilding a saved network). */
export function dataShape(name: string): { dim: number; classes?: readonly string[]; image?: readonly [number, number, number] } {
  return name === 'fashion-mnist' ? { dim: IMAGE_PIXELS, classes: FASHION_MNIST_CLASSES, image: IMAGE_SHAPE } : { dim: 2 };
}

function readPointFile(path: string): Uint8Array {
  const bytes = readRegularFile(path, 'data file', MAX_DATA_BYTES);
  if (bytes === undefined) throw new DifflowError(`data file ${path} not found`);
  return bytes;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The copy of a run's data file in its folder. */
const copyIn = (runDir: string, data: string) => join(runDir, `data${extname(data).toLowerCase()}`);

/**
 * A new run's config with its data file pinned: the resolved path and the content's SHA-256; a small file is
 * copied into the run folder. Built-in data sets are returned unchanged.
 */
export function pinData(config: TrainConfig, runDir: string): TrainConfig {
  if (!isPointFile(config.data)) return config;
  const path = resolve(config.data);
  const bytes = readPointFile(config.data);
  parsePoints(config.data, bytes);
  if (bytes.length <= COPY_DATA_BYTES) writeAtomic(copyIn(runDir, path), bytes);
  return { ...config, data: path as DataName, dataSha256: sha256(bytes) };
}

/**
 * The data set a run was trained on. A pinned file is read from its recorded path or, where that is gone, from
 * the run folder's copy; a file whose content no longer matches the recorded hash is refused.
 */
export function dataForRun(config: TrainConfig, runDir: string): Dataset {
  if (!isPointFile(config.data) || config.dataSha256 === undefined) return dataByName(config.data);
  const candidates = [isAbsolute(config.data) ? config.data : resolve(runDir, config.data), copyIn(runDir, config.data)];
  for (const path of candidates) {
    const bytes = readRegularFile(path, 'data file', MAX_DATA_BYTES);
    if (bytes === undefined) continue;
    const actual = sha256(bytes);
    if (actual !== config.dataSha256) {
      throw new DifflowError(
        `data file ${path} changed since the run was trained (SHA-256 ${actual.slice(0, 12)}…, ` +
          `recorded ${config.dataSha256.slice(0, 12)}…); restore it or train a new run`,
      );
    }
    return parsePoints(config.data, bytes);
  }
  throw new DifflowError(`the run's data file ${config.data} is gone (and ${runDir} holds no copy named ${basename(candidates[1])})`);
}

/** Points from the bytes of a `.json` array of [x, y] pairs or a `.csv` of two plain-decimal columns. */
export function parsePoints(path: string, bytes: Uint8Array): Dataset {
  const text = new TextDecoder().decode(bytes);
  let rows: unknown[];
  if (/\.json$/i.test(path)) {
    try {
      rows = JSON.parse(text) as unknown[];
    } catch {
      throw new DifflowError(`data file ${path} is not valid JSON`);
    }
    if (!Array.isArray(rows)) throw new DifflowError(`data file ${path} must hold an array of [x, y] pairs`);
  } else rows = csvRows(text);
  if (rows.length < 2) throw new DifflowError(`data file ${path} must hold at least 2 points`);
  const points = new Float64Array(2 * rows.length);
  rows.forEach((row, i) => {
    const r = row as number[];
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      typeof r[0] !== 'number' ||
      typeof r[1] !== 'number' ||
      !Number.isFinite(r[0]) ||
      !Number.isFinite(r[1])
    ) {
      throw new DifflowError(`data file ${path}: point ${i + 1} is not two finite numbers (${JSON.stringify(row)})`);
    }
    points[2 * i] = r[0];
    points[2 * i + 1] = r[1];
  });
  return pointDataset(points, path as DataName);
}

/**
 * CSV rows as numbers: fields separated by a comma, a semicolon or spaces; each a plain decimal (`0x10`, an empty
 * field as in `1,,2`, `Infinity` are NaN and so refused). A first line with letters is a header.
 */
function csvRows(text: string): number[][] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.map((l) => (/[,;]/.test(l) ? l.split(/[,;]/) : l.trim().split(/\s+/)).map(parseDecimal));
  if (rows.length && rows[0].some(Number.isNaN) && /[a-z]/i.test(lines[0])) rows.shift();
  return rows;
}
