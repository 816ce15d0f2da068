import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { gradients } from '../engine/autodiff.js';
import { Builder } from '../engine/builder.js';
import { size, type Tensor } from '../engine/graph.js';
import { interpret } from '../engine/interpret.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { attention, downsample, groupNorm, layerNorm, residualBlock, upsample, type Block, type Params } from './blocks.js';
import { initParams, type Network } from './network.js';

/** Per-slice mean and (biased) variance of `values` split into `count` equal consecutive slices. */
function moments(values: Float64Array, count: number): { mean: number; variance: number }[] {
  const n = values.length / count;
  return Array.from({ length: count }, (_, s) => {
    const part = values.subarray(s * n, (s + 1) * n);
    const mean = part.reduce((a, b) => a + b, 0) / n;
    return { mean, variance: part.reduce((a, b) => a + (b - mean) ** 2, 0) / n };
  });
}

test('groupNorm gives every group of every example mean 0 and variance 1 before the affine, then scales and shifts per channel', () => {
  const [N, C, H, W, G] = [2, 4, 3, 3, 2];
  const g = new Builder();
  const x = g.input('x', [N, C, H, W]);
  const [gamma, beta] = [g.input('gamma', [C]), g.input('beta', [C])];
  g.output('plain', groupNorm(g, x, G, g.constant([1, 1, 1, 1], [C]), g.constant([0, 0, 0, 0], [C])));
  g.output('affine', groupNorm(g, x, G, gamma, beta));
  const r = rng(3);
  const xs = Float64Array.from(r.normals(N * C * H * W), (v, i) => 3 * v + (i % 7)); // off-centre, not unit scale
  const out = interpret(g, { x: xs, gamma: [2, -1, 0.5, 3], beta: [1, 0, -2, 0.25] });
  // Channels of one group are consecutive in NCHW, so groups are consecutive slices of C/G·H·W values.
  for (const { mean, variance } of moments(out.plain, N * G)) {
    assert.ok(Math.abs(mean) < 1e-12, `group mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 1e-4, `group variance ${variance}`); // 1 − ε/(var + ε)
  }
  out.affine.forEach((v, i) => {
    const c = Math.floor(i / (H * W)) % C;
    assert.ok(Math.abs(v - (out.plain[i] * [2, -1, 0.5, 3][c] + [1, 0, -2, 0.25][c])) < 1e-12);
  });
  assert.throws(() => groupNorm(g, x, 3, gamma, beta), /GroupNorm: 3 groups do not divide 4 channels/);
});

test('layerNorm gives every row mean 0 and variance 1 before the affine', () => {
  const g = new Builder();
  const x = g.input('x', [3, 8]);
  g.output('y', layerNorm(g, x, g.constant(new Array(8).fill(1), [8]), g.constant(new Array(8).fill(0), [8])));
  const out = interpret(g, { x: Float64Array.from(rng(4).normals(24), (v) => 5 * v - 2) });
  for (const { mean, variance } of moments(out.y, 3)) {
    assert.ok(Math.abs(mean) < 1e-12 && Math.abs(variance - 1) < 1e-4, `row mean ${mean}, variance ${variance}`);
  }
});

test(
  'a residual block declares PyTorch-style parameters, a 1×1 skip ' + 'conv only when channels change, and initParams sets its γ to one',
  () => {
    const changing = residualBlock('res', { cIn: 4, cOut: 6, embedding: 8, groups: 2 });
    const shapes = Object.fromEntries(changing.params.map((p) => [p.name, p.shape]));
    assert.deepEqual(shapes, {
      'res.norm1.gamma': [4],
      'res.norm1.beta': [4],
      'res.conv1.W': [6, 4, 3, 3],
      'res.conv1.b': [6],
      'res.emb.W': [8, 6],
      'res.emb.b': [6],
      'res.norm2.gamma': [6],
      'res.norm2.beta': [6],
      'res.conv2.W': [6, 6, 3, 3],
      'res.conv2.b': [6],
      'res.skip.W': [6, 4, 1, 1],
      'res.skip.b': [6],
    });
    assert.deepEqual(changing.params.find((p) => p.name === 'res.conv1.W')?.init, { kind: 'uniform', fanIn: 36 });
    assert.deepEqual(changing.params.find((p) => p.name === 'res.skip.b')?.init, { kind: 'uniform', fanIn: 4 });
    assert.ok(!residualBlock('same', { cIn: 4, cOut: 4, embedding: 8, groups: 2 }).params.some((p) => p.name.includes('skip')));
    assert.throws(
      () => residualBlock('bad', { cIn: 4, cOut: 6, embedding: 8, groups: 4 }),
      /residualBlock bad: 4 groups do not divide 6 channels/,
    );

    const net: Network = { describe: {}, dim: 1, params: changing.params, forward: (_g, _p, z) => z };
    const values = initParams(net, rng(5));
    for (const p of changing.params) {
      if (p.name.endsWith('.gamma'))
        assert.ok(
          values[p.name].every((v) => v === 1),
          p.name,
        );
      if (p.name.endsWith('.beta'))
        assert.ok(
          values[p.name].every((v) => v === 0),
          p.name,
        );
    }
    assert.ok(values['res.conv1.W'].every((v) => Math.abs(v) <= 1 / 6) && values['res.conv1.W'].some((v) => v !== 0));
  },
);

test('downsample halves 28×28 to 14×14 and 7×7 with a stride-2 conv, pooling has no parameters, and upsample doubles back', () => {
  const g = new Builder();
  const x = g.input('x', [2, 4, 28, 28]);
  const p = (b: Block<[Tensor]>): Params => Object.fromEntries(b.params.map((s) => [s.name, g.input(s.name, s.shape)]));
  const down = downsample('down', 4);
  const half = down.apply(g, p(down), x);
  assert.deepEqual(half.shape, [2, 4, 14, 14]);
  assert.deepEqual(
    downsample('down2', 4).apply(g, { 'down2.conv.W': g.input('w7', [4, 4, 3, 3]), 'down2.conv.b': g.input('b7', [4]) }, half).shape,
    [2, 4, 7, 7],
  );
  const pool = downsample('pool', 4, 'pool');
  assert.deepEqual([pool.params.length, pool.apply(g, {}, x).shape], [0, [2, 4, 14, 14]]);
  const up = upsample('up', 4);
  assert.deepEqual(up.apply(g, p(up), half).shape, [2, 4, 28, 28]);
});

/** A block's scalar loss Σ y ⊙ R + ½ Σ y² as a graph over its parameters and inputs, with random values for both. */
function blockLoss(block: Block<Tensor[]>, inputs: Record<string, readonly number[]>, withGradients: boolean) {
  const g = new Builder();
  const p = Object.fromEntries(block.params.map((s) => [s.name, g.input(s.name, s.shape)]));
  const args = Object.entries(inputs).map(([name, shape]) => g.input(name, shape));
  const y = block.apply(g, p, ...args);
  const loss = g.add(g.sumAll(g.mul(y, g.constant(rng(99).normals(size(y.shape)), y.shape))), g.mul(g.sumAll(g.square(y)), 0.5));
  g.output('loss', loss);
  const wrt = [...block.params.map((s) => p[s.name]), ...args];
  if (withGradients) gradients(g, loss, wrt).forEach((gr, i) => g.output(`g${i}`, gr));
  const r = rng(6);
  const feeds = Object.fromEntries(
    g.inputs.map(({ name, tensor }) => [
      name,
      Float64Array.from(r.normals(size(tensor.shape)), (v) => (name.endsWith('.gamma') ? 1 + 0.2 * v : 0.4 * v)),
    ]),
  );
  return { g, feeds, names: g.inputs.map((i) => i.name) };
}

/** Autodiff against central differences at a few coordinates of every parameter and input; ORT against float64 everywhere. */
async function checkBlock(block: Block<Tensor[]>, inputs: Record<string, readonly number[]>): Promise<void> {
  const { g, feeds, names } = blockLoss(block, inputs, true);
  const lossOnly = blockLoss(block, inputs, false).g;
  const ref = interpret(g, feeds);
  const h = 1e-6;
  names.forEach((name, i) => {
    const n = feeds[name].length;
    for (const k of new Set([0, 1, Math.floor(n / 2), n - 1])) {
      const moved = (delta: number) => {
        const x = feeds[name].slice();
        x[k] += delta;
        return interpret(lossOnly, { ...feeds, [name]: x }).loss[0];
      };
      const fd = (moved(h) - moved(-h)) / (2 * h);
      assert.ok(
        Math.abs(fd - ref[`g${i}`][k]) < 1e-6 * Math.max(1, Math.abs(fd)),
        `${block.name}: d/d${name}[${k}] autodiff ${ref[`g${i}`][k]} vs finite difference ${fd}`,
      );
    }
  });
  const session = await nodeRuntime.createSession(toOnnx(g), { threads: 1 });
  const out = await session.run(
    Object.fromEntries(g.inputs.map(({ name, tensor }) => [name, { data: Float32Array.from(feeds[name]), dims: tensor.shape }])),
  );
  await session.release();
  for (const name of ['loss', ...names.map((_, i) => `g${i}`)]) {
    const scale = Math.max(1, ...ref[name].map(Math.abs));
    ref[name].forEach((v, i) =>
      assert.ok(Math.abs(out[name].data[i] - v) < 5e-5 * scale, `${block.name}: ${name}[${i}] ORT ${out[name].data[i]} vs float64 ${v}`),
    );
  }
}

test(
  "a residual block's gradients match finite differences, and its loss " +
    'and gradients agree between ONNX Runtime and the float64 interpreter',
  async () => {
    const res = residualBlock('res', { cIn: 4, cOut: 6, embedding: 8, groups: 2 });
    await checkBlock(res, { x: [2, 4, 6, 6], emb: [2, 8] });
  },
);

test('the down- and upsampling and self-attention blocks pass the same checks', async () => {
  await checkBlock(downsample('down', 2), { x: [2, 2, 6, 6] });
  await checkBlock(upsample('up', 2), { x: [2, 2, 3, 3] });
  await checkBlock(attention('attn', 4, 2), { x: [2, 4, 3, 3] });
});
