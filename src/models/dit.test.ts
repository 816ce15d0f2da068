import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import { gradients } from '../engine/autodiff.js';
import { Builder } from '../engine/builder.js';
import { size, type Tensor } from '../engine/graph.js';
import { interpret } from '../engine/interpret.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { buildForward, buildTrainStep } from './denoiserGraph.js';
import { flatten } from '../engine/params.js';
import { optimizerFeeds, optimizerOutputs, takeOptimizerOutputs, type OptimizerState } from '../engine/optimizer.js';
import { dit, patchify, unpatchify } from './dit.js';
import { initParams, parameterCount, type Network } from './network.js';

type Feeds = Record<string, Float64Array>;

/** A config small enough for finite differences: 4 tokens of width 8, one block of 2 heads. */
const tiny = () => dit({ classes: 3, patch: 7, width: 8, depth: 1, heads: 2, mlpRatio: 2, timeFrequencies: 2 });

/**
 * Random non-zero parameters (zero-initialised layers would hide errors downstream of them): matrices
 * N(0, 1/rows), vectors N(0, 0.3²).
 */
function randomWeights(net: Network, seed: number): Feeds {
  const r = rng(seed);
  return Object.fromEntries(
    net.params.map((p) => [p.name, r.normals(size(p.shape)).map((v) => v * (p.shape.length === 2 ? 1 / Math.sqrt(p.shape[0]) : 0.3))]),
  );
}

/** Images N(0, 1), times in (0, 1) and one-hot labels of the given classes (K is the null class). */
function randomBatch(net: Network, classes: readonly number[], seed: number): Feeds {
  const r = rng(seed);
  const K1 = net.classes! + 1;
  return {
    z: r.normals(classes.length * net.dim),
    t: Float64Array.from(classes, () => r.uniform()),
    label: Float64Array.from({ length: classes.length * K1 }, (_, i) => (i % K1 === classes[Math.floor(i / K1)] ? 1 : 0)),
  };
}

/** The forward graph with a scalar loss Σ y ⊙ R + ½ Σ y² (R fixed), and its gradients g.<param> when asked. */
function lossGraph(net: Network, batch: number, withGradients: boolean): Builder {
  const g = buildForward(net, batch);
  const y = g.outputs[0].tensor;
  const loss = g.add(g.sumAll(g.mul(y, g.constant(rng(99).normals(size(y.shape)), y.shape))), g.mul(g.sumAll(g.square(y)), 0.5));
  g.output('loss', loss);
  if (withGradients) {
    const params = net.params.map((s) => g.inputs.find((i) => i.name === s.name)!.tensor);
    gradients(g, loss, params).forEach((gr, i) => g.output(`g.${net.params[i].name}`, gr));
  }
  return g;
}

async function runOrt(g: Builder, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const session = await nodeRuntime.createSession(toOnnx(g), { threads: 1 });
  const out = await session.run(
    Object.fromEntries(g.inputs.map(({ name, tensor }) => [name, { data: Float32Array.from(feeds[name]), dims: tensor.shape }])),
  );
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, t.data]));
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('dit maps [B, 784] images and [B, K + 1] labels to [B, 784] with 1 846 672 parameters at the defaults', () => {
  const net = dit();
  const [W, P, N, F, K, hidden] = [128, 16, 49, 16, 10, 512];
  const linear = (i: number, o: number) => i * o + o;
  const block = 6 * linear(W, W) + 4 * linear(W, W) + linear(W, hidden) + linear(hidden, W);
  const expected = linear(P, W) + N * W + linear(2 * F, W) + linear(W, W) + (K + 1) * W + 6 * block + 2 * linear(W, W) + linear(W, P);
  assert.equal(expected, 1_846_672);
  assert.equal(parameterCount(net), expected);
  assert.deepEqual([net.dim, net.classes, net.image], [784, 10, [1, 28, 28]]);
  assert.deepEqual(net.describe, { kind: 'dit', classes: 10, patch: 4, width: 128, depth: 6, heads: 4, mlpRatio: 4, timeFrequencies: 16 });
  const g = buildForward(net, 3);
  assert.deepEqual(g.inputs.find((i) => i.name === 'label')?.tensor.shape, [3, 11]);
  assert.deepEqual(g.outputs[0].tensor.shape, [3, 784]);
  const spec = (name: string) => net.params.find((p) => p.name === name);
  assert.deepEqual(spec('block5.gate2.W'), { name: 'block5.gate2.W', shape: [128, 128], init: { kind: 'zeros' } });
  assert.deepEqual(spec('final.out.b'), { name: 'final.out.b', shape: [16], init: { kind: 'zeros' } });
  assert.deepEqual(spec('pos'), { name: 'pos', shape: [49, 128], init: { kind: 'normal', std: 0.02 } });
  assert.deepEqual(spec('labelEmbedding'), { name: 'labelEmbedding', shape: [11, 128], init: { kind: 'normal', std: 0.02 } });
  assert.deepEqual(spec('block0.attn.q.W')?.init, { kind: 'uniform', fanIn: 128 });
  assert.equal(parameterCount(dit({ patch: 7, width: 64, depth: 2, heads: 2 })) < parameterCount(net), true);
});

test('dit rejects a patch that does not divide 28, heads that do not divide the width, non-integer sizes and a missing label', () => {
  const cases: [Parameters<typeof dit>[0], RegExp][] = [
    [{ patch: 5 }, /patch 5 does not divide the image side 28/],
    [{ width: 100, heads: 3 }, /3 heads do not divide width 100/],
    [{ depth: 0 }, /depth must be an integer ≥ 1, got 0/],
    [{ classes: 2.5 }, /classes must be an integer ≥ 1, got 2.5/],
    [{ mlpRatio: -1 }, /mlpRatio must be an integer ≥ 1/],
  ];
  for (const [options, message] of cases)
    assert.throws(
      () => dit(options),
      (e: unknown) => e instanceof DifflowError && message.test(e.message),
      JSON.stringify(options),
    );
  const net = tiny();
  const g = new Builder();
  const p = Object.fromEntries(net.params.map((s) => [s.name, g.input(s.name, s.shape)]));
  assert.throws(
    () => net.forward(g, p, g.input('z', [1, 784]), g.input('t', [1, 1])),
    (e: unknown) => e instanceof DifflowError && /needs a one-hot label \[batch, 4\]/.test(e.message),
  );
});

test('patchify puts pixel (r, c) in token (r/p)·G + c/p at feature (r mod p)·p + c mod p, and unpatchify inverts it', () => {
  for (const patch of [4, 7]) {
    const G = 28 / patch;
    const g = new Builder();
    const z = g.input('z', [2, 784]);
    const tokens: Tensor = patchify(g, z, patch);
    assert.deepEqual(tokens.shape, [2 * G * G, patch * patch]);
    g.output('tokens', tokens);
    g.output('back', unpatchify(g, tokens, patch));
    const pixels = Float64Array.from({ length: 2 * 784 }, (_, i) => i);
    const out = interpret(g, { z: pixels });
    for (let b = 0; b < 2; b++) {
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const token = b * G * G + Math.floor(r / patch) * G + Math.floor(c / patch);
          assert.equal(out.tokens[token * patch * patch + (r % patch) * patch + (c % patch)], b * 784 + r * 28 + c);
        }
      }
    }
    assert.deepEqual(out.back, pixels);
  }
});

/**
 * The DiT equations written out per example and per token with plain loops (float64), independent of the
 * graph code: patches, embedding, conditioning, blocks with per-head attention, final layer.
 */
function directForward(net: Network, w: Feeds, z: Float64Array, t: number, label: Float64Array): Float64Array {
  const { patch, width: W, depth, heads, timeFrequencies: half } = net.describe as Record<string, number>;
  const G = 28 / patch;
  const N = G * G;
  const d = W / heads;
  /** v·M + b for a row vector v and M [v.length, n] (row-major). */
  const affine = (v: ArrayLike<number>, name: string) => {
    const b = w[`${name}.b`];
    return Float64Array.from(b, (bj, j) => bj + Array.from(v).reduce((acc, vi, i) => acc + vi * w[`${name}.W`][i * b.length + j], 0));
  };
  const silu = (v: Float64Array) => v.map((x) => x / (1 + Math.exp(-x)));
  const norm = (v: Float64Array, shift: Float64Array, scale: Float64Array) => {
    const mean = v.reduce((a, b) => a + b, 0) / W;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / W;
    return v.map((x, j) => ((x - mean) / Math.sqrt(variance + 1e-6)) * (1 + scale[j]) + shift[j]);
  };
  const freqs = Array.from({ length: half }, (_, k) => 1000 * t * Math.exp((-Math.log(10000) * k) / half));
  const c = affine(silu(affine([...freqs.map(Math.cos), ...freqs.map(Math.sin)], 'time.0')), 'time.1');
  label.forEach((l, k) => c.forEach((_, j) => (c[j] += l * w.labelEmbedding[k * W + j])));
  const sc = silu(c);
  let x = Array.from({ length: N }, (_, n) => {
    const pixels = Array.from(
      { length: patch * patch },
      (_, f) => z[(Math.floor(n / G) * patch + Math.floor(f / patch)) * 28 + (n % G) * patch + (f % patch)],
    );
    return affine(pixels, 'embed').map((v, j) => v + w.pos[n * W + j]);
  });
  for (let l = 0; l < depth; l++) {
    const m = Object.fromEntries(['shift1', 'scale1', 'gate1', 'shift2', 'scale2', 'gate2'].map((k) => [k, affine(sc, `block${l}.${k}`)]));
    const h = x.map((v) => norm(v, m.shift1, m.scale1));
    const [q, k, v] = ['q', 'k', 'v'].map((which) => h.map((row) => affine(row, `block${l}.attn.${which}`)));
    const attended = x.map(() => new Float64Array(W));
    for (let head = 0; head < heads; head++) {
      for (let i = 0; i < N; i++) {
        const scores = k.map(
          (kj) => Array.from({ length: d }, (_, e) => q[i][head * d + e] * kj[head * d + e]).reduce((a, b) => a + b, 0) / Math.sqrt(d),
        );
        const top = Math.max(...scores);
        const p = scores.map((s) => Math.exp(s - top));
        const total = p.reduce((a, b) => a + b, 0);
        for (let j = 0; j < N; j++) for (let e = 0; e < d; e++) attended[i][head * d + e] += (p[j] / total) * v[j][head * d + e];
      }
    }
    x = x.map((row, n) => row.map((r, j) => r + m.gate1[j] * affine(attended[n], `block${l}.attn.proj`)[j]));
    x = x.map((row) => {
      const mlp = affine(silu(affine(norm(row, m.shift2, m.scale2), `block${l}.fc1`)), `block${l}.fc2`);
      return row.map((r, j) => r + m.gate2[j] * mlp[j]);
    });
  }
  const [shift, scale] = [affine(sc, 'final.shift'), affine(sc, 'final.scale')];
  const out = new Float64Array(784);
  x.forEach((row, n) =>
    affine(norm(row, shift, scale), 'final.out').forEach((v, f) => {
      out[(Math.floor(n / G) * patch + Math.floor(f / patch)) * 28 + (n % G) * patch + (f % patch)] = v;
    }),
  );
  return out;
}

test('the dit graph computes the DiT equations as written out per token and per head', () => {
  for (const net of [tiny(), dit({ classes: 2, patch: 4, width: 12, depth: 2, heads: 3, mlpRatio: 2, timeFrequencies: 3 })]) {
    const weights = randomWeights(net, 14);
    const batch = randomBatch(net, [1, net.classes!], 15);
    const out = interpret(buildForward(net, 2), { ...weights, ...batch }).out;
    const K1 = net.classes! + 1;
    for (const b of [0, 1]) {
      const expected = directForward(
        net,
        weights,
        batch.z.subarray(b * 784, (b + 1) * 784),
        batch.t[b],
        batch.label.subarray(b * K1, (b + 1) * K1),
      );
      assert.ok(maxAbs(expected) > 0.1, `example ${b}: output scale ${maxAbs(expected)}`);
      assert.ok(
        maxDiff(out.subarray(b * 784, (b + 1) * 784), expected) < 1e-10,
        `example ${b}: max difference ${maxDiff(out.subarray(b * 784, (b + 1) * 784), expected)}`,
      );
    }
  }
});

test('autodiff gradients of a loss through dit match central finite differences for every parameter (float64)', () => {
  const net = tiny();
  const feeds = { ...randomWeights(net, 1), ...randomBatch(net, [0, 3], 2) };
  const ref = interpret(lossGraph(net, 2, true), feeds);
  const lossOnly = lossGraph(net, 2, false);
  const h = 1e-4; // the loss is O(10³): smaller steps lose more to rounding than they gain in truncation
  for (const { name } of net.params) {
    const n = feeds[name].length;
    for (const k of new Set([0, Math.floor(n / 2), n - 1])) {
      const moved = (delta: number) => {
        const x = feeds[name].slice();
        x[k] += delta;
        return interpret(lossOnly, { ...feeds, [name]: x }).loss[0];
      };
      const fd = (moved(h) - moved(-h)) / (2 * h);
      const ad = ref[`g.${name}`][k];
      assert.ok(Math.abs(fd - ad) < 1e-6 * Math.max(1, Math.abs(fd)), `d loss/d ${name}[${k}]: autodiff ${ad} vs finite difference ${fd}`);
    }
  }
  // The checks are not vacuous: the attention, modulation and label gradients are non-zero.
  for (const name of ['block0.attn.k.W', 'block0.gate1.W', 'block0.scale2.W', 'final.shift.W', 'labelEmbedding'])
    assert.ok(maxAbs(ref[`g.${name}`]) > 1e-3, name);
});

test('ONNX Runtime computes the same dit output as the float64 interpreter with 49 tokens, 4 heads and 2 blocks', async () => {
  const net = dit({ patch: 4, width: 64, depth: 2, heads: 4 });
  const feeds = { ...randomWeights(net, 3), ...randomBatch(net, [0, 7, 10], 4) };
  const g = buildForward(net, 3);
  const ref = interpret(g, feeds).out;
  const out = (await runOrt(g, feeds)).out;
  const scale = maxAbs(ref);
  assert.ok(scale > 0.1, `output scale ${scale}`);
  assert.ok(maxDiff(out, ref) < 1e-4 * Math.max(1, scale), `ORT vs float64: max difference ${maxDiff(out, ref)} at scale ${scale}`);
});

test(
  'with its adaLN-Zero initialisation dit outputs exactly zero; ' + 'with random weights the output depends on the label and on t',
  async () => {
    const net = dit();
    const batch = randomBatch(net, [2, 5], 5);
    const initial = { ...Object.fromEntries(Object.entries(initParams(net, rng(6))).map(([k, v]) => [k, Float64Array.from(v)])), ...batch };
    assert.ok(maxAbs(initial['block0.attn.q.W']) > 0, 'the attention weights themselves are not zero');
    const zero = (await runOrt(buildForward(net, 2), initial)).out;
    assert.equal(maxAbs(zero), 0, `initial output up to ${maxAbs(zero)}`);

    const small = tiny();
    const weights = randomWeights(small, 7);
    const g = buildForward(small, 2);
    const base = { ...weights, ...randomBatch(small, [0, 0], 8) };
    const y = interpret(g, base).out;
    assert.ok(maxAbs(y) > 0.1, `output scale ${maxAbs(y)}`);
    const relabelled = interpret(g, { ...base, label: randomBatch(small, [2, 3], 8).label }).out;
    const retimed = interpret(g, { ...base, t: base.t.map((t) => t + 0.1) }).out;
    // Each example's output changes with its own label and time.
    for (const [what, other] of [
      ['label', relabelled],
      ['t', retimed],
    ] as const) {
      for (const b of [0, 1])
        assert.ok(
          maxDiff(y.subarray(b * 784, (b + 1) * 784), other.subarray(b * 784, (b + 1) * 784)) > 1e-2,
          `${what} changes example ${b}`,
        );
    }
  },
);

test('examples do not interact: an example gives the same output alone as in a batch', () => {
  const net = tiny();
  const weights = randomWeights(net, 9);
  const pair = randomBatch(net, [1, 2], 10);
  const together = interpret(buildForward(net, 2), { ...weights, ...pair }).out;
  const alone = interpret(buildForward(net, 1), {
    ...weights,
    z: pair.z.subarray(784),
    t: pair.t.subarray(1),
    label: pair.label.subarray(4),
  }).out;
  assert.ok(maxDiff(together.subarray(784), alone) < 1e-12, `max difference ${maxDiff(together.subarray(784), alone)}`);
});

test('a dit training step runs in ONNX Runtime and 20 AdamW steps from the initialisation lower the loss on a fixed batch', async () => {
  const net = dit({ classes: 3, patch: 7, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFrequencies: 4 });
  const B = 8;
  const graph = buildTrainStep(net, B);
  const session = await nodeRuntime.createSession(toOnnx(graph), { threads: 1 });
  const dims = Object.fromEntries(graph.inputs.map((i) => [i.name, i.tensor.shape]));
  const batch = randomBatch(net, [0, 1, 2, 3, 0, 1, 2, 3], 11);
  const target = rng(12)
    .normals(B * net.dim)
    .map((v, i) => 0.5 * v + (i % 784 < 392 ? 0.5 : -0.5));
  const initial = flatten(net, initParams(net, rng(13)));
  const state: OptimizerState = {
    params: initial,
    m: new Float32Array(initial.length),
    v: new Float32Array(initial.length),
    ema: initial.slice(),
  };
  const inputs: Record<string, ArrayLike<number>> = { ...batch, target, weight: new Float64Array(B).fill(1) };
  const feeds = Object.fromEntries(
    Object.entries(inputs).map(([name, data]) => [name, { data: Float32Array.from(data), dims: dims[name] }]),
  );
  const losses: number[] = [];
  for (let k = 1; k <= 20; k++) {
    const out = await session.run({ ...feeds, ...optimizerFeeds(state, k, { lr: 1e-2, eps: 1e-8, weightDecay: 0, emaDecay: 0.9 }) });
    takeOptimizerOutputs(state, out);
    losses.push(optimizerOutputs(out).loss);
  }
  await session.release();
  assert.ok(losses.every(Number.isFinite) && losses[19] < 0.7 * losses[0], `losses ${losses.join(', ')}`);
});
