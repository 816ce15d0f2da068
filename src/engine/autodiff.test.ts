import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { gradients } from './autodiff.js';
import { Builder } from './builder.js';
import { size, type Tensor } from './graph.js';
import { interpret } from './interpret.js';
import { toOnnx } from './onnx.js';
import { nodeRuntime } from './ortNode.js';

/** Builds loss(params) with autodiff gradients as outputs; returns the graph and random feeds. */
function setup(shapes: number[][], f: (g: Builder, p: Tensor[]) => Tensor, seed = 0) {
  const g = new Builder();
  const params = shapes.map((s, i) => g.input(`p${i}`, s));
  const loss = f(g, params);
  g.output('loss', loss);
  gradients(g, loss, params).forEach((gr, i) => g.output(`g${i}`, gr));
  const r = rng(seed);
  const feeds = Object.fromEntries(
    shapes.map((s, i) => [`p${i}`, Float64Array.from(r.normals(size(s)), (v) => 0.5 * v + (i === 0 ? 0 : 0))]),
  );
  return { g, feeds };
}

/** Central finite differences of the float64 interpreter's loss against the autodiff gradients. */
function checkGradients(shapes: number[][], f: (g: Builder, p: Tensor[]) => Tensor, what: string, positive = false): void {
  const { g, feeds } = setup(shapes, f);
  if (positive) for (const k of Object.keys(feeds)) feeds[k] = feeds[k].map((v) => Math.abs(v) + 0.5);
  const out = interpret(g, feeds);
  const h = 1e-6;
  shapes.forEach((_, i) => {
    const name = `p${i}`;
    for (let k = 0; k < feeds[name].length; k++) {
      const plus = { ...feeds, [name]: feeds[name].slice() };
      const minus = { ...feeds, [name]: feeds[name].slice() };
      plus[name][k] += h;
      minus[name][k] -= h;
      const fd = (interpret(g, plus).loss[0] - interpret(g, minus).loss[0]) / (2 * h);
      const ad = out[`g${i}`][k];
      assert.ok(
        Math.abs(fd - ad) < 1e-6 * Math.max(1, Math.abs(fd)),
        `${what}: d/d${name}[${k}] autodiff ${ad} vs finite difference ${fd}`,
      );
    }
  });
}

test('gradients of every differentiable op match finite differences in float64', () => {
  const sq = (g: Builder, t: Tensor) => g.sumAll(g.square(t));
  checkGradients([[3, 4], [4]], (g, [a, b]) => sq(g, g.add(a, b)), 'Add with broadcasting');
  checkGradients(
    [
      [3, 4],
      [3, 1],
    ],
    (g, [a, b]) => sq(g, g.sub(a, b)),
    'Sub with broadcasting',
  );
  checkGradients(
    [
      [3, 4],
      [1, 4],
    ],
    (g, [a, b]) => sq(g, g.mul(a, b)),
    'Mul with broadcasting',
  );
  checkGradients([[3, 4], [4]], (g, [a, b]) => sq(g, g.div(a, b)), 'Div', true);
  checkGradients([[5]], (g, [a]) => sq(g, g.neg(a)), 'Neg');
  for (const op of ['sigmoid', 'silu', 'sin', 'cos', 'exp', 'tanh'] as const) checkGradients([[6]], (g, [a]) => sq(g, g[op](a)), op);
  checkGradients([[6]], (g, [a]) => sq(g, g.log(a)), 'log', true);
  checkGradients([[6]], (g, [a]) => sq(g, g.sqrt(a)), 'sqrt', true);
  for (const [tA, tB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    checkGradients(
      [tA ? [4, 3] : [3, 4], tB ? [5, 4] : [4, 5]],
      (g, [a, b]) => sq(g, g.matmul(a, b, tA, tB)),
      `MatMul transA=${tA} transB=${tB}`,
    );
  }
  checkGradients(
    [
      [2, 3],
      [2, 2],
    ],
    (g, [a, b]) => sq(g, g.mul(g.concat([a, b], 1), g.constant([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]))),
    'Concat',
  );
  checkGradients([[2, 3]], (g, [a]) => sq(g, g.sum(a, [0], true)), 'ReduceSum keepdims');
  checkGradients([[2, 3]], (g, [a]) => sq(g, g.mean(a, [1])), 'mean');
  checkGradients([[2, 3]], (g, [a]) => sq(g, g.mul(g.reshape(a, [3, 2]), g.constant([1, 2, 3, 4, 5, 6], [3, 2]))), 'Reshape');
  checkGradients([[2, 3]], (g, [a]) => sq(g, g.mul(g.transpose(a, [1, 0]), g.constant([1, 2, 3, 4, 5, 6], [3, 2]))), 'Transpose');
  checkGradients([[1, 3]], (g, [a]) => sq(g, g.mul(g.expand(a, [2, 3]), g.constant([1, 2, 3, 4, 5, 6], [2, 3]))), 'Expand');
  checkGradients(
    [[3, 5]],
    (g, [a]) =>
      sq(
        g,
        g.mul(
          g.standardize(a, 1e-3),
          g.constant(
            Array.from({ length: 15 }, (_, i) => Math.sin(i)),
            [3, 5],
          ),
        ),
      ),
    'Standardize',
  );
  checkGradients([[3, 5]], (g, [a]) => sq(g, g.mul(g.invStd(a, 1e-3), g.constant([1, -2, 3], [3, 1]))), 'InvStd');
  const weights = (shape: number[]) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(3 * i + 1));
  checkGradients(
    [[2, 4, 3, 2], [4], [4]],
    (g, [x, gamma, beta]) => sq(g, g.mul(g.groupNorm(x, gamma, beta, 2, 1e-3), g.constant(weights([2, 4, 3, 2]), [2, 4, 3, 2]))),
    'GroupNorm',
  );
  checkGradients(
    [[3, 6, 5], [6], [6]],
    (g, [x, gamma, beta]) => sq(g, g.mul(g.groupNorm(x, gamma, beta, 3, 1e-3), g.constant(weights([3, 6, 5]), [3, 6, 5]))),
    'GroupNorm [N, C, L]',
  );
  checkGradients([[3, 4]], (g, [a]) => sq(g, g.mul(g.slice(a, 1, 1, 3), g.constant([1, 2, 3, 4, 5, 6], [3, 2]))), 'Slice');
  checkGradients(
    [[2, 3]],
    (g, [a]) =>
      sq(
        g,
        g.mul(
          g.pad(a, [1, 0, 0, 2]),
          g.constant(
            Array.from({ length: 15 }, (_, i) => i - 7),
            [3, 5],
          ),
        ),
      ),
    'Pad',
  );
  // A value used twice accumulates both gradients.
  checkGradients([[4]], (g, [a]) => g.sumAll(g.mul(g.sin(a), g.exp(a))), 'reuse');
});

test('ONNX Runtime computes the same loss and gradients as the float64 interpreter', async () => {
  const cases = [
    setup([[8, 5], [5, 3], [3]], (g, [x, W, b]) => g.sumAll(g.square(g.silu(g.linear(x, W, b))))),
    // Standardize (LayerNormalization in ONNX) and its gradient, whose InvStd is the forward's InvStdDev output.
    setup(
      [
        [4, 6],
        [4, 6],
      ],
      (g, [a, b]) => g.sumAll(g.square(g.mul(g.standardize(a, 1e-5), b))),
    ),
    // GroupNorm and its gradient (x̂ and InvStd from the forward's LayerNormalization).
    setup([[3, 4, 2, 3], [4], [4], [3, 4, 2, 3]], (g, [x, gamma, beta, w]) => g.sumAll(g.square(g.mul(g.groupNorm(x, gamma, beta, 2), w)))),
    // InvStd alone: its own LayerNormalization.
    setup(
      [
        [4, 6],
        [4, 1],
      ],
      (g, [a, b]) => g.sumAll(g.square(g.mul(g.invStd(a, 1e-3), b))),
    ),
    // Slice and Pad (each the other's gradient), on two axes of a 3-D tensor.
    setup(
      [
        [2, 3, 4],
        [2, 4, 2],
      ],
      (g, [a, b]) => g.sumAll(g.square(g.mul(g.pad(g.slice(a, 2, 1, 3), [0, 1, 0, 0, 0, 0]), b))),
    ),
  ];
  for (const { g, feeds } of cases) {
    const session = await nodeRuntime.createSession(toOnnx(g), { threads: 1 });
    const ortOut = await session.run(
      Object.fromEntries(
        Object.entries(feeds).map(([k, v]) => [k, { data: Float32Array.from(v), dims: g.inputs.find((i) => i.name === k)!.tensor.shape }]),
      ),
    );
    const ref = interpret(g, feeds);
    for (const name of Object.keys(ref)) {
      ref[name].forEach((v, i) =>
        assert.ok(Math.abs(ortOut[name].data[i] - v) < 1e-4 * Math.max(1, Math.abs(v)), `${name}[${i}]: ${ortOut[name].data[i]} vs ${v}`),
      );
    }
    await session.release();
  }
});

test("the gradients of Standardize and GroupNorm read x̂ and its scale from the forward's LayerNormalization", () => {
  const cases = [
    setup(
      [
        [4, 6],
        [4, 6],
      ],
      (b, [a, w]) => b.sumAll(b.square(b.mul(b.standardize(a, 1e-5), w))),
    ),
    setup([[3, 4, 2, 3], [4], [4]], (b, [x, gamma, beta]) => b.sumAll(b.square(b.groupNorm(x, gamma, beta, 2)))),
  ];
  for (const { g } of cases) {
    const nodes = onnxProto.onnx.ModelProto.decode(toOnnx(g)).graph!.node!.filter((n) => n.opType === 'LayerNormalization');
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].output!.length, 3, 'Y, (no Mean), InvStdDev');
  }
});

test('a sum over leading axes is lowered as ones·X, except with a symbolic batch, where it runs at any batch size', async () => {
  const g = new Builder();
  const x = g.input('x', [3, 4, 5]);
  g.output('y', g.sum(g.mul(x, 2), [1, 0], true));
  const ops = (batchDim?: string) => onnxProto.onnx.ModelProto.decode(toOnnx(g, { batchDim })).graph!.node!.map((n) => n.opType);
  assert.ok(ops().includes('MatMul') && !ops().includes('ReduceSum'));
  assert.ok(ops('batch').includes('ReduceSum') && !ops('batch').includes('MatMul'));
  const data = Float32Array.from({ length: 6 * 4 * 5 }, (_, i) => Math.sin(i));
  const session = await nodeRuntime.createSession(toOnnx(g, { batchDim: 'batch' }), { threads: 1 });
  const { y } = await session.run({ x: { data, dims: [6, 4, 5] } });
  await session.release();
  assert.deepEqual(y.dims, [1, 1, 5]);
  for (let k = 0; k < 5; k++) {
    let want = 0;
    for (let i = 0; i < 24; i++) want += 2 * data[i * 5 + k];
    assert.ok(Math.abs(y.data[k] - want) < 1e-4, `column ${k}: ${y.data[k]} vs ${want}`);
  }
});

test('a parameter that does not reach the loss, and a non-scalar loss, are errors', () => {
  const g = new Builder();
  const [a, b] = [g.input('a', [2]), g.input('b', [2])];
  assert.throws(() => gradients(g, g.sumAll(g.square(a)), [a, b]), /parameter 1 \(shape \[2\]\) does not affect the loss/);
  assert.throws(() => gradients(g, g.square(a), [a]), /the loss must be a scalar/);
  assert.throws(() => g.matmul(g.input('m', [2, 3]), g.input('n', [2, 3])), /MatMul: inner dimensions differ/);
});
