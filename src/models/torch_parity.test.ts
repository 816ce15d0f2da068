/**
 * difflow's image networks are the same networks as their PyTorch mirrors (python/difflow_torch/image_models.py, the
 * peers of the image benchmark in bench/train.ts): same parameters by name and shape, same output and
 * gradients. The fixtures are written by scripts/torch_image_reference.py (float64 PyTorch, small
 * configurations, every parameter random — zero-initialised layers and norm scales included — and exact in
 * float32).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gradients } from '../engine/autodiff.js';
import { interpret } from '../engine/interpret.js';
import { toOnnx } from '../engine/onnx.js';
import { nodeRuntime } from '../engine/ortNode.js';
import type { RuntimeOptions } from '../engine/runtime.js';
import { buildForward } from './denoiserGraph.js';
import { dit } from './dit.js';
import type { Network } from './network.js';
import { unet } from './unet.js';

/** Values q·2^exp, exact in float32. */
interface Quantised {
  shape: number[];
  exp: number;
  q: number[];
}
interface Fixture {
  config: Record<string, number | boolean>;
  batch: number;
  params: Record<string, Quantised>;
  inputs: { z: Quantised; t: number[]; labels: number[] };
  output: number[];
  loss: number;
  grads: Record<string, number[]>;
}
const values = (v: Quantised) => Float64Array.from(v.q, (q) => q * 2 ** v.exp);

/** |a − e| ≤ tol·max(1, max|e|) elementwise; returns the worst error in those units. */
function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / scale;
    worst = Math.max(worst, err);
    assert.ok(
      err <= tol,
      `${what}[${i}]: difflow ${actual[i]} vs PyTorch ${expected[i]} (error ${err.toExponential(2)} of scale ${scale})`,
    );
  }
  return worst;
}

function parity(name: string, file: string, make: (config: Fixture['config']) => Network): void {
  const ref = JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as Fixture;
  const net = make(ref.config);
  const B = ref.batch;
  const K1 = (net.classes as number) + 1;
  const label = new Float64Array(B * K1);
  ref.inputs.labels.forEach((l, b) => (label[b * K1 + l] = 1));
  const feeds: Record<string, Float64Array> = {
    z: values(ref.inputs.z),
    t: Float64Array.from(ref.inputs.t),
    label,
    ...Object.fromEntries(Object.entries(ref.params).map(([n, v]) => [n, values(v)])),
  };

  test(`the ${name} and its PyTorch mirror have the same parameters (names, shapes, layout)`, () => {
    const ours = Object.fromEntries(net.params.map((p) => [p.name, p.shape.slice()]));
    assert.deepEqual(Object.keys(ref.params).sort(), Object.keys(ours).sort());
    for (const [n, shape] of Object.entries(ours)) {
      assert.deepEqual(ref.params[n].shape, shape, `shape of ${n}`);
      assert.equal(
        ref.params[n].q.length,
        shape.reduce((a, b) => a * b, 1),
        `values of ${n}`,
      );
    }
  });

  // The forward graph with params as inputs, plus L = Σ out² and its gradients for the fixture's parameters.
  const graph = buildForward(net, B);
  const loss = graph.sumAll(graph.square(graph.outputs[0].tensor));
  graph.output('loss', loss);
  const names = Object.keys(ref.grads);
  gradients(
    graph,
    loss,
    names.map((n) => graph.inputs.find((i) => i.name === n)!.tensor),
  ).forEach((gr, i) => graph.output(`grad.${names[i]}`, gr));
  const check = (out: Record<string, ArrayLike<number>>, tol: number) => {
    let worst = Math.max(close(out.out, ref.output, tol, 'out'), close(out.loss, [ref.loss], tol, 'loss'));
    for (const [n, expected] of Object.entries(ref.grads)) worst = Math.max(worst, close(out[`grad.${n}`], expected, tol, `dL/d ${n}`));
    return worst;
  };

  test(`the ${name} forward and gradients in the float64 interpreter match PyTorch float64 (≤ 1e-9)`, (t) => {
    t.diagnostic(`worst relative error ${check(interpret(graph, feeds), 1e-9).toExponential(2)}`);
  });

  const ortCheck = async (model: Uint8Array, options: RuntimeOptions) => {
    const session = await nodeRuntime.createSession(model, options);
    const out = await session.run(
      Object.fromEntries(graph.inputs.map(({ name: n, tensor }) => [n, { data: Float32Array.from(feeds[n]), dims: tensor.shape }])),
    );
    await session.release();
    return check(Object.fromEntries(Object.entries(out).map(([n, v]) => [n, v.data])), 1e-4);
  };

  test(`the ${name} forward and gradients in ONNX Runtime (float32) match PyTorch float64 (≤ 1e-4)`, async (t) => {
    t.diagnostic(`worst relative error ${(await ortCheck(toOnnx(graph), { threads: 1 })).toExponential(2)}`);
  });

  // As a training step runs: convolutions through the blocked kernels (with their bias folded in), no ORT NCHWc rewrite.
  test(`the ${name} forward and gradients lowered as for training (blocked convolutions) match PyTorch float64 (≤ 1e-4)`, async (t) => {
    const convBlock = await nodeRuntime.convBlock?.();
    if (!convBlock) return t.skip('this CPU or build has no NCHWc kernels');
    t.diagnostic(
      `block ${convBlock}: worst relative error ` +
        `${(await ortCheck(toOnnx(graph, { convBlock }), { threads: 2, blockedConvs: false })).toExponential(2)}`,
    );
  });
}

parity('U-Net', 'unet_torch_reference.json', (c) =>
  unet({
    classes: c.classes as number,
    channels: c.channels as number,
    embedding: c.embedding as number,
    groups: c.groups as number,
    timeFrequencies: c.timeFrequencies as number,
    attention: c.attention as boolean,
  }),
);
parity('DiT', 'dit_torch_reference.json', (c) =>
  dit({
    classes: c.classes as number,
    patch: c.patch as number,
    width: c.width as number,
    depth: c.depth as number,
    heads: c.heads as number,
    mlpRatio: c.mlpRatio as number,
    timeFrequencies: c.timeFrequencies as number,
  }),
);
