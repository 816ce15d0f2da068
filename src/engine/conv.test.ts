import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { gradients } from './autodiff.js';
import { Builder } from './builder.js';
import { size, type Tensor } from './graph.js';
import { interpret } from './interpret.js';
import { toOnnx } from './onnx.js';
import { nodeRuntime } from './ortNode.js';

type Loss = (g: Builder, p: Tensor[]) => Tensor;

/** loss(params) as a graph: with autodiff gradients g0, g1, … as outputs when `withGradients`. */
function build(shapes: readonly (readonly number[])[], f: Loss, withGradients: boolean): Builder {
  const g = new Builder();
  const params = shapes.map((s, i) => g.input(`p${i}`, s));
  const loss = f(g, params);
  g.output('loss', loss);
  if (withGradients) gradients(g, loss, params).forEach((gr, i) => g.output(`g${i}`, gr));
  return g;
}

const randomFeeds = (shapes: readonly (readonly number[])[], seed = 1) => {
  const r = rng(seed);
  return Object.fromEntries(shapes.map((s, i) => [`p${i}`, Float64Array.from(r.normals(size(s)), (v) => 0.5 * v)]));
};

/** A loss that weighs every output element differently: Σ y ⊙ R + ½ Σ y², R fixed. */
const weighted = (g: Builder, y: Tensor): Tensor => {
  const r = rng(99);
  return g.add(g.sumAll(g.mul(y, g.constant(r.normals(size(y.shape)), y.shape))), g.mul(g.sumAll(g.square(y)), 0.5));
};

/** Central finite differences of the float64 interpreter's loss against the autodiff gradients, every coordinate. */
function checkGradients(shapes: readonly (readonly number[])[], f: Loss, what: string): void {
  const feeds = randomFeeds(shapes);
  const grads = interpret(build(shapes, f, true), feeds);
  const lossOnly = build(shapes, f, false);
  const h = 1e-6;
  shapes.forEach((_, i) => {
    const name = `p${i}`;
    for (let k = 0; k < feeds[name].length; k++) {
      const moved = (delta: number) => {
        const x = feeds[name].slice();
        x[k] += delta;
        return interpret(lossOnly, { ...feeds, [name]: x }).loss[0];
      };
      const fd = (moved(h) - moved(-h)) / (2 * h);
      const ad = grads[`g${i}`][k];
      assert.ok(
        Math.abs(fd - ad) < 1e-6 * Math.max(1, Math.abs(fd)),
        `${what}: d/d${name}[${k}] autodiff ${ad} vs finite difference ${fd}`,
      );
    }
  });
}

/** ONNX Runtime's loss and gradients against the float64 interpreter's (float32 tolerance). */
async function checkOrt(shapes: readonly (readonly number[])[], f: Loss, what: string, convBlock?: number): Promise<void> {
  const g = build(shapes, f, true);
  const feeds = randomFeeds(shapes, 2);
  const model = toOnnx(g, { convBlock });
  if (convBlock) assert.ok(Buffer.from(model).includes('ReorderInput'), `${what}: no blocked convolution in the graph`);
  const session = await nodeRuntime.createSession(model, { threads: 1, blockedConvs: false });
  const out = await session.run(Object.fromEntries(shapes.map((s, i) => [`p${i}`, { data: Float32Array.from(feeds[`p${i}`]), dims: s }])));
  await session.release();
  const ref = interpret(g, feeds);
  for (const name of ['loss', ...shapes.map((_, i) => `g${i}`)]) {
    const scale = Math.max(1, ...ref[name].map(Math.abs));
    ref[name].forEach((v, i) =>
      assert.ok(Math.abs(out[name].data[i] - v) < 2e-5 * scale, `${what}: ${name}[${i}] ORT ${out[name].data[i]} vs float64 ${v}`),
    );
  }
}

const convCases = [
  { H: 5, W: 5, stride: 1, pad: 1 },
  { H: 6, W: 6, stride: 1, pad: 0 },
  { H: 5, W: 5, stride: 2, pad: 1 },
  { H: 6, W: 6, stride: 2, pad: 1 }, // (6 + 2 − 3) mod 2 = 1: the forward drops a row, outputPadding restores it
  { H: 6, W: 5, stride: 2, pad: 1 }, // … a row but no column
  { H: 6, W: 6, stride: 2, pad: 0 },
] as const;

test('Conv gradients match central finite differences for stride 1 and 2, pad 0 and 1, odd and even sizes', () => {
  for (const { H, W, stride, pad } of convCases) {
    checkGradients(
      [
        [2, 2, H, W],
        [3, 2, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { stride, pad })),
      `Conv ${H}×${W} stride=${stride} pad=${pad}`,
    );
  }
  // Fewer output than input channels: the filter gradient patches gy (flipped), not x; one image alone is not stacked.
  for (const N of [1, 3]) {
    checkGradients(
      [
        [N, 3, 5, 4],
        [2, 3, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
      `Conv 3→2 channels, ${N} image(s)`,
    );
    checkGradients(
      [
        [N, 3, 5, 5],
        [2, 3, 3, 2],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: [2, 0, 0, 1] })),
      `Conv 3→2 channels, 3×2 kernel, asymmetric pads, ${N} image(s)`,
    );
  }
  checkGradients(
    [
      [1, 2, 5, 5],
      [3, 2, 3, 3],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w, { stride: 2, pad: 1 })),
    'Conv stride 2, one image',
  );
  checkGradients(
    [
      [2, 3, 5, 4],
      [2, 3, 1, 1],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w)),
    'Conv 1×1 on a non-square input',
  );
  checkGradients(
    [
      [1, 2, 6, 6],
      [2, 2, 3, 3],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w, { dilation: 2, pad: [2, 0, 1, 2] })),
    'Conv dilation 2, asymmetric pads',
  );
  // 14×14 and more, channel counts alike: the filter gradient from column patches of x and row-shifted gy.
  checkGradients(
    [
      [1, 2, 14, 14],
      [2, 2, 3, 3],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
    'Conv 14×14 (shifted filter gradient)',
  );
  checkGradients(
    [
      [1, 2, 13, 16],
      [2, 2, 5, 3],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w, { pad: [0, 2, 4, 2] })),
    'Conv 13×16, 5×3 kernel, asymmetric pads (shifted filter gradient)',
  );
  // pad > d·(k − 1): the flipped-filter form would need negative pads, so ∂x falls back to ConvTranspose.
  checkGradients(
    [
      [1, 2, 3, 3],
      [2, 2, 1, 1],
    ],
    (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
    'Conv 1×1 with pad 1',
  );
});

test('ConvTranspose gradients match central finite differences, with and without output padding', () => {
  checkGradients(
    [
      [2, 3, 3, 3],
      [3, 2, 3, 3],
    ],
    (g, [x, w]) => weighted(g, g.convTranspose(x, w, { stride: 2, pad: 1, outputPadding: [1, 1] })),
    'ConvTranspose stride 2 outputPadding 1',
  );
  checkGradients(
    [
      [2, 2, 4, 4],
      [2, 3, 3, 3],
    ],
    (g, [x, w]) => weighted(g, g.convTranspose(x, w, { pad: 1 })),
    'ConvTranspose stride 1',
  );
});

test('Flip, AveragePool, nearest Upsample, Softmax and BatchMatMul gradients match central finite differences', () => {
  checkGradients([[2, 3, 4]], (g, [x]) => weighted(g, g.flip(x, [0, -1])), 'Flip');
  checkGradients([[2, 3, 6, 6]], (g, [x]) => weighted(g, g.avgPool(x)), 'AveragePool 2×2');
  checkGradients([[2, 2, 3, 3]], (g, [x]) => weighted(g, g.upsample(x)), 'Upsample ×2');
  checkGradients([[3, 5]], (g, [x]) => weighted(g, g.softmax(x)), 'Softmax');
  checkGradients(
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    (g, [a, b]) => weighted(g, g.batchMatmul(a, b)),
    'BatchMatMul',
  );
});

test('AveragePool averages each 2×2 block, Upsample repeats each value over one, and Flip reverses the given axes', () => {
  const g = new Builder();
  const x = g.input('x', [1, 1, 2, 4]);
  g.output('pooled', g.avgPool(x));
  g.output('up', g.upsample(g.avgPool(x)));
  g.output('flipped', g.flip(x, [2, 3]));
  const out = interpret(g, { x: [1, 2, 3, 4, 5, 6, 7, 8] });
  assert.deepEqual([...out.pooled], [3.5, 5.5]);
  assert.deepEqual([...out.up], [3.5, 3.5, 5.5, 5.5, 3.5, 3.5, 5.5, 5.5]);
  assert.deepEqual([...out.flipped], [8, 7, 6, 5, 4, 3, 2, 1]);
});

/** The nodes autodiff emits for ∂/∂x and ∂/∂w of Σ conv(x, w). */
function gradientNodes(x: number[], w: number[], options: { stride: number; pad: number | number[] }) {
  const g = new Builder();
  const loss = g.sumAll(g.conv(g.input('x', x), g.input('w', w), options));
  const before = g.nodes.length;
  gradients(
    g,
    loss,
    g.inputs.map((i) => i.tensor),
  );
  return g.nodes.slice(before);
}

test(
  'a convolution gradient is a flipped-filter Conv (stride 1) or one ConvTranspose ' +
    '(stride 2) for the input, and one patch Conv and one batched MatMul for the filter',
  () => {
    const count = (nodes: { op: string }[], op: string) => nodes.filter((n) => n.op === op).length;
    const ops = ['ConvTranspose', 'Conv', 'BatchMatMul', 'Flip', 'Slice', 'Concat'];
    const strided = gradientNodes([2, 3, 6, 6], [4, 3, 3, 3], { stride: 2, pad: 1 });
    assert.deepEqual(
      ops.map((op) => count(strided, op)),
      [1, 1, 1, 0, 0, 0],
    );
    const unit = gradientNodes([2, 3, 6, 6], [4, 3, 3, 3], { stride: 1, pad: 1 });
    assert.deepEqual(
      ops.map((op) => count(unit, op)),
      [0, 2, 1, 1, 0, 0],
    );
    // Two of them (Reshape, Expand) are the sum's, four (Transpose and Pad for each factor) stack the small images.
    for (const nodes of [strided, unit])
      assert.ok(nodes.length <= 20, `${nodes.length} gradient nodes: ${nodes.map((n) => n.op).join(', ')}`);
    // The patch conv (one input channel) takes the side with fewer channels: x (3) here, gy (2) with 2 outputs.
    const patchInput = (nodes: ReturnType<typeof gradientNodes>) =>
      nodes.find((n) => n.op === 'Conv' && n.inputs[0].shape[1] === 1)!.inputs[0].shape;
    assert.equal(patchInput(unit)[0], 3, 'two images stacked × 3 channels of x');
    assert.equal(
      patchInput(gradientNodes([2, 3, 6, 6], [2, 3, 3, 3], { stride: 1, pad: 1 }))[0],
      2,
      'two images stacked × 2 channels of gy',
    );
    assert.equal(patchInput(gradientNodes([1, 4, 28, 28], [2, 4, 3, 3], { stride: 1, pad: 1 }))[0], 2, 'one image × 2 channels of gy');
    assert.equal(patchInput(gradientNodes([2, 5, 28, 28], [3, 5, 3, 3], { stride: 1, pad: 1 }))[2], 28, '28×28 images are not stacked');
    // From 14×14 with channel counts alike: column patches of x (1×3) and row-shifted gy (3×1), one product.
    const shifted = gradientNodes([2, 3, 14, 14], [3, 3, 3, 3], { stride: 1, pad: 1 });
    const oneChannel = shifted.filter((n) => n.op === 'Conv' && n.inputs[0].shape[1] === 1).map((n) => n.inputs[1].shape.join('×'));
    assert.deepEqual(oneChannel, ['3×1×1×3', '3×1×3×1']);
    const oblong = gradientNodes([1, 2, 13, 16], [2, 2, 5, 3], { stride: 1, pad: [0, 2, 4, 2] });
    assert.deepEqual(
      oblong.filter((n) => n.op === 'Conv' && n.inputs[0].shape[1] === 1).map((n) => n.inputs[1].shape.join('×')),
      ['3×1×1×3', '5×1×5×1'],
      'the finite-difference case takes the shifted form',
    );
    assert.equal(count(shifted, 'BatchMatMul'), 1);
    const small = gradientNodes([2, 3, 7, 7], [3, 3, 3, 3], { stride: 1, pad: 1 }).filter(
      (n) => n.op === 'Conv' && n.inputs[0].shape[1] === 1,
    );
    assert.deepEqual(
      small.map((n) => n.inputs[1].shape.join('×')),
      ['9×1×3×3'],
      '7×7: one-sided patches, stacked (64 → 64 at 7²: 5.4 vs 6.7 ms shifted)',
    );
  },
);

test(
  'ONNX Runtime computes the same forward and gradients as the float64 ' +
    'interpreter for Conv, ConvTranspose, Flip, pooling, upsampling and Softmax',
  async () => {
    for (const { H, W, stride, pad } of convCases) {
      await checkOrt(
        [
          [2, 2, H, W],
          [3, 2, 3, 3],
        ],
        (g, [x, w]) => weighted(g, g.conv(x, w, { stride, pad })),
        `Conv ${H}×${W} stride=${stride} pad=${pad}`,
      );
    }
    await checkOrt(
      [
        [2, 3, 3, 3],
        [3, 2, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.convTranspose(x, w, { stride: 2, pad: 1, outputPadding: [1, 1] })),
      'ConvTranspose',
    );
    await checkOrt(
      [
        [1, 2, 6, 6],
        [2, 2, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { dilation: 2, pad: [2, 0, 1, 2] })),
      'Conv dilation 2, asymmetric pads',
    );
    await checkOrt(
      [
        [1, 2, 3, 3],
        [2, 2, 1, 1],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
      'Conv 1×1 with pad 1',
    );
    await checkOrt(
      [
        [4, 3, 5, 4],
        [2, 3, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
      'Conv 3→2 channels (gy patched, images stacked)',
    );
    await checkOrt(
      [
        [4, 2, 7, 7],
        [3, 2, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { stride: 2, pad: 1 })),
      'Conv stride 2 (images stacked)',
    );
    await checkOrt(
      [
        [2, 2, 13, 16],
        [2, 2, 5, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: [0, 2, 4, 2] })),
      'Conv 13×16, 5×3 kernel, asymmetric pads (shifted filter gradient)',
    );
    await checkOrt([[2, 3, 4]], (g, [x]) => weighted(g, g.flip(x, [0, -1])), 'Flip');
    await checkOrt([[2, 3, 6, 6]], (g, [x]) => weighted(g, g.avgPool(x)), 'AveragePool');
    await checkOrt([[2, 2, 3, 3]], (g, [x]) => weighted(g, g.upsample(x)), 'Upsample');
    await checkOrt(
      [
        [2, 3, 4, 4],
        [3, 3, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.upsample(g.avgPool(g.conv(x, w, { pad: 1 })))),
      'Conv → AveragePool → Upsample',
    );
    await checkOrt(
      [
        [3, 5],
        [3, 5, 2],
      ],
      (g, [x, b]) => weighted(g, g.batchMatmul(g.reshape(g.softmax(x), [3, 1, 5]), b)),
      'Softmax → BatchMatMul',
    );
  },
);

test('shape rules reject mismatched channels, kernels larger than the input and blocks that do not tile', () => {
  const g = new Builder();
  const x = g.input('x', [1, 2, 5, 5]);
  assert.throws(() => g.conv(x, g.input('w', [3, 4, 3, 3])), /Conv: weight \[3,4,3,3\] expects 4 input channels, input \[1,2,5,5\] has 2/);
  assert.throws(() => g.conv(x, g.input('big', [3, 2, 7, 7])), /Conv: kernel \[7, 7\] does not fit/);
  assert.throws(() => g.avgPool(x), /AveragePool: 2×2 blocks do not tile \[1,2,5,5\]/);
  assert.throws(
    () => g.convTranspose(x, g.input('wt', [2, 2, 3, 3]), { stride: 2, outputPadding: [2, 0] }),
    /outputPadding \[2,0\] must be 2 integers below the stride/,
  );
  assert.throws(() => g.batchMatmul(g.input('a', [2, 3, 4]), g.input('b', [3, 4, 5])), /BatchMatMul: needs \[B, m, k\] and \[B, k, n\]/);
});

test(
  "convolutions through ONNX Runtime's blocked (NCHWc) kernels, " + 'with the filter an input, give the float64 forward and gradients',
  async (t) => {
    const block = await nodeRuntime.convBlock!();
    if (!block) return t.skip('this CPU or build has no NCHWc kernels');
    // Channel counts that are multiples of the block: the forward and the input-gradient convs take the blocked
    // kernels (the filter gradient's patch conv has one channel and stays plain).
    await checkOrt(
      [
        [2, block, 6, 6],
        [2 * block, block, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { pad: 1 })),
      `blocked Conv ${block}→${2 * block}`,
      block,
    );
    await checkOrt(
      [
        [2, block, 7, 7],
        [block, block, 3, 3],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w, { stride: 2, pad: 1 })),
      'blocked Conv stride 2',
      block,
    );
    await checkOrt(
      [
        [2, 2 * block, 4, 4],
        [block, 2 * block, 1, 1],
      ],
      (g, [x, w]) => weighted(g, g.conv(x, w)),
      'blocked 1×1 Conv',
      block,
    );
    // Why the runtime checks the block against the plain convolution: the other block scrambles the channels.
    const other = block === 16 ? 8 : 16;
    const g = build(
      [
        [1, 16, 5, 5],
        [16, 16, 3, 3],
      ],
      (b, [x, w]) => b.sumAll(b.mul(b.conv(x, w, { pad: 1 }), b.constant(rng(5).normals(400), [1, 16, 5, 5]))),
      false,
    );
    const feeds = Object.fromEntries(
      Object.entries(
        randomFeeds(
          [
            [1, 16, 5, 5],
            [16, 16, 3, 3],
          ],
          3,
        ),
      ).map(([k, v]) => [k, { data: Float32Array.from(v), dims: k === 'p0' ? [1, 16, 5, 5] : [16, 16, 3, 3] }]),
    );
    const loss = async (convBlock?: number) => {
      const session = await nodeRuntime.createSession(toOnnx(g, { convBlock }), { threads: 1 });
      const out = (await session.run(feeds)).loss.data[0];
      await session.release();
      return out;
    };
    const [plain, right, wrong] = [await loss(), await loss(block), await loss(other).catch(() => NaN)];
    assert.ok(Math.abs(right - plain) < 1e-4 * Math.max(1, Math.abs(plain)), `block ${block}: ${right} vs ${plain}`);
    assert.ok(!(Math.abs(wrong - plain) < 1e-4 * Math.max(1, Math.abs(plain))), `block ${other} should not match: ${wrong} vs ${plain}`);
  },
);
