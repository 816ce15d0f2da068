/**
 * `difflow train --backend torch`: the launcher's flags and interpreter search (no Python needed), and real
 * torchrun runs with gloo on the CPU (need /usr/bin/python3 with torch, or DIFFLOW_PYTHON; skipped without).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { energyDistance } from '../core/metrics/energy.js';
import { rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import { loadModel, sampleModel } from '../cli/loadModel.js';
import { signalAfterProgress } from '../../test/helpers/kill.js';
import { compareStep } from '../../test/helpers/torchParity.js';
import { loadTrainState } from './checkpointing.js';
import { PYTHON_DIR, backendFlags, findPython, torchrunArgs } from './torchBackend.js';

const PYTHON = process.env.DIFFLOW_PYTHON ?? '/usr/bin/python3';
const noTorch =
  spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0
    ? false
    : `${PYTHON} cannot import torch (apt-get install python3-torch)`;
const CLI = ['--import', 'tsx', 'src/cli/run.ts'];
const env = { ...process.env, DIFFLOW_PYTHON: PYTHON, DIFFLOW_FASHION_MNIST: resolve('test/fixtures/fashion-mnist-tiny') };
const difflow = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env });
const tmp = () => mkdtempSync(join(tmpdir(), 'difflow-torch-'));
const moons = [
  '--data',
  'moons',
  '--batch',
  '512',
  '--hidden',
  '64',
  '--lr',
  '1e-2',
  '--ema-decay',
  '0.99',
  '--seed',
  '1',
  '--backend',
  'torch',
];

test('the torch flags need --backend torch, more nodes need a rendezvous, and the device is cpu or cuda', () => {
  assert.throws(() => backendFlags({ nproc: '2' }), /--nproc, --nnodes, --rdzv-endpoint, --device and --python need --backend torch/);
  assert.throws(() => backendFlags({ backend: 'torch', nnodes: '2' }), /--nnodes 2 needs --rdzv-endpoint host:port/);
  assert.throws(() => backendFlags({ backend: 'torch', device: 'gpu' }), DifflowError);
  assert.throws(() => backendFlags({ backend: 'jax' }), /unknown backend 'jax'/);
  const { backend, torch, rest } = backendFlags({ backend: 'torch', nproc: '8', device: 'cuda', steps: '10' });
  assert.deepEqual([backend, torch.nproc, torch.nnodes, torch.device, rest], ['torch', 8, 1, 'cuda', { steps: '10' }]);
});

test("torchrun's command line: standalone on one node, a c10d rendezvous across nodes", () => {
  const one = torchrunArgs({ nproc: 2, nnodes: 1, device: 'cpu' }, 'spec.json');
  assert.ok(one.join(' ').includes('--nnodes 1 --nproc_per_node 2 --standalone -m difflow_torch.train spec.json'), one.join(' '));
  const two = torchrunArgs({ nproc: 8, nnodes: 2, rdzvEndpoint: 'head:29400', device: 'cuda' }, 's.json');
  assert.ok(two.join(' ').includes('--nnodes 2 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint head:29400'), two.join(' '));
});

test('without a python3 that imports torch, the error says how to install it', () => {
  const dir = tmp();
  const fake = join(dir, 'python3');
  writeFileSync(fake, '#!/bin/sh\nexit 1\n');
  chmodSync(fake, 0o755);
  assert.throws(() => findPython(undefined, { PATH: dir }), /no python3 on PATH imports torch: apt-get install python3-torch/);
  assert.throws(() => findPython(fake, {}), /cannot import torch: apt-get install python3-torch/);
  assert.throws(() => findPython(undefined, { PATH: dir, DIFFLOW_PYTHON: fake }), /cannot import torch/);
});

test("--device cuda picks the local rank's GPU and NCCL, and is refused where torch sees no GPU (device choice mocked)", {
  skip: noTorch,
}, () => {
  const code = [
    'from difflow_torch.train import device_for, UserError',
    "print(device_for('cpu', 0, False), device_for('cuda', 3, True))",
    'try:\n    device_for("cuda", 0, False)\nexcept UserError as e:\n    print(e)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_DIR } });
  assert.equal(r.stderr, '');
  assert.equal(
    r.stdout,
    "('cpu', 'gloo') ('cuda:3', 'nccl')\n--device cuda: PyTorch sees no CUDA GPU on this machine (torch.cuda.is_available() is False)\n",
  );
});

test("today's python/difflow_torch still computes one training step as difflow's ONNX step does (fixtures regenerated)", {
  skip: noTorch,
}, async () => {
  const dir = tmp();
  const r = spawnSync(PYTHON, ['scripts/make_torch_parity_fixtures.py', '--out', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors'));
  assert.equal(files.length, 31); // 28 MLP recipes, U-Net, DiT, the MLP with Fourier features and a cosine learning rate
  for (const f of files) await compareStep(join(dir, f));
});

test('a 2-process gloo run trains two moons to good samples, drawn by the ' +
  'TypeScript samplers from its checkpoint; the ONNX backend resumes it', { skip: noTorch }, async (t) => {
  const dir = tmp();
  const r = difflow('train', ...moons, '--nproc', '2', '--steps', '800', '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /done at step 800; mean loss of the last 100 steps/);
  assert.ok(existsSync(join(dir, 'loss.svg')));
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('.torch')),
    [],
    'the scratch folder is gone',
  );
  const model = loadModel(dir);
  const n = 1500;
  const samples = await sampleModel(model, 'dpmpp2m', 20, 'uniform', n, 5);
  await model.denoiser.release();
  const data = model.dataset.sample(n, rng(6));
  const trained = energyDistance(samples, model.dataset.sample(n, rng(7)), 2);
  const gaussian = energyDistance(momentMatchedGaussian(data, n), model.dataset.sample(n, rng(7)), 2);
  assert.ok(trained < gaussian / 3, `energy distance ${trained} vs a moment-matched Gaussian's ${gaussian}`);
  t.diagnostic(`energy distance to fresh data ${trained.toFixed(4)}; a moment-matched Gaussian's ${gaussian.toFixed(4)}`);
  const resumed = spawnSync(process.execPath, [...CLI, 'train', '--out', dir, '--resume', '--steps', '810', '--threads', '1'], {
    encoding: 'utf8',
  });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(loadTrainState(dir).state.step, 810);
});

/** n draws of the Gaussian with the mean and covariance of 2-D points [N·2]. */
function momentMatchedGaussian(points: Float64Array, n: number): Float64Array {
  const N = points.length / 2;
  const mean = [0, 1].map((j) => points.reduce((s, v, i) => (i % 2 === j ? s + v / N : s), 0));
  const c = [0, 0, 0];
  for (let i = 0; i < N; i++) {
    const [dx, dy] = [points[2 * i] - mean[0], points[2 * i + 1] - mean[1]];
    c[0] += (dx * dx) / N;
    c[1] += (dx * dy) / N;
    c[2] += (dy * dy) / N;
  }
  const l11 = Math.sqrt(c[0]);
  const l21 = c[1] / l11;
  const l22 = Math.sqrt(c[2] - l21 * l21);
  const e = rng(8).normals(2 * n);
  return Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? mean[0] + l11 * e[i] : mean[1] + l21 * e[i - 1] + l22 * e[i]));
}

test('a Fashion-MNIST U-Net trains on 1 and on 2 processes to the same parameters for the same global batch', { skip: noTorch }, () => {
  const tiny = ['--data', 'fashion-mnist', '--hidden', '8', '--batch', '4', '--steps', '2', '--backend', 'torch', '--threads', '1'];
  const [one, two] = [tmp(), tmp()];
  for (const [dir, nproc] of [
    [one, '1'],
    [two, '2'],
  ]) {
    const r = difflow('train', ...tiny, '--nproc', nproc, '--out', dir);
    assert.equal(r.status, 0, r.stderr);
  }
  const a = loadTrainState(one).state;
  const b = loadTrainState(two).state;
  assert.equal(b.step, 2);
  let worst = 0;
  for (let i = 0; i < a.params.length; i++) worst = Math.max(worst, Math.abs(a.params[i] - b.params[i]));
  assert.ok(worst < 1e-5, `parameters differ by ${worst}`);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(a.losses[i] - b.losses[i]) < 1e-5 * a.losses[i], `loss ${i}`);
});

test('a batch that does not split over the processes or a missing data file is one line (exit 2); SIGINT saves the step reached', {
  skip: noTorch,
}, async () => {
  for (const [args, message] of [
    [['--batch', '255'], /--batch 255 does not split over 2 processes/],
    [['--data', 'missing.csv'], /data file \S*missing\.csv not found/],
  ] as const) {
    const bad = difflow('train', ...moons, ...args, '--nproc', '2', '--out', tmp());
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, message);
  }
  const dir = tmp();
  const child = spawn(process.execPath, [...CLI, 'train', ...moons, '--nproc', '2', '--steps', '100000', '--out', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const { code, output } = await signalAfterProgress(child, /step \d+\/100000/, 'SIGINT');
  assert.equal(code, 130, output); // 128 + SIGINT, after saving, as on the ONNX backend
  assert.ok(!existsSync(join(dir, '.lock')), 'the run folder is unlocked');
  const stopped = /stopped at step (\d+)/.exec(output);
  assert.ok(stopped, output);
  assert.equal(loadTrainState(dir).state.step, Number(stopped[1]));
});
