import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { gradients } from './autodiff.js';
import { Builder } from './builder.js';
import { size, type Tensor } from './graph.js';
import { interpret } from './interpret.js';
import { toOnnx } from './onnx.js';
import { nodeRuntime } from './ortNode.js';
import { interleave, upsampleConv3x3 } from './polyphase.js';

const feedsFor = (shapes: Record<string, readonly number[]>, seed: number) => {
  const r = rng(seed);
  return Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, Float64Array.from(r.normals(size(s)))]));
};

test('interleave places phase (a, b) at (2p + a − shift, 2q + b − shift) and drops what falls outside', () => {
  for (const [P, Q, shift, H, W] of [
    [2, 3, 0, 4, 6],
    [3, 3, 0, 5, 5],
    [3, 4, 1, 4, 6],
    [2, 2, 1, 3, 2],
  ] as const) {
    const g = new Builder();
    const t = g.input('t', [2, 3, 2, 2, P, Q]);
    g.output('y', interleave(g, t, shift, H, W));
    const data = feedsFor({ t: t.shape }, 1).t;
    const y = interpret(g, { t: data }).y;
    assert.equal(y.length, 2 * 3 * H * W);
    const seen = new Set<number>();
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 3; c++)
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++)
            for (let p = 0; p < P; p++)
              for (let q = 0; q < Q; q++) {
                const [r, s] = [2 * p + a - shift, 2 * q + b - shift];
                if (r < 0 || r >= H || s < 0 || s >= W) continue;
                const at = ((n * 3 + c) * H + r) * W + s;
                seen.add(at);
                assert.equal(
                  y[at],
                  data[((((n * 3 + c) * 2 + a) * 2 + b) * P + p) * Q + q],
                  `P ${P} Q ${Q} shift ${shift}: (${n}, ${c}, ${r}, ${s})`,
                );
              }
    assert.equal(seen.size, y.length, 'every output pixel comes from one phase');
  }
  const g = new Builder();
  assert.throws(
    () => interleave(g, g.input('t', [1, 1, 2, 2, 2, 3]), 1, 4, 5),
    /interleave: needs \[N, C, 2, 2, P, Q\] with H ≤ 2P − shift/,
  );
  assert.throws(() => interleave(g, g.input('u', [1, 1, 2, 2, 2, 3]), 0, 4, 7), /got \[1,1,2,2,2,3\] → 4×7/);
});

/** The loss Σ y ⊙ R and its gradients for y = f(x, w, b). */
function lossGraph(
  shapes: { x: readonly number[]; w: readonly number[] },
  f: (g: Builder, x: Tensor, w: Tensor, b: Tensor) => Tensor,
): Builder {
  const g = new Builder();
  const x = g.input('x', shapes.x);
  const w = g.input('w', shapes.w);
  const b = g.input('b', [shapes.w[0]]);
  const y = f(g, x, w, b);
  const loss = g.sumAll(g.mul(y, g.constant(rng(7).normals(size(y.shape)), y.shape)));
  g.output('y', y);
  g.output('loss', loss);
  gradients(g, loss, [x, w, b]).forEach((d, i) => g.output(['dx', 'dw', 'db'][i], d));
  return g;
}

const upsampled = (g: Builder, x: Tensor, w: Tensor, b: Tensor) =>
  g.add(g.conv(g.upsample(x), w, { pad: 1 }), g.reshape(b, [w.shape[0], 1, 1]));
const polyphase = (g: Builder, x: Tensor, w: Tensor, b: Tensor) => upsampleConv3x3(g, x, w, b);

test('upsampleConv3x3 is conv3×3(nearest×2(x)) + b: forward and gradients in float64, square and oblong images', () => {
  for (const shapes of [
    { x: [2, 3, 4, 5], w: [2, 3, 3, 3] },
    { x: [1, 2, 1, 1], w: [3, 2, 3, 3] },
    { x: [2, 1, 3, 2], w: [1, 1, 3, 3] },
  ]) {
    const feeds = feedsFor({ ...shapes, b: [shapes.w[0]] }, 3);
    const want = interpret(lossGraph(shapes, upsampled), feeds);
    const got = interpret(lossGraph(shapes, polyphase), feeds);
    for (const k of ['y', 'dx', 'dw', 'db']) {
      assert.equal(got[k].length, want[k].length, k);
      want[k].forEach((v, i) =>
        assert.ok(Math.abs(got[k][i] - v) < 1e-12 * Math.max(1, Math.abs(v)), `${JSON.stringify(shapes)} ${k}[${i}]: ${got[k][i]} vs ${v}`),
      );
    }
  }
  assert.throws(
    () => upsampleConv3x3(new Builder(), new Builder().input('x', [1, 1, 2, 2]), new Builder().input('w', [1, 1, 2, 2])),
    /must be 3×3/,
  );
});

test('upsampleConv3x3 through ONNX Runtime (plain and blocked convolutions) gives the float64 forward and gradients', async () => {
  const block = await nodeRuntime.convBlock!();
  const c = block ?? 4;
  const shapes = { x: [2, c, 5, 4], w: [c, c, 3, 3] };
  const feeds = feedsFor({ ...shapes, b: [c] }, 4);
  const g = lossGraph(shapes, polyphase);
  const ref = interpret(g, feeds);
  for (const convBlock of block ? [undefined, block] : [undefined]) {
    const session = await nodeRuntime.createSession(toOnnx(g, { convBlock }), { threads: 1, blockedConvs: false });
    const out = await session.run(
      Object.fromEntries(
        Object.entries(feeds).map(([k, v]) => [k, { data: Float32Array.from(v), dims: k === 'b' ? [c] : shapes[k as 'x' | 'w'] }]),
      ),
    );
    await session.release();
    for (const k of ['y', 'dx', 'dw', 'db']) {
      const scale = Math.max(1, ...ref[k].map(Math.abs));
      ref[k].forEach((v, i) =>
        assert.ok(Math.abs(out[k].data[i] - v) < 2e-5 * scale, `block ${convBlock}: ${k}[${i}] ORT ${out[k].data[i]} vs float64 ${v}`),
      );
    }
  }
});
