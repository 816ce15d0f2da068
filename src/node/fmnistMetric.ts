/**
 * FD-FMNIST, difflow's image-quality metric for Fashion-MNIST: the Fréchet distance (core/metrics/frechet.ts)
 * between the classifier features (models/classifier.ts, F = 64) of generated images and of the 10,000 real
 * test images, plus how often the classifier assigns a generated image the class it was generated for. Like
 * FID, but with a small Fashion-MNIST classifier trained by difflow (scripts/train-classifier.ts) instead of
 * Inception, so values are comparable only with other FD-FMNIST values at the same sample size: the estimate
 * is biased upwards for small n.
 */
import { fileURLToPath } from 'node:url';
import { frechetDistance, meanAndCovariance, type MeanAndCovariance } from '../core/metrics/frechet.js';
import { checkArrayFinite, checkInteger, DifflowError } from '../core/validate.js';
import { Builder } from '../engine/builder.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import type { Runtime, Session } from '../engine/runtime.js';
import type { Tensor } from '../engine/graph.js';
import { readCheckpointIfExists, type LoadedCheckpoint } from '../io/checkpoint.js';
import { CLASSIFIER_CLASSES, CLASSIFIER_FEATURES, CLASSIFIER_PARAMS, classifierForward } from '../models/classifier.js';
import { IMAGE_PIXELS } from '../models/image.js';
import { copyImage, fashionMnistDir, loadFashionMnist, type Split } from './fashionMnist.js';

/** The shipped weights: assets/ at the package root (the same path from src/node/ and dist/node/). */
export const DEFAULT_CLASSIFIER_PATH = fileURLToPath(new URL('../../assets/fmnist-classifier.safetensors', import.meta.url));

const PIXELS = IMAGE_PIXELS;

/** What the classifier makes of n images. */
export interface Classification {
  /** [n·10] */
  readonly logits: Float32Array;
  /** argmax of the logits, [n] */
  readonly predictions: Uint8Array;
  /** the penultimate layer, [n·F] */
  readonly features: Float64Array;
}

/** Metrics of generated images against the requested classes and the real test set. */
export interface ImageMetrics {
  /** The fraction of images classified as the class requested for them. */
  readonly accuracy: number;
  /** FD-FMNIST against the real images of `split` (default the 10,000 test images). */
  readonly fd: number;
  readonly n: number;
}

export interface ClassifierOptions {
  readonly runtime?: Runtime;
  /** ONNX Runtime intra-op threads (default: the runtime's). */
  readonly threads?: number;
  /** Images per forward call (the graph has a fixed batch; the last call is padded). Default 250. */
  readonly batch?: number;
}

/** Where the real images come from: a split of the data in `dir` (default: train/fashionMnist.ts `fashionMnistDir`). */
export interface RealImages {
  readonly split?: Split;
  readonly dir?: string;
}

export class FmnistClassifier {
  private readonly statistics = new Map<string, Promise<MeanAndCovariance>>();

  private constructor(
    private readonly session: Session,
    private readonly batch: number,
    /** The weights file's metadata (architecture, test accuracy, …); empty for weights given directly. */
    readonly metadata: Readonly<Record<string, string>>,
  ) {}

  /** A classifier from weights by parameter name (models/classifier.ts `CLASSIFIER_PARAMS`), baked into its graph. */
  static async fromWeights(
    weights: Readonly<Record<string, Float32Array>>,
    options: ClassifierOptions = {},
    metadata: Readonly<Record<string, string>> = {},
  ): Promise<FmnistClassifier> {
    const { runtime = nodeRuntime, threads, batch = 250 } = options;
    checkInteger('batch', batch);
    const g = new Builder();
    const x = g.input('x', [batch, PIXELS]);
    const p: Record<string, Tensor> = {};
    for (const spec of CLASSIFIER_PARAMS) p[spec.name] = g.constant(weights[spec.name], spec.shape);
    const { logits, features } = classifierForward(g, p, x);
    g.output('logits', logits);
    g.output('features', features);
    const session = await runtime.createSession(toOnnx(g, { name: 'difflow-fmnist-classifier' }), { threads });
    return new FmnistClassifier(session, batch, metadata);
  }

  /**
   * The classifier from a weights file written by scripts/train-classifier.ts (default: the shipped one).
   * @throws DifflowError when the file is missing, damaged, or not weights for this architecture.
   */
  static async load(path = DEFAULT_CLASSIFIER_PATH, options: ClassifierOptions = {}): Promise<FmnistClassifier> {
    const restore = `They ship in the repository's assets/ folder; restore it, or retrain them with 'npx tsx scripts/train-classifier.ts'`;
    let file: LoadedCheckpoint | undefined;
    try {
      file = readCheckpointIfExists(path);
    } catch (error) {
      throw error instanceof DifflowError
        ? new DifflowError(`the Fashion-MNIST classifier's weights are damaged: ${error.message}. ${restore}`)
        : error;
    }
    if (file === undefined)
      throw new DifflowError(`the Fashion-MNIST classifier's weights are missing: ${path} does not exist. ${restore}`);
    const weights: Record<string, Float32Array> = {};
    for (const spec of CLASSIFIER_PARAMS) {
      const t = file.tensors[spec.name];
      if (t === undefined || t.dtype !== 'F32' || t.shape.join(',') !== spec.shape.join(',')) {
        const found = t === undefined ? 'is missing' : `is ${t.dtype} [${t.shape.join(', ')}]`;
        throw new DifflowError(
          `${path} does not hold this classifier: tensor '${spec.name}' ${found}, expected F32 [${spec.shape.join(', ')}]`,
        );
      }
      weights[spec.name] = t.data;
    }
    return FmnistClassifier.fromWeights(weights, options, file.metadata);
  }

  /** Logits, predicted classes and features of n images. @param images [n·784] in [−1, 1] */
  async classify(images: Float32Array | Float64Array, n: number): Promise<Classification> {
    checkInteger('n', n);
    if (images.length !== n * PIXELS) throw new DifflowError(`classify: ${images.length} values are not ${n} images of ${PIXELS} pixels`);
    checkArrayFinite('images', images);
    const B = this.batch;
    const logits = new Float32Array(n * CLASSIFIER_CLASSES);
    const features = new Float64Array(n * CLASSIFIER_FEATURES);
    const x = new Float32Array(B * PIXELS);
    for (let start = 0; start < n; start += B) {
      const count = Math.min(B, n - start);
      x.fill(0);
      x.set(images.subarray(start * PIXELS, (start + count) * PIXELS));
      const out = await this.session.run({ x: { data: x, dims: [B, PIXELS] } });
      logits.set(out.logits.data.subarray(0, count * CLASSIFIER_CLASSES), start * CLASSIFIER_CLASSES);
      features.set(out.features.data.subarray(0, count * CLASSIFIER_FEATURES), start * CLASSIFIER_FEATURES);
    }
    const predictions = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * CLASSIFIER_CLASSES, (i + 1) * CLASSIFIER_CLASSES);
      predictions[i] = row.indexOf(Math.max(...row));
    }
    return { logits, predictions, features };
  }

  /** Feature mean and covariance of every image of a real split (default: the test set); cached per split and folder. */
  realStatistics(split: Split = 'test', dir = fashionMnistDir()): Promise<MeanAndCovariance> {
    const key = `${split}|${dir}`;
    let stats = this.statistics.get(key);
    if (stats === undefined) {
      stats = this.computeStatistics(split, dir);
      this.statistics.set(key, stats);
      stats.catch(() => this.statistics.delete(key));
    }
    return stats;
  }

  private async computeStatistics(split: Split, dir: string): Promise<MeanAndCovariance> {
    const set = loadFashionMnist(split, dir);
    const images = new Float32Array(set.count * PIXELS);
    for (let i = 0; i < set.count; i++) copyImage(set, i, images, i * PIXELS);
    const { features } = await this.classify(images, set.count);
    return meanAndCovariance(features, set.count, CLASSIFIER_FEATURES);
  }

  /** FD-FMNIST of n ≥ 2 images against the real images of `real` (default: the test set). @param images [n·784] in [−1, 1] */
  async fd(images: Float32Array | Float64Array, n: number, real: RealImages = {}): Promise<number> {
    return this.fdOfFeatures((await this.classify(images, n)).features, n, real);
  }

  /**
   * Accuracy against the requested classes and FD-FMNIST against the real images of `real` (default: the test set).
   * @param generated [n·784] in [−1, 1], n ≥ 2 @param requestedLabels [n], classes 0…9
   */
  async imageMetrics(
    generated: Float32Array | Float64Array,
    requestedLabels: ArrayLike<number>,
    real: RealImages = {},
  ): Promise<ImageMetrics> {
    const n = requestedLabels.length;
    for (let i = 0; i < n; i++) {
      const label = requestedLabels[i];
      if (!Number.isInteger(label) || label < 0 || label >= CLASSIFIER_CLASSES)
        throw new DifflowError(`requestedLabels[${i}] = ${label} is not a class 0…9`);
    }
    const { predictions, features } = await this.classify(generated, n);
    let correct = 0;
    for (let i = 0; i < n; i++) correct += predictions[i] === requestedLabels[i] ? 1 : 0;
    return { accuracy: correct / n, fd: await this.fdOfFeatures(features, n, real), n };
  }

  private async fdOfFeatures(features: Float64Array, n: number, real: RealImages): Promise<number> {
    if (n < 2) throw new DifflowError(`FD-FMNIST needs at least 2 images, got ${n}`);
    const generated = meanAndCovariance(features, n, CLASSIFIER_FEATURES);
    const reference = await this.realStatistics(real.split, real.dir);
    return frechetDistance(generated.mean, generated.covariance, reference.mean, reference.covariance);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

let shared: Promise<FmnistClassifier> | undefined;

/** The shipped classifier, loaded once per process on first use (a failed load is retried on the next call). */
export function defaultClassifier(): Promise<FmnistClassifier> {
  if (shared === undefined) {
    shared = FmnistClassifier.load();
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

/** `FmnistClassifier.classify` with the shipped classifier. @param images [n·784] in [−1, 1] */
export async function classify(images: Float32Array | Float64Array, n: number): Promise<Classification> {
  return (await defaultClassifier()).classify(images, n);
}

/** `FmnistClassifier.realStatistics` with the shipped classifier (cached). */
export async function realStatistics(split: Split = 'test', dir?: string): Promise<MeanAndCovariance> {
  return (await defaultClassifier()).realStatistics(split, dir);
}

/** `FmnistClassifier.imageMetrics` with the shipped classifier: accuracy on the requested classes and FD-FMNIST. */
export async function imageMetrics(
  generated: Float32Array | Float64Array,
  requestedLabels: ArrayLike<number>,
  real: RealImages = {},
): Promise<ImageMetrics> {
  return (await defaultClassifier()).imageMetrics(generated, requestedLabels, real);
}
