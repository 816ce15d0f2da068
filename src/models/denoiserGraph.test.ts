import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { gradients } from '../engine/autodiff.js';
import { interpret } from '../engine/interpret.js';
import { toOnnx } from '../engine/onnx.js';
import { adamScalars } from '../engine/optimizer.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { buildForward, buildTrainStep } from './denoiserGraph.js';
import { DifflowError } from '../core/validate.js';
import { mlp } from './mlp.js';
import type { Network } from './network.js';

/** Float64 PyTorch values for a small MLP, written by scripts/torch_reference.py. */
const ref = JSON.parse(readFileSync(new URL('../engine/fixtures/mlp_reference.json', import.meta.url), 'utf8'));
type Layers = { W: number[][]; b: number[] }[];
const net = mlp({ dim: 2, hidden: 8, layers: 2, embedding: 16 });
const B = ref.shapes.B as number;
const flat = (a: number[][] | number[]) => ((a as number[][]).flat ? (a as number[][]).flat() : (a as number[]));
const byName = (layers: Layers) =>
  Object.fromEntries(
    layers.flatMap((l, i) => [
      [`W${i}`, flat(l.W)],
      [`b${i}`, l.b],
    ]),
  );
const batch = { z: flat(ref.inputs.z), t: flat(ref.inputs.t), target: flat(ref.inputs.target), weight: flat(ref.inputs.weight) };

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`,
    );
  }
}

test('the MLP forward, loss and autodiff gradients match PyTorch float64 autograd', () => {
  const g = buildForward(net, B);
  const out = g.outputs[0].tensor;
  const target = g.input('target', [B, 2]);
  const weight = g.input('weight', [B, 1]);
  const loss = g.mul(g.sumAll(g.mul(g.square(g.sub(out, target)), weight)), 1 / (B * 2));
  g.output('loss', loss);
  const params = net.params.map((p) => g.inputs.find((i) => i.name === p.name)!.tensor);
  gradients(g, loss, params).forEach((gr, i) => g.output(`grad.${net.params[i].name}`, gr));
  const r = interpret(g, { ...byName(ref.params), ...batch });
  close(r.out, flat(ref.output), 1e-12, 'output');
  close(r.loss, [ref.loss], 1e-12, 'loss');
  const grads = byName(ref.grads);
  for (const p of net.params) close(r[`grad.${p.name}`], grads[p.name], 1e-10, `d loss/d ${p.name}`);
});

for (const key of ['train_step', 'train_step_clip_active'] as const) {
  test(
    `one training step (clipping, AdamW, EMA${key.endsWith('active') ? ', clip active' : ''}) ` +
      `matches PyTorch in float64 and in ONNX Runtime`,
    async () => {
      const step = ref[key];
      const graph = buildTrainStep(net, B, { beta1: step.adamw.betas[0], beta2: step.adamw.betas[1], clip: step.max_norm });
      const p0 = byName(ref.params);
      const zeros = Object.fromEntries(Object.entries(p0).map(([k, v]) => [k, v.map(() => 0)]));
      const s = adamScalars(1, step.adamw.lr, step.adamw.eps, step.adamw.weight_decay);
      const flat = (w: Record<string, number[]>) => net.params.flatMap((p) => w[p.name]);
      const feeds: Record<string, number[]> = {
        ...batch,
        stepSize: [s.stepSize],
        epsHat: [s.epsHat],
        decay: [s.decay],
        emaDecay: [step.ema_decay],
        params: flat(p0),
        m: flat(zeros),
        v: flat(zeros),
        ema: flat(p0),
      };
      const expected = { params: flat(byName(step.params)), m: flat(byName(step.m)), v: flat(byName(step.v)), ema: flat(byName(step.ema)) };
      const r = interpret(graph, feeds);
      close(r.gradNorm, [step.grad_norm_pre_clip], 1e-10, 'gradient norm');
      for (const [name, values] of Object.entries(expected)) close(r[`new.${name}`], values, 1e-9, `new ${name}`);
      // The same graph in ONNX Runtime (float32).
      const session = await nodeRuntime.createSession(toOnnx(graph), { threads: 1 });
      const shapes = Object.fromEntries(graph.inputs.map((i) => [i.name, i.tensor.shape]));
      const out = await session.run(
        Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: Float32Array.from(v), dims: shapes[k] }])),
      );
      for (const [name, values] of Object.entries(expected))
        close(out[`new.${name}`].data, values, name === 'v' ? 1e-4 : 2e-5, `ORT new ${name}`);
      await session.release();
    },
  );
}

test('the lowered training step is lean: Gemm for the layers, no Constant nodes, one flat optimizer update', () => {
  const model = onnxProto.onnx.ModelProto.decode(toOnnx(buildTrainStep(mlp(), 1024)));
  const ops = (model.graph?.node ?? []).map((n) => n.opType);
  const count = (op: string) => ops.filter((o) => o === op).length;
  assert.ok(count('Gemm') >= 4, 'forward layers are Gemm');
  assert.equal(count('Constant'), 0, 'no Constant nodes: constants are initializers');
  assert.equal(count('Sqrt'), 2, 'one for the gradient norm, one for AdamW on the flat vector');
  assert.ok(ops.length < 150, `${ops.length} nodes`);
});

test('a network that reads an undeclared parameter fails where its graph is built, naming the parameter and the network', () => {
  const typo: Network = { ...mlp({ hidden: 4, layers: 1 }), forward: (g, p, z) => g.add(z, p.W9) };
  for (const build of [() => buildForward(typo, 2), () => buildTrainStep(typo, 2)]) {
    assert.throws(
      build,
      (e: unknown) =>
        e instanceof DifflowError &&
        /the mlp network reads a parameter 'W9' that it does not declare \(its 4: W0, b0, W1, b1\)/.test(e.message),
    );
  }
});
