import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ddim, fmEuler, heun, priorSample, rng, scheduleByName, uniformT } from '../core/index.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { unflatten } from '../engine/params.js';
import { exportCommand } from '../cli/modelCommands.js';
import { trainRun } from './loop.js';
import { loadTrainState } from './checkpointing.js';
import { networkDenoiser } from '../training/networkDenoiser.js';
import { networkFor } from '../training/trainer.js';

const dir = mkdtempSync(join(tmpdir(), 'difflow-model-'));
const trained = trainRun({
  runDir: dir,
  config: { data: 'gmm', steps: 300, batch: 256, hidden: 64, layers: 2, threads: 1, checkpointEvery: 1000 },
  runtime: nodeRuntime,
});

test('training lowers the loss', async () => {
  const { losses } = await trained;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(losses.slice(-30)) < 0.85 * mean(losses.slice(0, 30)), `${mean(losses.slice(0, 30))} → ${mean(losses.slice(-30))}`);
});

test('on a trained flow-matching model, DDIM and flow-matching Euler give the same samples to float precision', async () => {
  await trained;
  const { config, state } = loadTrainState(dir);
  const net = networkFor(config, { dim: 2 });
  const schedule = scheduleByName(config.schedule);
  const model = networkDenoiser(net, unflatten(net, state.ema), config.output, schedule, nodeRuntime, { threads: 1 });
  const z1 = priorSample(schedule, 500, 2, rng(1));
  const a = await ddim(model, z1, uniformT(16));
  const b = await fmEuler(model, z1, uniformT(16));
  const diff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(diff < 1e-6, `max |DDIM − Euler| = ${diff}`);
  // A second-order sampler differs from both (the claim is not vacuous).
  const c = await heun(model, z1, uniformT(8));
  assert.ok(c.reduce((m, v, i) => Math.max(m, Math.abs(v - a[i])), 0) > 1e-3);
  await model.release();
});

test('an exported model runs in plain ONNX Runtime at any batch size and matches the library', async () => {
  await trained;
  const file = join(dir, 'model.onnx');
  exportCommand({ model: dir, onnx: file, ema: true }, () => {});
  const session = await ort.InferenceSession.create(readFileSync(file));
  const { config, state } = loadTrainState(dir);
  const schedule = scheduleByName(config.schedule);
  const ours = networkDenoiser(
    networkFor(config, { dim: 2 }),
    unflatten(networkFor(config, { dim: 2 }), state.ema),
    config.output,
    schedule,
    nodeRuntime,
    { threads: 1 },
  );
  for (const n of [1, 7, 300]) {
    const z = rng(n).normals(2 * n);
    const out = await session.run({
      z: new ort.Tensor('float32', Float32Array.from(z), [n, 2]),
      t: new ort.Tensor('float32', new Float32Array(n).fill(0.4), [n, 1]),
    });
    const u = out.out.data as Float32Array;
    const d = await ours.denoise(z, 0.4);
    for (let i = 0; i < 2 * n; i++) assert.ok(Math.abs(u[i] - (d.eps[i] - d.x[i])) < 1e-4, `batch ${n}, ${i}`);
  }
  await ours.release();
});
