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
import { buildTrainStep } from '../models/denoiserGraph.js';
import { optimizerFeeds, optimizerOutputs } from './optimizer.js';
import { flatten } from './params.js';

test('onnxruntime-web (wasm) runs the same training step as onnxruntime-node, behind one interface', async () => {
  const net = mlp({ hidden: 32, layers: 2 });
  const B = 64;
  const model = toOnnx(buildTrainStep(net, B));
  const g = rng(0);
  const params = initParams(net, g);
  const flat = flatten(net, params);
  const zeros = new Float32Array(flat.length);
  const feeds: Record<string, TensorData> = {
    z: { data: Float32Array.from(g.normals(2 * B)), dims: [B, 2] },
    t: { data: Float32Array.from({ length: B }, () => g.uniform()), dims: [B, 1] },
    target: { data: Float32Array.from(g.normals(2 * B)), dims: [B, 2] },
    weight: { data: new Float32Array(B).fill(1), dims: [B, 1] },
    ...optimizerFeeds({ params: flat, m: zeros, v: zeros, ema: flat }, 1, { lr: 1e-3, eps: 1e-8, weightDecay: 0, emaDecay: 0.999 }),
  };
  const results = [];
  for (const runtime of [nodeRuntime, webRuntime(ortWeb)]) {
    const session = await runtime.createSession(model, { threads: 1 });
    results.push(await session.run(feeds));
    await session.release();
  }
  const [a, b] = results.map(optimizerOutputs);
  assert.ok(Math.abs(a.loss - b.loss) < 1e-5 * Math.abs(a.loss), `${a.loss} vs ${b.loss}`);
  a.state.params.forEach((v, i) => assert.ok(Math.abs(v - b.state.params[i]) < 1e-5, `parameter ${i}`));
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
