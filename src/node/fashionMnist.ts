/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test images, 28×28 grey, ten
 * classes of clothing. Read from Debian's `dataset-fashion-mnist` package (gzipped IDX files in
 * /usr/share/datasets/fashion-mnist) or from the folder in $DIFFLOW_FASHION_MNIST. Pixels are scaled to
 * [−1, 1]; training draws examples with replacement.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import type { Dataset } from '../data/datasets.js';
import { FASHION_MNIST_CLASSES } from '../data/fashionMnistClasses.js';
import { parseIdx } from '../data/idx.js';
import { IMAGE_PIXELS, IMAGE_SHAPE, IMAGE_SIDE } from '../models/image.js';

export { FASHION_MNIST_CLASSES };
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type Split = 'train' | 'test';

/** Images [n·784] as bytes 0…255 and labels [n] 0…9. */
export interface ImageSet {
  readonly count: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

/** The folder the files are read from: $DIFFLOW_FASHION_MNIST, else Debian's. */
export function fashionMnistDir(): string {
  return process.env.DIFFLOW_FASHION_MNIST || DEBIAN_FASHION_MNIST_DIR;
}

const cache = new Map<string, ImageSet>();

function readIdx(path: string) {
  if (!existsSync(path)) {
    throw new DifflowError(
      `Fashion-MNIST is not installed: ${path} does not exist. Install Debian's package with ` +
        `'apt-get install dataset-fashion-mnist', or set DIFFLOW_FASHION_MNIST to a folder holding the four *-ubyte.gz files`,
    );
  }
  let bytes: Uint8Array = readFileSync(path);
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new DifflowError(`${path} is not a valid gzip file (damaged download?)`);
    }
  }
  return parseIdx(bytes, path);
}

/** One split of Fashion-MNIST from `dir` (cached per process). */
export function loadFashionMnist(split: Split, dir = fashionMnistDir()): ImageSet {
  const key = `${dir}|${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  if (images.shape.length !== 3 || images.shape[1] !== IMAGE_SIDE || images.shape[2] !== IMAGE_SIDE) {
    throw new DifflowError(`${dir}: ${split} images have shape [${images.shape}], expected [n, ${IMAGE_SIDE}, ${IMAGE_SIDE}]`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0])
    throw new DifflowError(`${dir}: ${images.shape[0]} ${split} images but ${labels.shape[0]} labels`);
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new DifflowError(`${dir}: ${split} label ${bad} is ${labels.data[bad]}, not a class 0…9`);
  const set = { count: images.shape[0], images: images.data, labels: labels.data };
  cache.set(key, set);
  return set;
}

/** Byte pixels → [−1, 1]. */
export const toUnit = (byte: number): number => byte / 127.5 - 1;

/** Example `i` of a set as a [784] float vector in [−1, 1], written into `out` at `offset`. */
export function copyImage(set: ImageSet, i: number, out: Float64Array | Float32Array, offset = 0): void {
  const src = set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS);
  for (let j = 0; j < IMAGE_PIXELS; j++) out[offset + j] = toUnit(src[j]);
}

/** The training split as a labelled image data set. */
export function fashionMnistDataset(dir = fashionMnistDir()): Dataset {
  const set = loadFashionMnist('train', dir);
  const sampleLabelled = (n: number, rng: Rng) => {
    const x = new Float64Array(n * IMAGE_PIXELS);
    const labels = new Int32Array(n);
    for (let b = 0; b < n; b++) {
      const i = Math.min(set.count - 1, Math.floor(rng.uniform() * set.count));
      copyImage(set, i, x, b * IMAGE_PIXELS);
      labels[b] = set.labels[i];
    }
    return { x, labels };
  };
  return {
    name: 'fashion-mnist',
    dim: IMAGE_PIXELS,
    classes: FASHION_MNIST_CLASSES,
    image: IMAGE_SHAPE,
    sample: (n, rng) => sampleLabelled(n, rng).x,
    sampleLabelled,
  };
}
