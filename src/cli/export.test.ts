import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rng } from '../core/rng.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { oneHot } from '../../test/helpers/networks.js';
import { rows, torchMirrorOutputs, worstRelative } from '../../test/helpers/torchMirror.js';
import { loadModel } from './loadModel.js';

const env = { ...process.env, DIFFLOW_FASHION_MNIST: resolve('test/fixtures/fashion-mnist-tiny') };
const difflow = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { encoding: 'utf8', env });

test(
  'difflow export of a trained DiT: the ONNX runs at batch 1, 4 and 1000 and equals what ' +
    'difflow sample evaluates; the safetensors loads into the PyTorch mirror with the same output',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'difflow-export-'));
    const run = join(dir, 'run');
    const trained = difflow(
      'train',
      '--data',
      'fashion-mnist',
      '--network',
      'dit',
      '--hidden',
      '16',
      '--layers',
      '1',
      '--prediction',
      'x',
      '--batch',
      '8',
      '--steps',
      '3',
      '--threads',
      '1',
      '--out',
      run,
    );
    assert.equal(trained.status, 0, trained.stderr);
    const onnx = join(dir, 'dit.onnx');
    const weights = join(dir, 'dit.safetensors');
    const exported = difflow('export', '--model', run, '--onnx', onnx, '--safetensors', weights);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /inputs z \[batch, 784\], t \[batch, 1\], label \[batch, 11\]/);
    assert.match(exported.stdout, /dit\.safetensors \(\d+ KiB\): \d+ float32 tensors named and shaped as the PyTorch mirror's state_dict/);

    const model = loadModel(run);
    const session = await nodeRuntime.createSession(readFileSync(onnx), { threads: 1 });
    const t = 0.6;
    for (const B of [1, 4, 1000]) {
      const z = rng(B).normals(B * 784);
      const labels = Int32Array.from({ length: B }, (_, i) => i % 11);
      const { out } = await session.run({
        z: { data: Float32Array.from(z), dims: [B, 784] },
        t: { data: new Float32Array(B).fill(t), dims: [B, 1] },
        label: { data: oneHot(labels, 10), dims: [B, 11] },
      });
      const denoiser = model.makeDenoiser({ labels });
      const { x } = await denoiser.denoise(z, t); // an x-output model: x̂ is the network's output
      await denoiser.release();
      const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = out.data.reduce((m, v, i) => Math.max(m, Math.abs(v - x[i])), 0);
      assert.ok(scale > 0, 'the trained output layer is no longer zero');
      assert.ok(worst <= 1e-6 * Math.max(1, scale), `batch ${B}: largest difference ${worst} (outputs up to ${scale})`);
      if (B === 4) {
        const [torch] = torchMirrorOutputs([
          { file: weights, inputs: { z: rows(z, 784), t: rows(new Float64Array(B).fill(t), 1), labels: Array.from(labels) } },
        ]);
        assert.ok(worstRelative(torch, x) < 1e-5, `PyTorch mirror: largest difference ${worstRelative(torch, x)}`);
      }
    }
    await session.release();
  },
);

test('difflow export without an output file is one line naming the options, exit 2', () => {
  const r = difflow('export', '--model', 'no-such-run');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'difflow: export needs --onnx <file>, --safetensors <file> or both\n');
});
