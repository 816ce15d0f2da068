import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rng } from '../core/rng.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { loadModel } from './modelCommands.js';

const env = { ...process.env, DIFFLOW_FASHION_MNIST: resolve('test/fixtures/fashion-mnist-tiny') };
const difflow = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { encoding: 'utf8', env });

test('difflow export of a trained DiT runs at batch 1, 4 and 1000 and equals what difflow sample evaluates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-export-'));
  const run = join(dir, 'run');
  const trained = difflow('train', '--data', 'fashion-mnist', '--model', 'dit', '--hidden', '16', '--layers', '1', '--output', 'x', '--batch', '8', '--steps', '3', '--threads', '1', '--out', run);
  assert.equal(trained.status, 0, trained.stderr);
  const onnx = join(dir, 'dit.onnx');
  const exported = difflow('export', '--model', run, '--onnx', onnx);
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /inputs z \[batch, 784\], t \[batch, 1\], label \[batch, 11\]/);

  const model = loadModel(run);
  const session = await nodeRuntime.createSession(readFileSync(onnx), { threads: 1 });
  const t = 0.6;
  for (const B of [1, 4, 1000]) {
    const z = rng(B).normals(B * 784);
    const labels = Int32Array.from({ length: B }, (_, i) => i % 11);
    const onehot = new Float32Array(B * 11);
    labels.forEach((l, i) => (onehot[i * 11 + l] = 1));
    const { out } = await session.run({ z: { data: Float32Array.from(z), dims: [B, 784] }, t: { data: new Float32Array(B).fill(t), dims: [B, 1] }, label: { data: onehot, dims: [B, 11] } });
    const denoiser = model.makeDenoiser({ labels });
    const { x } = await denoiser.denoise(z, t); // an x-output model: x̂ is the network's output
    await denoiser.release();
    const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const worst = out.data.reduce((m, v, i) => Math.max(m, Math.abs(v - x[i])), 0);
    assert.ok(scale > 0, 'the trained output layer is no longer zero');
    assert.ok(worst <= 1e-6 * Math.max(1, scale), `batch ${B}: largest difference ${worst} (outputs up to ${scale})`);
  }
  await session.release();
});
