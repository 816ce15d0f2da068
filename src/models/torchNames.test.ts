/**
 * The exported state_dict loads into the PyTorch mirrors with load_state_dict(strict=True) and computes what
 * difflow computes. Runs Debian's PyTorch (/usr/bin/python3, package python3-torch) on
 * scripts/torch_load_export.py.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '../core/rng.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import type { TensorData } from '../engine/runtime.js';
import { buildForward } from './denoiserGraph.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { dit } from './dit.js';
import { mlp } from './mlp.js';
import type { Network } from './network.js';
import { torchName, torchStateDict } from './torchNames.js';
import { unet } from './unet.js';
import { oneHot, randomWeights } from '../../test/helpers/networks.js';
import { rows, torchMirrorOutputs, worstRelative } from '../../test/helpers/torchMirror.js';

const NETWORKS: readonly (readonly [string, Network])[] = [
  ['U-Net', unet({ classes: 3, channels: 4, groups: 2, embedding: 8, timeFrequencies: 3 })],
  ['DiT', dit({ classes: 3, width: 8, depth: 2, heads: 2, patch: 7, mlpRatio: 2, timeFrequencies: 3 })],
  ['MLP', mlp()], // bench/torch_peer.py mirrors the default MLP only
];

/** Random weights exported to a file, and difflow's output on 3 inputs. */
async function exported(net: Network) {
  const weights = randomWeights(net, 7);
  const r = rng(8);
  const file = join(mkdtempSync(join(tmpdir(), 'difflow-st-')), 'model.safetensors');
  writeFileSync(file, encodeSafetensors(torchStateDict(net, weights), { format: 'pt', network: JSON.stringify(net.describe) }));
  const B = 3;
  const z = Float32Array.from(r.normals(B * net.dim));
  const t = Float32Array.of(0.05, 0.5, 0.93);
  const K = net.classes;
  const labels = K === undefined ? undefined : [0, 2, K];
  const feeds: Record<string, TensorData> = { z: { data: z, dims: [B, net.dim] }, t: { data: t, dims: [B, 1] } };
  if (labels && K !== undefined) feeds.label = { data: oneHot(labels, K), dims: [B, K + 1] };
  const session = await nodeRuntime.createSession(toOnnx(buildForward(net, B, weights)), { threads: 1 });
  const ours = (await session.run(feeds)).out.data;
  await session.release();
  return { ours, file, inputs: { z: rows(z, net.dim), t: rows(t, 1), labels } };
}

test("the U-Net's, DiT's and MLP's exported weights load into their PyTorch mirrors (strict) and give difflow's outputs", async (ctx) => {
  const runs = await Promise.all(NETWORKS.map(([, net]) => exported(net)));
  const theirs = torchMirrorOutputs(runs);
  NETWORKS.forEach(([name], i) => {
    const worst = worstRelative(runs[i].ours, theirs[i]);
    ctx.diagnostic(`${name}: largest difference ${worst.toExponential(2)} of the output scale`);
    assert.ok(worst < 2e-5, `${name}: largest difference ${worst.toExponential(2)} of the output scale`);
  });
});

test('PyTorch names: Linear weights become weight [out, in], the rest keep their shapes; the renamed modules', () => {
  const net = NETWORKS[0][1];
  const weights = Object.fromEntries(
    net.params.map((p) => [p.name, Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, (_, i) => i)]),
  );
  const state = torchStateDict(net, weights);
  assert.deepEqual(
    ['in.W', 'outNorm.gamma', 'classEmbedding', 'down1.emb.b', 'attn.q.W'].map((n) => torchName(net, n)),
    ['inp.weight', 'out_norm.weight', 'class_embedding', 'down1.emb.bias', 'attn.q.weight'],
  );
  const emb = state['down1.emb.weight'];
  assert.deepEqual(emb.shape, [4, 8], 'difflow [in 8, out 4] → PyTorch [out 4, in 8]');
  assert.deepEqual(Array.from(emb.data.subarray(0, 3) as Float32Array), [0, 4, 8], 'row o of the weight is column o of W');
  assert.deepEqual(state['inp.weight'].shape, [4, 1, 3, 3]);
  assert.deepEqual(
    Object.keys(
      torchStateDict(mlp(), Object.fromEntries(mlp().params.map((p) => [p.name, new Float32Array(p.shape.reduce((a, b) => a * b, 1))]))),
    ),
    ['mlp.0.weight', 'mlp.0.bias', 'mlp.2.weight', 'mlp.2.bias', 'mlp.4.weight', 'mlp.4.bias', 'mlp.6.weight', 'mlp.6.bias', 'freqs'],
  );
});
