/**
 * The optimiser step as one ONNX graph: any scalar loss of the parameters, its gradients, global
 * gradient-norm clipping, AdamW and the EMA update. Its inputs and outputs are named in one table,
 * `OPTIMIZER_IO`; `optimizerFeeds` and `optimizerOutputs` read it, so no caller spells a name.
 */
import { gradients } from './autodiff.js';
import { Builder } from './builder.js';
import type { Tensor } from './graph.js';
import { checkedParams, paramLayout, type ParamSpec, type Params } from './params.js';
import type { TensorData } from './runtime.js';

export interface OptimizerSpec {
  readonly beta1: number;
  readonly beta2: number;
  /** Max global gradient norm (PyTorch's clip_grad_norm_). */
  readonly clip: number;
}

export const DEFAULT_OPTIMIZER: OptimizerSpec = { beta1: 0.9, beta2: 0.999, clip: 1 };

/** The four flat [P] vectors an optimiser step reads and writes. */
export interface OptimizerState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  ema: Float32Array;
}

/** The per-step scalars the graph reads (bias-corrected step size, ε̂, decoupled decay, EMA decay). */
export interface OptimizerScalars {
  readonly stepSize: number;
  readonly epsHat: number;
  readonly decay: number;
  readonly emaDecay: number;
}

/**
 * The names of the optimiser graph's own inputs and outputs, in graph order: each state vector is an input
 * and a 'new.' output, then the scalars, then the loss and the gradient norm. The caller's batch inputs
 * follow the state and scalars.
 */
export const OPTIMIZER_IO = {
  state: {
    params: { input: 'params', output: 'new.params' },
    m: { input: 'm', output: 'new.m' },
    v: { input: 'v', output: 'new.v' },
    ema: { input: 'ema', output: 'new.ema' },
  },
  scalars: { stepSize: 'stepSize', epsHat: 'epsHat', decay: 'decay', emaDecay: 'emaDecay' },
  loss: 'loss',
  gradNorm: 'gradNorm',
} as const satisfies {
  state: Record<keyof OptimizerState, { input: string; output: string }>;
  scalars: Record<keyof OptimizerScalars, string>;
  loss: string;
  gradNorm: string;
};

const STATE_KEYS = Object.keys(OPTIMIZER_IO.state) as (keyof OptimizerState)[];
const SCALAR_KEYS = Object.keys(OPTIMIZER_IO.scalars) as (keyof OptimizerScalars)[];

/** The EMA decay at step k: min(decay, (1 + k)/(10 + k)), so that a short run's EMA is not stuck near its start. */
export function emaDecayAt(k: number, decay = 0.999): number {
  return Math.min(decay, (1 + k) / (10 + k));
}

/** The per-step scalars of AdamW after `k` steps (k ≥ 1). */
export function adamScalars(k: number, lr: number, eps: number, weightDecay: number, opt: OptimizerSpec = DEFAULT_OPTIMIZER) {
  const c2 = Math.sqrt(1 - opt.beta2 ** k);
  return { stepSize: (lr * c2) / (1 - opt.beta1 ** k), epsHat: eps * c2, decay: 1 - lr * weightDecay };
}

/**
 * Parameters, Adam's m and v and the EMA cross the graph boundary as four flat vectors [P] ('params', 'm',
 * 'v', 'ema' → 'new.params', …): the forward pass reads each parameter as a Slice + Reshape view, the
 * gradients are flattened into one [P] vector, and clipping, AdamW and the EMA are a dozen elementwise ops
 * on it instead of a dozen per parameter (measured: fewer kernel launches and feeds per step).
 *
 * `lossOf` builds the loss (a scalar) from the parameter views, declaring whatever batch inputs it needs;
 * reading a parameter that `specs` does not declare throws, naming it and `owner`. The denoiser's step
 * (models/denoiserGraph.ts `buildTrainStep`) and the classifier's step share this optimiser.
 */
export function buildOptimizerStep(
  specs: readonly ParamSpec[],
  lossOf: (g: Builder, p: Params) => Tensor,
  opt: OptimizerSpec = DEFAULT_OPTIMIZER,
  owner = 'the loss',
): Builder {
  const g = new Builder();
  const { slots, total } = paramLayout({ params: specs });
  const state = Object.fromEntries(STATE_KEYS.map((key) => [key, g.input(OPTIMIZER_IO.state[key].input, [total])])) as Record<
    keyof OptimizerState,
    Tensor
  >;
  const s = Object.fromEntries(SCALAR_KEYS.map((key) => [key, g.input(OPTIMIZER_IO.scalars[key], [])])) as Record<
    keyof OptimizerScalars,
    Tensor
  >;
  const { params, m, v, ema } = state;

  const views = slots.map((slot) => g.reshape(g.slice(params, 0, slot.offset, slot.offset + slot.size), slot.shape));
  const loss = lossOf(g, checkedParams(owner, Object.fromEntries(slots.map((slot, i) => [slot.name, views[i]]))));
  const grads = gradients(g, loss, views);
  const grad = g.concat(
    grads.map((gr, i) => g.reshape(gr, [slots[i].size])),
    0,
  );
  // Global norm clipping g ← c·g, c = min(1, clip/(‖g‖ + 1e-6)), folded into the moments' scalar factors.
  const norm = g.sqrt(g.sumAll(g.square(grad)));
  const c = g.min(1, g.div(opt.clip, g.add(norm, 1e-6)));
  const m1 = g.add(g.mul(m, opt.beta1), g.mul(grad, g.mul(c, 1 - opt.beta1)));
  const v1 = g.add(g.mul(v, opt.beta2), g.mul(g.square(grad), g.mul(g.square(c), 1 - opt.beta2)));
  // AdamW: p ← p·(1 − lr·wd) − stepSize·m/(sqrt(v) + ε̂), stepSize = lr·sqrt(1 − β2^k)/(1 − β1^k), ε̂ = ε·sqrt(1 − β2^k).
  const p1 = g.sub(g.mul(params, s.decay), g.div(g.mul(m1, s.stepSize), g.add(g.sqrt(v1), s.epsHat)));
  // EMA: e ← e + (1 − d)(p − e).
  const e1 = g.add(ema, g.mul(g.sub(p1, ema), g.sub(1, s.emaDecay)));
  const next: Record<keyof OptimizerState, Tensor> = { params: p1, m: m1, v: v1, ema: e1 };
  for (const key of STATE_KEYS) g.output(OPTIMIZER_IO.state[key].output, next[key]);
  g.output(OPTIMIZER_IO.loss, loss);
  g.output(OPTIMIZER_IO.gradNorm, norm);
  return g;
}

/**
 * The feeds of `buildOptimizerStep`'s own inputs for step k (k ≥ 1): the state vectors and the AdamW/EMA
 * scalars; the caller adds its batch inputs.
 */
export function optimizerFeeds(
  state: OptimizerState,
  k: number,
  o: { lr: number; eps: number; weightDecay: number; emaDecay: number },
): Record<string, TensorData> {
  const scalars: OptimizerScalars = { ...adamScalars(k, o.lr, o.eps, o.weightDecay), emaDecay: emaDecayAt(k, o.emaDecay) };
  const P = state.params.length;
  return Object.fromEntries([
    ...STATE_KEYS.map((key) => [OPTIMIZER_IO.state[key].input, { data: state[key], dims: [P] }]),
    ...SCALAR_KEYS.map((key) => [OPTIMIZER_IO.scalars[key], { data: Float32Array.of(scalars[key]), dims: [] }]),
  ]);
}

/** A step's outputs by role: the new state vectors, the loss (before the update) and the gradient norm. */
export function optimizerOutputs(out: Readonly<Record<string, { data: Float32Array }>>): {
  state: OptimizerState;
  loss: number;
  gradNorm: number;
} {
  const state = Object.fromEntries(STATE_KEYS.map((key) => [key, out[OPTIMIZER_IO.state[key].output].data])) as unknown as OptimizerState;
  return { state, loss: out[OPTIMIZER_IO.loss].data[0], gradNorm: out[OPTIMIZER_IO.gradNorm].data[0] };
}

/** Writes a step's new state vectors back into `state`. */
export function takeOptimizerOutputs(state: OptimizerState, out: Readonly<Record<string, { data: Float32Array }>>): void {
  const next = optimizerOutputs(out).state;
  for (const key of STATE_KEYS) state[key] = next[key];
}
