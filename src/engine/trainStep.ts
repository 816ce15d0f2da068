/**
 * One training step as one ONNX graph: forward, the weighted output-MSE loss, gradients, global
 * gradient-norm clipping, AdamW and the EMA update. Inputs: the parameters, Adam's m and v, the EMA (flat), a
 * batch (z, t, target, per-example weight) and four scalars for the step (bias-corrected step size, ε, decoupled
 * weight decay, EMA decay); outputs: their new values and the loss. The diffusion maths (schedule, output
 * kind, weighting, p(t)) stays in the core and arrives as z, target and weight.
 */
import type { Network, ParamSpec } from '../models/network.js';
import { gradients } from './autodiff.js';
import { Builder } from './builder.js';
import type { Graph, Tensor } from './graph.js';
import { toOnnx } from './onnx.js';
import type { Runtime, RuntimeOptions, Session, Spinning, TensorData } from './runtime.js';

export interface OptimizerSpec {
  readonly beta1: number;
  readonly beta2: number;
  /** Max global gradient norm (PyTorch's clip_grad_norm_). */
  readonly clip: number;
}

export const DEFAULT_OPTIMIZER: OptimizerSpec = { beta1: 0.9, beta2: 0.999, clip: 1 };

/** The EMA decay at step k: min(decay, (1 + k)/(10 + k)), so that a short run's EMA is not stuck near its start. */
export function emaDecayAt(k: number, decay = 0.999): number {
  return Math.min(decay, (1 + k) / (10 + k));
}

/** The label input of a class-conditional network: one-hot [B, K + 1], the last column the null class. */
function labelInput(g: Builder, net: Network, batch: number): Tensor | undefined {
  return net.classes === undefined ? undefined : g.input('label', [batch, net.classes + 1]);
}

/**
 * The forward graph alone (sampling/export): params as inputs, or baked in as initializers when given.
 * Inputs z [B, dim], t [B, 1] and, for class-conditional networks, label [B, K + 1]; output 'out' [B, dim].
 */
export function buildForward(net: Network, batch: number, weights?: Readonly<Record<string, Float32Array>>): Builder {
  const g = new Builder();
  const z = g.input('z', [batch, net.dim]);
  const t = g.input('t', [batch, 1]);
  const label = labelInput(g, net, batch);
  const p: Record<string, Tensor> = {};
  for (const spec of net.params) p[spec.name] = weights ? g.constant(weights[spec.name], spec.shape) : g.input(spec.name, spec.shape);
  g.output('out', net.forward(g, p, z, t, label));
  return g;
}

/** The loss L = Σ_b w_b Σ_j (o_bj − y_bj)² / (B·dim). */
function weightedMse(g: Builder, out: Tensor, target: Tensor, weight: Tensor): Tensor {
  const [batch, dim] = out.shape;
  return g.mul(g.sumAll(g.mul(g.square(g.sub(out, target)), weight)), 1 / (batch * dim));
}

/** Where each parameter lives in the flat parameter vector. */
export interface ParamSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The flat layout of a network's parameters (in declaration order) and its total size P. */
export function paramLayout(net: { readonly params: readonly ParamSpec[] }): { slots: ParamSlot[]; total: number } {
  let offset = 0;
  const slots = net.params.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const slot = { name: p.name, shape: p.shape, offset, size };
    offset += size;
    return slot;
  });
  return { slots, total: offset };
}

/** Per-name views (no copies) into a flat parameter vector. */
export function unflatten(net: { readonly params: readonly ParamSpec[] }, flat: Float32Array): Record<string, Float32Array> {
  return Object.fromEntries(paramLayout(net).slots.map((s) => [s.name, flat.subarray(s.offset, s.offset + s.size)]));
}

/** A flat parameter vector from per-name arrays. */
export function flatten(net: { readonly params: readonly ParamSpec[] }, weights: Readonly<Record<string, Float32Array>>): Float32Array {
  const { slots, total } = paramLayout(net);
  const flat = new Float32Array(total);
  for (const s of slots) flat.set(weights[s.name], s.offset);
  return flat;
}

/**
 * Parameters, Adam's m and v and the EMA cross the graph boundary as four flat vectors [P] ('params', 'm',
 * 'v', 'ema' → 'new.params', …): the forward pass reads each parameter as a Slice + Reshape view, the
 * gradients are flattened into one [P] vector, and clipping, AdamW and the EMA are a dozen elementwise ops
 * on it instead of a dozen per parameter (measured: fewer kernel launches and feeds per step).
 *
 * `lossOf` builds the loss (a scalar) from the parameter views, declaring whatever batch inputs it needs;
 * the denoiser's step (`buildTrainStep`) and the classifier's step share this optimiser.
 */
export function buildOptimizerStep(
  specs: readonly ParamSpec[],
  lossOf: (g: Builder, p: Readonly<Record<string, Tensor>>) => Tensor,
  opt: OptimizerSpec = DEFAULT_OPTIMIZER,
): Builder {
  const g = new Builder();
  const { slots, total } = paramLayout({ params: specs });
  const params = g.input('params', [total]);
  const m = g.input('m', [total]);
  const v = g.input('v', [total]);
  const ema = g.input('ema', [total]);
  const stepSize = g.input('stepSize', []); // lr·sqrt(1 − β2^k)/(1 − β1^k)
  const epsHat = g.input('epsHat', []); // ε·sqrt(1 − β2^k)
  const decay = g.input('decay', []); // 1 − lr·weightDecay
  const emaDecay = g.input('emaDecay', []);

  const views = slots.map((s) => g.reshape(g.slice(params, 0, s.offset, s.offset + s.size), s.shape));
  const p = Object.fromEntries(slots.map((s, i) => [s.name, views[i]]));
  const loss = lossOf(g, p);
  const grads = gradients(g, loss, views);
  const grad = g.concat(grads.map((gr, i) => g.reshape(gr, [slots[i].size])), 0);
  // Global norm clipping g ← c·g, c = min(1, clip/(‖g‖ + 1e-6)), folded into the moments' scalar factors.
  const norm = g.sqrt(g.sumAll(g.square(grad)));
  const c = g.min(1, g.div(opt.clip, g.add(norm, 1e-6)));
  const m1 = g.add(g.mul(m, opt.beta1), g.mul(grad, g.mul(c, 1 - opt.beta1)));
  const v1 = g.add(g.mul(v, opt.beta2), g.mul(g.square(grad), g.mul(g.square(c), 1 - opt.beta2)));
  // AdamW: p ← p·(1 − lr·wd) − stepSize·m/(sqrt(v) + ε̂).
  const p1 = g.sub(g.mul(params, decay), g.div(g.mul(m1, stepSize), g.add(g.sqrt(v1), epsHat)));
  // EMA: e ← e + (1 − d)(p − e).
  const e1 = g.add(ema, g.mul(g.sub(p1, ema), g.sub(1, emaDecay)));
  g.output('new.params', p1);
  g.output('new.m', m1);
  g.output('new.v', v1);
  g.output('new.ema', e1);
  g.output('loss', loss);
  g.output('gradNorm', norm);
  return g;
}

/**
 * The denoiser's training step: batch inputs z [B, dim], t [B, 1], target [B, dim], per-example weight
 * [B, 1] (and label [B, K + 1] for class-conditional networks); the weighted output-MSE; `buildOptimizerStep`.
 */
export function buildTrainStep(net: Network, batch: number, opt: OptimizerSpec = DEFAULT_OPTIMIZER): Builder {
  return buildOptimizerStep(net.params, (g, p) => {
    const z = g.input('z', [batch, net.dim]);
    const t = g.input('t', [batch, 1]);
    const label = labelInput(g, net, batch);
    const target = g.input('target', [batch, net.dim]);
    const weight = g.input('weight', [batch, 1]);
    return weightedMse(g, net.forward(g, p, z, t, label), target, weight);
  }, opt);
}

/**
 * A training-step graph compiled for `runtime`: convolutions through its blocked kernels where it has them
 * (`Runtime.convBlock`; U-Net step, batch 64, 2 threads: 14–21 % faster, A/B in one process), and ONNX
 * Runtime's own NCHWc rewrite off (`blockedConvs: false`: in a training step it only catches the constant
 * im2col patch convolutions of the filter gradients, and slows them).
 */
export async function trainStepSession(runtime: Runtime, step: Graph, options: { name?: string; threads?: number; spinning?: Spinning } = {}): Promise<Session> {
  const { model, options: runtimeOptions } = await trainStepModel(runtime, step, options.name);
  return runtime.createSession(model, { ...runtimeOptions, threads: options.threads, spinning: options.spinning });
}

/** trainStepSession's ONNX model and runtime options, for callers that make the session themselves (a profiler). */
export async function trainStepModel(runtime: Runtime, step: Graph, name?: string): Promise<{ model: Uint8Array; options: RuntimeOptions }> {
  const convBlock = await runtime.convBlock?.();
  return { model: toOnnx(step, { name, convBlock }), options: { blockedConvs: false } };
}

/** The four flat [P] vectors an optimiser step reads and writes. */
export interface OptimizerState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  ema: Float32Array;
}

/**
 * The feeds of `buildOptimizerStep`'s own inputs for step k (k ≥ 1): the state vectors and the AdamW/EMA
 * scalars; the caller adds its batch inputs.
 */
export function optimizerFeeds(state: OptimizerState, k: number, o: { lr: number; eps: number; weightDecay: number; emaDecay: number }): Record<string, TensorData> {
  const s = adamScalars(k, o.lr, o.eps, o.weightDecay);
  const P = state.params.length;
  const scalar = (v: number): TensorData => ({ data: Float32Array.of(v), dims: [] });
  return {
    params: { data: state.params, dims: [P] }, m: { data: state.m, dims: [P] }, v: { data: state.v, dims: [P] }, ema: { data: state.ema, dims: [P] },
    stepSize: scalar(s.stepSize), epsHat: scalar(s.epsHat), decay: scalar(s.decay), emaDecay: scalar(emaDecayAt(k, o.emaDecay)),
  };
}

/** Writes a step's 'new.*' outputs back into `state`. */
export function takeOptimizerOutputs(state: OptimizerState, out: Readonly<Record<string, { data: Float32Array }>>): void {
  state.params = out['new.params'].data;
  state.m = out['new.m'].data;
  state.v = out['new.v'].data;
  state.ema = out['new.ema'].data;
}

/** The per-step scalars of AdamW after `k` steps (k ≥ 1). */
export function adamScalars(k: number, lr: number, eps: number, weightDecay: number, opt: OptimizerSpec = DEFAULT_OPTIMIZER) {
  const c2 = Math.sqrt(1 - opt.beta2 ** k);
  return { stepSize: (lr * c2) / (1 - opt.beta1 ** k), epsHat: eps * c2, decay: 1 - lr * weightDecay };
}
