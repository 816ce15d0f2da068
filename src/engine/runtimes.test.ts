import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { mlp } from '../models/mlp.js';
import { initParams } from '../models/network.js';
import { toOnnx } from './onnx.js';
import { nodeRuntime, resolveSpinning, spinningFits } from './ortNode.js';
import * as ortWeb from 'onnxruntime-web';
import { webRuntime } from './ortWeb.js';
import type { TensorData } from './runtime.js';
import { adamScalars, buildTrainStep, emaDecayAt, flatten } from './trainStep.js';

test('onnxruntime-web (wasm) runs the same training step as onnxruntime-node, behind one interface', async () => {
  const net = mlp({ hidden: 32, layers: 2 });
  const B = 64;
  const model = toOnnx(buildTrainStep(net, B));
  const g = rng(0);
  const params = initParams(net, g);
  const s = adamScalars(1, 1e-3, 1e-8, 0);
  const feeds: Record<string, TensorData> = {
    z: { data: Float32Array.from(g.normals(2 * B)), dims: [B, 2] },
    t: { data: Float32Array.from({ length: B }, () => g.uniform()), dims: [B, 1] },
    target: { data: Float32Array.from(g.normals(2 * B)), dims: [B, 2] },
    weight: { data: new Float32Array(B).fill(1), dims: [B, 1] },
    stepSize: { data: Float32Array.of(s.stepSize), dims: [] }, epsHat: { data: Float32Array.of(s.epsHat), dims: [] },
    decay: { data: Float32Array.of(s.decay), dims: [] }, emaDecay: { data: Float32Array.of(emaDecayAt(1)), dims: [] },
  };
  const flat = flatten(net, params);
  const P = flat.length;
  Object.assign(feeds, {
    params: { data: flat, dims: [P] }, m: { data: new Float32Array(P), dims: [P] }, v: { data: new Float32Array(P), dims: [P] }, ema: { data: flat, dims: [P] },
  });
  const results = [];
  for (const runtime of [nodeRuntime, webRuntime(ortWeb)]) {
    const session = await runtime.createSession(model, { threads: 1 });
    results.push(await session.run(feeds));
    await session.release();
  }
  const [a, b] = results;
  assert.ok(Math.abs(a.loss.data[0] - b.loss.data[0]) < 1e-5 * Math.abs(a.loss.data[0]), `${a.loss.data[0]} vs ${b.loss.data[0]}`);
  a['new.params'].data.forEach((v, i) => assert.ok(Math.abs(v - b['new.params'].data[i]) < 1e-5, `parameter ${i}`));
});

test("spinning: 'auto' spins only when the other runnable threads leave our threads their cores", async () => {
  assert.equal(spinningFits([0, 0, 1, 0, 0], 2, 2), true, 'a passing blip');
  assert.equal(spinningFits([1, 1, 1, 0, 1], 2, 2), false, 'one busy process on two cores');
  assert.equal(spinningFits([1, 1, 1, 1, 1], 4, 2), true, 'one busy process, two spare cores');
  assert.equal(spinningFits([3, 3, 3, 3, 3], 4, 2), false);
  assert.equal(await resolveSpinning(true), true);
  assert.equal(await resolveSpinning(false), false);
  assert.equal(await resolveSpinning(undefined), false);
  assert.equal(typeof (await resolveSpinning('auto', 2)), 'boolean');
});
