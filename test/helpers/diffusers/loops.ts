/**
 * Test reference, not library code: diffusers' sampling loops transcribed from its `step()` functions in its
 * own coordinates and variables (ᾱ, σ̃, x0, derivative, dt), over the grid of a translated plan. The tests
 * use it (1) to check that `run` — difflow's samplers — is diffusers' pipeline loop, and (2) to reproduce
 * diffusers' test loops where they differ from the pipeline: the Euler-family tests reassign
 * `sample = scheduler.scale_model_input(sample, t)` and so pass the scaled sample on to `step`.
 */
import type { Plan } from '../../../src/core/interop/plan.js';

export type ArrayModel = (sample: Float64Array, timestep: number) => Float64Array;
type Kind = Plan['outputKind'];

const axpy = (a: Float64Array, b: Float64Array, cb: number) => a.map((v, k) => v + cb * b[k]);

/** σ̃_i = σ/α at each grid point of a plan. */
export function planSigmas(p: Plan): number[] {
  return Array.from(p.grid, (t) => (t === 0 ? 0 : p.schedule.sigma(t) / p.schedule.alpha(t)));
}

/** The σ̃ a step goes to; where the plan dropped a final σ̃ equal to the last one, that same σ̃ (an identity step). */
const nextSigma = (s: number[], i: number) => s[i + 1] ?? s[i];

/** Euler-family x0 from the model output at σ̃ (EulerDiscreteScheduler.step). */
function eulerX0(kind: Kind, sample: Float64Array, out: Float64Array, sigma: number): Float64Array {
  if (kind === 'eps') return sample.map((v, k) => v - sigma * out[k]);
  if (kind === 'v') return sample.map((v, k) => out[k] * (-sigma / Math.sqrt(sigma * sigma + 1)) + v / (sigma * sigma + 1));
  return Float64Array.from(out);
}

/** EulerDiscreteScheduler over a plan; `testLoop` passes the scaled sample on to step, as diffusers' tests do. */
export function eulerLoop(p: Plan, model: ArrayModel, sample: Float64Array, o: { testLoop?: boolean; start?: number } = {}): Float64Array {
  const s = planSigmas(p);
  for (let i = o.start ?? 0; i < p.timesteps.length; i++) {
    const scaled = sample.map((v) => v / Math.sqrt(s[i] ** 2 + 1));
    if (o.testLoop) sample = scaled;
    const x0 = eulerX0(p.outputKind, sample, model(scaled, p.timesteps[i]), s[i]);
    const derivative = sample.map((v, k) => (v - x0[k]) / s[i]);
    sample = axpy(sample, derivative, nextSigma(s, i) - s[i]);
  }
  return sample;
}

/** EulerAncestralDiscreteScheduler over a plan with noise from `noise` (e.g. torch's); `testLoop` as in `eulerLoop`. */
export function eulerAncestralLoop(
  p: Plan,
  model: ArrayModel,
  sample: Float64Array,
  noise: { normals(n: number): Float64Array },
  o: { testLoop?: boolean } = {},
): Float64Array {
  const s = planSigmas(p);
  for (let i = 0; i < p.timesteps.length; i++) {
    const scaled = sample.map((v) => v / Math.sqrt(s[i] ** 2 + 1));
    if (o.testLoop) sample = scaled;
    const x0 = eulerX0(p.outputKind, sample, model(scaled, p.timesteps[i]), s[i]);
    const [from, to] = [s[i], nextSigma(s, i)];
    const sigmaUp = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
    const sigmaDown = Math.sqrt(to * to - sigmaUp * sigmaUp);
    const derivative = sample.map((v, k) => (v - x0[k]) / from);
    const xi = noise.normals(sample.length);
    sample = sample.map((v, k) => v + derivative[k] * (sigmaDown - from) + xi[k] * sigmaUp);
  }
  return sample;
}

/** HeunDiscreteScheduler over a plan (timesteps t_0, t_1, t_1, …); `testLoop` as in `eulerLoop`. */
export function heunLoop(
  p: Plan,
  model: ArrayModel,
  sample: Float64Array,
  o: { testLoop?: boolean; start?: number; clip?: number } = {},
): Float64Array {
  const g = planSigmas(p);
  const sigmas = [g[0], ...g.slice(1, -1).flatMap((v) => [v, v]), g[g.length - 1]];
  let prevDerivative: Float64Array | undefined;
  let dt = 0;
  let stored = sample;
  for (let i = 2 * (o.start ?? 0); i < p.timesteps.length; i++) {
    const scaled = sample.map((v) => v / Math.sqrt(sigmas[i] ** 2 + 1));
    if (o.testLoop) sample = scaled;
    const out = model(scaled, p.timesteps[i]);
    const first = prevDerivative === undefined;
    const sigmaIn = sigmas[i]; // σ̂ on the predictor, σ_next on the corrector: both sigmas[i]
    let x0 = eulerX0(p.outputKind, sample, out, sigmaIn);
    if (o.clip !== undefined) x0 = x0.map((v) => Math.min(o.clip!, Math.max(-o.clip!, v)));
    const derivative = sample.map((v, k) => (v - x0[k]) / sigmaIn);
    if (first) {
      dt = sigmas[i + 1] - sigmas[i];
      prevDerivative = derivative;
      stored = sample;
      sample = axpy(sample, derivative, dt);
    } else {
      const average = derivative.map((d, k) => (prevDerivative![k] + d) / 2);
      sample = axpy(stored, average, dt);
      prevDerivative = undefined;
    }
  }
  return sample;
}

/** DDIMScheduler.step with η = 0 (set_alpha_to_one; clip_sample keeps the model's ε): from k to k − ⌊T/N⌋. */
export function ddimLoop(p: Plan, model: ArrayModel, sample: Float64Array, clip?: number): Float64Array {
  const T = p.config.num_train_timesteps as number;
  const abar = (k: number) => (k < 0 ? 1 : p.schedule.alpha((k + 1) / T) ** 2);
  for (let i = 0; i < p.timesteps.length; i++) {
    const abarT = abar(p.timesteps[i]);
    const abarPrev = abar(p.timesteps[i] - Math.floor(T / p.timesteps.length));
    const out = model(sample, p.timesteps[i]);
    let x0: Float64Array;
    let eps: Float64Array;
    if (p.outputKind === 'eps') {
      x0 = sample.map((v, k) => (v - Math.sqrt(1 - abarT) * out[k]) / Math.sqrt(abarT));
      eps = out;
    } else {
      x0 = sample.map((v, k) => Math.sqrt(abarT) * v - Math.sqrt(1 - abarT) * out[k]);
      eps = sample.map((v, k) => Math.sqrt(abarT) * out[k] + Math.sqrt(1 - abarT) * v);
    }
    if (clip !== undefined) x0 = x0.map((v) => Math.min(clip, Math.max(-clip, v)));
    sample = x0.map((v, k) => Math.sqrt(abarPrev) * v + Math.sqrt(1 - abarPrev) * eps[k]);
  }
  return sample;
}

/** DDPMScheduler.step's posterior mean (the step without its variance noise) from integer timesteps k → k − 1. */
export function ddpmMeanLoop(p: Plan, model: ArrayModel, sample: Float64Array, clip: number): Float64Array {
  for (let i = 0; i < p.timesteps.length; i++) {
    const abarT = p.schedule.alpha(p.grid[i]) ** 2;
    const abarPrev = p.schedule.alpha(p.grid[i + 1]) ** 2;
    const betaT = 1 - abarT / abarPrev;
    const out = model(sample, p.timesteps[i]);
    const x0 = sample.map((v, k) => Math.min(clip, Math.max(-clip, (v - Math.sqrt(1 - abarT) * out[k]) / Math.sqrt(abarT))));
    const cX0 = (Math.sqrt(abarPrev) * betaT) / (1 - abarT);
    const cSample = (Math.sqrt(1 - betaT) * (1 - abarPrev)) / (1 - abarT);
    sample = x0.map((v, k) => cX0 * v + cSample * sample[k]);
  }
  return sample;
}

/** DPMSolverMultistepScheduler (dpmsolver++, midpoint, order ≤ 2); `firstOrderLast` as diffusers decides it. */
export function dpmLoop(p: Plan, model: ArrayModel, sample: Float64Array, firstOrderLast: boolean): Float64Array {
  const s = planSigmas(p);
  const alphaOf = (sg: number) => 1 / Math.sqrt(sg * sg + 1);
  const lambdaOf = (sg: number) => Math.log(alphaOf(sg)) - Math.log(sg * alphaOf(sg));
  const outputs: Float64Array[] = [];
  const n = p.grid.length - 1;
  for (let i = 0; i < n; i++) {
    const [sigmaS, sigmaT] = [s[i], s[i + 1]];
    const alphaS = alphaOf(sigmaS);
    const out = model(sample, p.timesteps[i]);
    const x0 =
      p.outputKind === 'eps'
        ? sample.map((v, k) => (v - sigmaS * alphaS * out[k]) / alphaS)
        : sample.map((v, k) => alphaS * v - sigmaS * alphaS * out[k]);
    outputs.push(x0);
    const alphaT = sigmaT === 0 ? 1 : alphaOf(sigmaT);
    const h = (sigmaT === 0 ? Infinity : lambdaOf(sigmaT)) - lambdaOf(sigmaS);
    const ratio = sigmaT === 0 ? 0 : (sigmaT * alphaT) / (sigmaS * alphaS);
    const first = outputs.length < 2 || (firstOrderLast && i === n - 1);
    const m0 = outputs[outputs.length - 1];
    let d = m0;
    if (!first) {
      const m1 = outputs[outputs.length - 2];
      const r0 = (lambdaOf(sigmaS) - lambdaOf(s[i - 1])) / h;
      d = m0.map((v, k) => v + (0.5 / r0) * (v - m1[k]));
    }
    sample = sample.map((v, k) => ratio * v - alphaT * Math.expm1(-h) * d[k]);
  }
  return sample;
}

/** EDMEulerScheduler.step with the EDM preconditioning (σ_d, epsilon prediction). */
export function edmLoop(p: Plan, model: ArrayModel, sample: Float64Array, sigmaData: number): Float64Array {
  const s = planSigmas(p);
  for (let i = 0; i < p.timesteps.length; i++) {
    const c = sigmaData ** 2 + s[i] ** 2;
    const out = model(
      sample.map((v) => v / Math.sqrt(c)),
      p.timesteps[i],
    );
    const x0 = sample.map((v, k) => (sigmaData ** 2 / c) * v + ((s[i] * sigmaData) / Math.sqrt(c)) * out[k]);
    sample = axpy(
      sample,
      sample.map((v, k) => (v - x0[k]) / s[i]),
      s[i + 1] - s[i],
    );
  }
  return sample;
}

/** FlowMatchEulerDiscreteScheduler.step: sample + (σ_next − σ)·model_output. */
export function flowMatchLoop(p: Plan, model: ArrayModel, sample: Float64Array): Float64Array {
  for (let i = 0; i < p.timesteps.length; i++) sample = axpy(sample, model(sample, p.timesteps[i]), p.grid[i + 1] - p.grid[i]);
  return sample;
}
