/**
 * The torch backend trains with difflow's maths: for every output kind with every weighting (MLP; schedules and
 * densities cycled through) and for the U-Net and the DiT, one step of python/difflow_torch on a fixed batch
 * (x, t, ε, labels) gives the loss, gradients, parameters, Adam moments and EMA that difflow's ONNX step gives
 * from the same batch (float32 precision). Fixtures: scripts/make_torch_parity_fixtures.py (no Python needed here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromXEps, type OutputKind } from '../core/outputs.js';
import { scheduleByName } from '../core/schedule/index.js';
import { densityByName, outputLossWeight, weighting } from '../core/training/index.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { buildTrainStep, flatten, optimizerFeeds, trainStepSession } from '../engine/trainStep.js';
import { readCheckpoint } from '../io/checkpoint.js';
import { makeConfig, type TrainConfig } from './config.js';
import { dataShape } from './data.js';
import { networkFor } from './trainer.js';

export const FIXTURES = fileURLToPath(new URL('../../test/fixtures/torch-parity/', import.meta.url));
/** Allowed error, in units of the largest magnitude of the quantity compared (float32 rounding, summed). */
const TOL = 2e-5;

/** The worst |a − e| / max(max|e|, tiny) over a vector; `what` names it in the failure message. */
function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  assert.ok(worst <= TOL, `${what}: difflow and PyTorch differ by ${worst.toExponential(2)} of the largest value ${scale.toExponential(2)}`);
  return worst;
}

/** z, target [B·dim] and weight [B] from x, t, ε as difflow's Trainer makes them (float64, then float32). */
function difflowBatch(config: TrainConfig, x: Float64Array, t: Float64Array, eps: Float64Array, weightScale: number) {
  const schedule = scheduleByName(config.schedule);
  const w = weighting(config.weighting, { bias: config.bias });
  const density = densityByName(config.density);
  const B = t.length;
  const d = x.length / B;
  const z = new Float32Array(B * d);
  const target = new Float32Array(B * d);
  const weight = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const [alpha, sigma] = [schedule.alpha(t[b]), schedule.sigma(t[b])];
    const xb = x.subarray(b * d, (b + 1) * d);
    const eb = eps.subarray(b * d, (b + 1) * d);
    target.set(fromXEps(config.output as OutputKind, xb, eb, alpha, sigma), b * d);
    for (let j = 0; j < d; j++) z[b * d + j] = alpha * xb[j] + sigma * eb[j];
    weight[b] = outputLossWeight(w, density, schedule, config.output, t[b]) / weightScale;
  }
  return { z, target, weight };
}

/** One fixture: the ONNX step on its batch against the torch step's results; returns the worst error. */
export async function compareStep(file: string): Promise<number> {
  const { tensors, metadata } = readCheckpoint(FIXTURES + file);
  const config = makeConfig(JSON.parse(metadata.config) as Partial<TrainConfig>);
  const net = networkFor(config, dataShape(config.data));
  const order = (JSON.parse(metadata.names) as [string, boolean][]).map(([name]) => name);
  const sizes = Object.fromEntries(net.params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  /** A flat vector of the fixture (torch's parameter order) in difflow's order. */
  const vector = (key: string): Float32Array => {
    const flat = tensors[key].data as Float32Array;
    let offset = 0;
    const byName = Object.fromEntries(order.map((name) => [name, flat.subarray(offset, (offset += sizes[name]))]));
    assert.equal(offset, flat.length, `${file}: ${key} has ${flat.length} values, difflow's network ${offset}`);
    return flatten(net, byName);
  };
  const k = Number(metadata.step);
  const t = tensors.t.data as Float64Array;
  const B = t.length;
  const { z, target, weight } = difflowBatch(config, tensors.x.data as Float64Array, t, tensors.eps.data as Float64Array, Number(metadata.weightScale));
  const params = vector('param');
  const lr = config.lr * Math.min(1, k / Math.max(1, config.warmup));
  const feeds = {
    ...optimizerFeeds({ params, m: new Float32Array(params.length), v: vector('v'), ema: vector('ema') }, k, { lr, eps: config.eps, weightDecay: config.weightDecay, emaDecay: config.emaDecay }),
    z: { data: z, dims: [B, net.dim] }, t: { data: Float32Array.from(t), dims: [B, 1] }, target: { data: target, dims: [B, net.dim] }, weight: { data: weight, dims: [B, 1] },
  };
  if (net.classes !== undefined) {
    const label = new Float32Array(B * (net.classes + 1));
    (tensors.labels.data as Int32Array).forEach((l, b) => (label[b * (net.classes as number + 1) + l] = 1));
    Object.assign(feeds, { label: { data: label, dims: [B, net.classes + 1] } });
  }
  const session = await trainStepSession(nodeRuntime, buildTrainStep(net, B), { threads: 1, spinning: false });
  try {
    const out = await session.run(feeds);
    const norm = out.gradNorm.data[0];
    const clip = Math.min(1, 1 / (norm + 1e-6));
    const grad = out['new.m'].data.map((m) => m / (0.1 * clip));
    return Math.max(
      worstError([out.loss.data[0]], [Number(metadata.loss)], `${file}: loss`),
      worstError([norm], [Number(metadata.gradNorm)], `${file}: gradient norm`),
      worstError(grad, vector('grad'), `${file}: gradients`),
      worstError(out['new.params'].data, vector('new.param'), `${file}: parameters after the step`),
      worstError(out['new.m'].data, vector('new.m'), `${file}: Adam m`),
      worstError(out['new.v'].data, vector('new.v'), `${file}: Adam v`),
      worstError(out['new.ema'].data, vector('new.ema'), `${file}: EMA`),
    );
  } finally {
    await session.release();
  }
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.safetensors')).sort();

test('the parity fixtures cover every output kind with every weighting, the U-Net and the DiT', () => {
  assert.equal(files.filter((f) => f.startsWith('mlp-')).length, 28);
  assert.ok(files.includes('unet.safetensors') && files.includes('dit.safetensors'));
});

for (const network of ['mlp', 'unet', 'dit']) {
  test(`one torch step of the ${network} equals difflow's ONNX step (loss, gradients, AdamW with clipping, EMA)`, async (t) => {
    let worst = 0;
    for (const file of files.filter((f) => f.startsWith(network))) worst = Math.max(worst, await compareStep(file));
    t.diagnostic(`${network}: worst error ${worst.toExponential(2)} of each quantity's largest value`);
  });
}
