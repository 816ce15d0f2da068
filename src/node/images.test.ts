import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rng } from '../core/rng.js';
import { flowMatching } from '../core/schedule/index.js';
import { DifflowError } from '../core/validate.js';
import { encodeIdx, parseIdx } from '../data/idx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { straightAndResumed } from '../../test/helpers/kill.js';
import { initParams } from '../models/network.js';
import { unet } from '../models/unet.js';
import { makeConfig } from '../training/config.js';
import { fashionMnistDataset, loadFashionMnist } from './fashionMnist.js';
import { networkDenoiser } from '../training/networkDenoiser.js';

const FIXTURE = resolve('test/fixtures/fashion-mnist-tiny');
const env = { ...process.env, DIFFLOW_FASHION_MNIST: FIXTURE };
const CLI = ['--import', 'tsx', 'src/cli/run.ts'];
const difflow = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env });
const tmp = () => mkdtempSync(join(tmpdir(), 'difflow-img-'));
const tiny = ['--data', 'fashion-mnist', '--hidden', '8', '--batch', '8', '--threads', '1', '--seed', '2'];

test('IDX files: round trip, and clear errors for a wrong magic number, another data type or a truncated file', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
  const parsed = parseIdx(encodeIdx([2, 3, 4], data));
  assert.deepEqual(parsed.shape, [2, 3, 4]);
  assert.deepEqual(Array.from(parsed.data), Array.from(data));
  assert.throws(() => parseIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0)), /not an IDX file/);
  const floats = encodeIdx([1], Uint8Array.of(0));
  floats[2] = 0x0d;
  assert.throws(() => parseIdx(floats), /only unsigned-byte IDX data/);
  assert.throws(
    () => parseIdx(encodeIdx([2, 3, 4], data).subarray(0, 30), 'x.idx'),
    /x\.idx: the header promises 24 bytes of data .* holds 14/,
  );
});

test('Fashion-MNIST loads from a folder of gzipped IDX files (the real-data fixture) with labels and pixels in [−1, 1]', () => {
  const train = loadFashionMnist('train', FIXTURE);
  assert.equal(train.count, 100);
  assert.deepEqual(
    Array.from({ length: 10 }, (_, k) => train.labels.filter((l) => l === k).length),
    new Array(10).fill(10),
  );
  const ds = fashionMnistDataset(FIXTURE);
  assert.equal(ds.dim, 784);
  assert.equal(ds.classes?.length, 10);
  const { x, labels } = ds.sampleLabelled!(50, rng(1));
  assert.equal(x.length, 50 * 784);
  assert.ok(x.every((v) => v >= -1 && v <= 1));
  assert.ok(x.some((v) => v === -1) && x.some((v) => v > 0.9), 'black background and bright garments');
  assert.ok(labels.every((l) => l >= 0 && l < 10));
});

test('a missing data set names the Debian package to install; a damaged file is refused', () => {
  assert.throws(
    () => loadFashionMnist('train', '/nonexistent/fmnist'),
    (e: unknown) => e instanceof DifflowError && /apt-get install dataset-fashion-mnist/.test(e.message),
  );
  const dir = tmp();
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), Uint8Array.of(1, 2, 3));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([1], Uint8Array.of(0))));
  assert.throws(() => loadFashionMnist('train', dir), /not a valid gzip file/);
  const r = spawnSync(process.execPath, [...CLI, 'train', '--data', 'fashion-mnist', '--steps', '1', '--out', join(dir, 'run')], {
    encoding: 'utf8',
    env: { ...process.env, DIFFLOW_FASHION_MNIST: '/nonexistent' },
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^difflow: Fashion-MNIST is not installed: .*apt-get install dataset-fashion-mnist/);
});

test('image configs: the U-Net is the default image model, and models must fit the data', () => {
  const c = makeConfig({ data: 'fashion-mnist' });
  assert.equal(c.model, 'unet');
  assert.equal(c.batch, 64);
  assert.throws(() => makeConfig({ data: 'moons', model: 'unet' }), /needs --network mlp/);
  assert.throws(() => makeConfig({ data: 'fashion-mnist', model: 'mlp' }), /images need an image model/);
  assert.throws(() => makeConfig({ data: 'fashion-mnist', labelDropout: 1 }), /--label-dropout must be in \[0, 1\)/);
  assert.throws(() => makeConfig({ data: 'fashion-mnist', fourier: 3 }), /--fourier is an MLP option; the unet takes images as they are/);
  // --spinning: auto by default; the bare flag means always.
  assert.deepEqual(
    [undefined, true, 'always', 'never', 'auto'].map((spinning) => makeConfig({ data: 'fashion-mnist', spinning }).spinning),
    ['auto', true, true, false, 'auto'],
  );
  assert.throws(() => makeConfig({ data: 'fashion-mnist', spinning: 'often' }), /--spinning must be auto, always or never, got 'often'/);
});

test('classifier-free guidance: out = out(∅) + w·(out(c) − out(∅)) for any w, and labels are checked', async () => {
  const net = unet({ channels: 8, groups: 2 });
  const weights = initParams(net, rng(3));
  for (const [k, v] of Object.entries(weights))
    if (k.startsWith('out.')) v.set(Float32Array.from(rng(4).normals(v.length), (x) => 0.1 * x)); // not zero-init
  const schedule = flowMatching();
  const labels = Int32Array.of(0, 3, 10);
  const z = rng(5).normals(3 * 784);
  const run = async (guidance: number, ls = labels) => {
    const d = networkDenoiser(net, weights, 'u', schedule, nodeRuntime, { labels: ls, guidance, threads: 1, chunk: 2 });
    const out = await d.denoise(z, 0.6);
    await d.release();
    return out.x;
  };
  const [cond, uncond, guided] = [await run(1), await run(0), await run(2.5)];
  let maxErr = 0;
  let gap = 0;
  for (let i = 0; i < cond.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(guided[i] - (uncond[i] + 2.5 * (cond[i] - uncond[i]))));
    gap = Math.max(gap, Math.abs(cond[i] - uncond[i]));
  }
  assert.ok(gap > 1e-3, `the label changes the output (${gap})`);
  assert.ok(maxErr < 1e-5, `guided x̂ is the affine combination (${maxErr})`);
  // The null-class row is unconditional whatever w is.
  for (let i = 2 * 784; i < 3 * 784; i++) assert.ok(Math.abs(guided[i] - uncond[i]) < 1e-5);
  assert.throws(
    () => networkDenoiser(net, weights, 'u', schedule, nodeRuntime, { labels: Int32Array.of(11) }),
    /labels must be 0 … 9, or 10 for none/,
  );
  assert.throws(() => networkDenoiser(net, weights, 'u', schedule, nodeRuntime), /class-conditional: give a label per sample/);
});

test('image training: kill -9 then --resume gives the uninterrupted run; sample writes a class-by-class grid PNG', async () => {
  const args = [...tiny, '--steps', '30', '--checkpoint-every', '10'];
  const { straight: a, resumed: b, straightDir: straight } = await straightAndResumed({ args, every: 10, timeoutMs: 120_000, env, tmp });
  assert.deepEqual(b.losses, a.losses, 'same loss curve');
  assert.deepEqual(b.params, a.params, 'same parameters');

  const png = join(straight, 'grid.png');
  const r = difflow('sample', '--model', straight, '--steps', '3', '--per-class', '2', '--guidance', '2', '--out', png);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /20 images \(2 per class, rows: T-shirt\/top, Trouser,/);
  const bytes = readFileSync(png);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(view.getUint32(16), 2 * 58 + 2, 'width: 2 tiles of 56 px + gaps');
  assert.equal(view.getUint32(20), 10 * 58 + 2, 'height: one row per class');
});
