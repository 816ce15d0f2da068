import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import { rng } from '../core/rng.js';
import { flowMatching } from '../core/schedule/index.js';
import { dit } from '../models/dit.js';
import { mlp } from '../models/mlp.js';
import type { Network } from '../models/network.js';
import { unet } from '../models/unet.js';
import { networkDenoiser } from '../training/networkDenoiser.js';
import { Builder } from './builder.js';
import { toOnnx, toOnnxAnyBatch } from './onnx.js';
import { nodeRuntime } from './ortNode.js';
import { buildForward, buildTrainStep } from '../models/denoiserGraph.js';
import { oneHot, randomWeights } from '../../test/helpers/networks.js';

const NETWORKS: readonly (readonly [string, Network])[] = [
  ['MLP', mlp({ hidden: 32 })],
  ['U-Net', unet({ channels: 8, groups: 4, embedding: 16, timeFrequencies: 4 })],
  ['DiT', dit({ width: 16, depth: 2, heads: 2, patch: 7, mlpRatio: 2, timeFrequencies: 4 })],
];

for (const [name, net] of NETWORKS) {
  test(`an exported ${name} runs at batch 1, 4 and 1000 and equals the network as difflow sample evaluates it`, async () => {
    const weights = randomWeights(net, 1);
    const schedule = flowMatching();
    const t = 0.37;
    const session = await nodeRuntime.createSession(
      toOnnxAnyBatch((batch) => buildForward(net, batch, weights)),
      { threads: 1 },
    );
    for (const B of [1, 4, 1000]) {
      const z = rng(B).normals(B * net.dim);
      const K = net.classes;
      const labels = K === undefined ? undefined : Int32Array.from({ length: B }, (_, i) => (3 * i + 1) % (K + 1));
      const feeds = {
        z: { data: Float32Array.from(z), dims: [B, net.dim] },
        t: { data: new Float32Array(B).fill(t), dims: [B, 1] },
        ...(labels && K !== undefined ? { label: { data: oneHot(labels, K), dims: [B, K + 1] } } : {}),
      };
      const { out } = await session.run(feeds);
      assert.deepEqual(out.dims, [B, net.dim]);
      // `difflow sample` runs the static-batch forward (in chunks of 256); an x-output denoiser returns it as x̂.
      const sampled = networkDenoiser(net, weights, 'x', schedule, nodeRuntime, { labels, threads: 1 });
      const { x } = await sampled.denoise(z, t);
      await sampled.release();
      const scale = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = out.data.reduce((m, v, i) => Math.max(m, Math.abs(v - x[i])), 0);
      assert.ok(scale > 0.1, `the output is not trivially zero (${scale})`);
      assert.ok(worst <= 1e-6 * scale, `batch ${B}: largest difference ${worst} (outputs up to ${scale})`);
    }
    await session.release();
  });
}

test('the exported batch is one symbolic dimension of every input and output; training steps keep static shapes', () => {
  const net = NETWORKS[2][1];
  const { graph } = onnxProto.onnx.ModelProto.decode(toOnnxAnyBatch((batch) => buildForward(net, batch, randomWeights(net, 2))));
  for (const io of [...graph!.input!, ...graph!.output!]) {
    const dims = io.type!.tensorType!.shape!.dim!;
    assert.equal(dims[0].dimParam, 'batch', io.name!);
    assert.ok(
      dims.slice(1).every((d) => !d.dimParam),
      io.name!,
    );
  }
  const step = onnxProto.onnx.ModelProto.decode(toOnnx(buildTrainStep(net, 8))).graph!;
  assert.ok(step.input!.every((i) => i.type!.tensorType!.shape!.dim!.every((d) => !d.dimParam)));
  assert.ok(
    step.initializer!.every((i) => i.dataType !== 7 || i.int64Data!.every((v) => Number(v) !== -1)),
    'no inferred (−1) Reshape sizes',
  );
});

test('a graph that cannot run at any batch size is refused with the reason, not exported wrong', () => {
  const sliced = (batch: number) => {
    const g = new Builder();
    g.output('y', g.slice(g.input('x', [batch, 3]), 0, 0, 1));
    return g;
  };
  assert.throws(() => toOnnxAnyBatch(sliced), /cannot give this graph a symbolic batch: a Slice over its batch axis \[2,3\]/);
  const sized = (batch: number) => {
    const g = new Builder();
    g.output('y', g.add(g.input('x', [batch, 3]), g.constant(new Float64Array(batch * 3), [batch, 3])));
    return g;
  };
  assert.throws(() => toOnnxAnyBatch(sized), /a constant of shape \[2,3\] depends on the batch/);
  const reshaped = new Builder();
  reshaped.output('y', reshaped.reshape(reshaped.input('x', [2, 6]), [2, 2, 3]));
  assert.throws(() => toOnnx(reshaped, { batchDim: 'batch' }), /needs toOnnx's batchProbe/);
});
