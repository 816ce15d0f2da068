import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import { CLASSIFIER_FEATURES } from '../models/classifier.js';
import { copyImage, loadFashionMnist, type ImageSet } from './fashionMnist.js';
import { classify, DEFAULT_CLASSIFIER_PATH, FmnistClassifier, imageMetrics, realStatistics } from './fmnistMetric.js';

const FIXTURE = 'test/fixtures/fashion-mnist-tiny';
const real = { dir: FIXTURE }; // FD against the fixture's 50 test images

function imagesOf(set: ImageSet): Float32Array {
  const images = new Float32Array(set.count * 784);
  for (let i = 0; i < set.count; i++) copyImage(set, i, images, i * 784);
  return images;
}

const testSet = loadFashionMnist('test', FIXTURE);
const trainSet = loadFashionMnist('train', FIXTURE);

test('the shipped classifier labels at least 80 % of the fixture test images correctly', async () => {
  const m = await imageMetrics(imagesOf(testSet), testSet.labels, real);
  assert.equal(m.n, 50);
  assert.ok(m.accuracy >= 0.8, `accuracy ${m.accuracy}`);
  const { logits, predictions, features } = await classify(imagesOf(testSet), testSet.count);
  assert.equal(logits.length, 50 * 10);
  assert.equal(features.length, 50 * CLASSIFIER_FEATURES);
  predictions.forEach((p, i) =>
    assert.equal(p, logits.subarray(10 * i, 10 * i + 10).indexOf(Math.max(...logits.subarray(10 * i, 10 * i + 10)))),
  );
});

test('accuracy against wrong labels is low', async () => {
  const shifted = testSet.labels.map((l) => (l + 1) % 10);
  const m = await imageMetrics(imagesOf(testSet), shifted, real);
  assert.ok(m.accuracy <= 0.15, `accuracy ${m.accuracy}`);
});

test('FD-FMNIST of real training images is far below that of noise or of a constant image', async () => {
  const n = trainSet.count;
  const labels = trainSet.labels;
  const realFd = (await imageMetrics(imagesOf(trainSet), labels, real)).fd;
  const noise = Float32Array.from(rng(1).normals(n * 784), (z) => Math.max(-1, Math.min(1, z)));
  const noiseFd = (await imageMetrics(noise, labels, real)).fd;
  const grey = new Float32Array(n * 784).fill(0);
  const greyFd = (await imageMetrics(grey, labels, real)).fd;
  // 100 images against 50 in 64 dimensions: the real-vs-real value is mostly small-sample bias (measured: 231
  // here, noise 967, grey 1769; at n = 10,000 against the full test set, 1.5 against 905).
  assert.ok(realFd > 0, `real ${realFd}`);
  assert.ok(noiseFd > 3 * realFd && greyFd > 3 * realFd, `real ${realFd}, noise ${noiseFd}, grey ${greyFd}`);
});

test('FD-FMNIST of a set against its own statistics is 0 up to rounding', async () => {
  const { fd } = await imageMetrics(imagesOf(testSet), testSet.labels, real);
  const { covariance } = await realStatistics('test', FIXTURE);
  let trace = 0;
  for (let i = 0; i < CLASSIFIER_FEATURES; i++) trace += covariance[i * CLASSIFIER_FEATURES + i];
  // 50 images in 64 dimensions: Σ is singular, and its zero eigenvalues cost √ε of relative precision.
  assert.ok(Math.abs(fd) <= 1e-6 * trace, `fd ${fd}, tr Σ ${trace}`);
});

test('real statistics are computed once per split and folder', async () => {
  const a = await realStatistics('test', FIXTURE);
  assert.equal(await realStatistics('test', FIXTURE), a);
  assert.notEqual(await realStatistics('train', FIXTURE), a);
});

test('the classifier batches: any n gives the same features as one image at a time', async () => {
  const classifier = await FmnistClassifier.load(DEFAULT_CLASSIFIER_PATH, { batch: 7, threads: 1 });
  try {
    const images = imagesOf(testSet).subarray(0, 10 * 784);
    const all = await classifier.classify(images, 10);
    const third = await classifier.classify(images.subarray(3 * 784, 4 * 784), 1);
    third.features.forEach((f, j) => assert.ok(Math.abs(f - all.features[3 * CLASSIFIER_FEATURES + j]) <= 1e-5));
  } finally {
    await classifier.release();
  }
});

test('a missing or altered weights file is refused with a DifflowError', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'difflow-classifier-'));
  try {
    await assert.rejects(
      FmnistClassifier.load(join(folder, 'absent.safetensors')),
      (e: Error) => e instanceof DifflowError && /missing/.test(e.message),
    );
    const bytes = readFileSync(DEFAULT_CLASSIFIER_PATH);
    bytes[bytes.length - 1] ^= 1;
    const altered = join(folder, 'altered.safetensors');
    writeFileSync(altered, bytes);
    await assert.rejects(FmnistClassifier.load(altered), (e: Error) => e instanceof DifflowError && /damaged/.test(e.message));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('images of the wrong size, non-finite pixels and labels outside 0…9 are refused', async () => {
  await assert.rejects(classify(new Float32Array(783), 1), DifflowError);
  await assert.rejects(classify(new Float32Array(784).fill(Number.NaN), 1), DifflowError);
  await assert.rejects(imageMetrics(new Float32Array(2 * 784), [0, 10], real), DifflowError);
});
