import type { Denoiser } from '../denoiser.js';
import type { Schedule } from '../schedule/index.js';
import { DifflowError, checkArrayFinite, checkInteger, checkPositive, checkTime } from '../validate.js';

/**
 * A right-hand side dy/ds = f(s, y) over a flat state, synchronous or not (a network's denoiser); it must
 * return a new array and not mutate y.
 */
export type OdeFunction = (s: number, y: Float64Array) => Float64Array | Promise<Float64Array>;

/** Tolerances and limits of `dopri5`. */
export interface Dopri5Options {
  readonly rtol: number;
  readonly atol: number;
  readonly maxSteps: number;
  /** Called after each accepted step with the new s, y and the evaluations of f so far. */
  readonly onStep?: (s: number, y: Float64Array, nfe: number) => void;
}

/** What `dopri5` returns: y(s1), evaluations of f, accepted and rejected steps. */
export interface Dopri5Result {
  readonly y: Float64Array;
  readonly nfe: number;
  readonly steps: number;
  readonly rejected: number;
}

// Dormand & Prince (1980) 5(4) tableau: nodes C, stages A (the last row is the 5th-order solution, so the
// 7th stage is f at the new point: first-same-as-last), and E = b − b̂, the 5th- minus 4th-order weights.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;

/** RMS of v_i / scale_i. */
function rms(v: Float64Array, scale: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] / scale[i]) ** 2;
  return Math.sqrt(sum / v.length);
}

/**
 * Adaptive Dormand–Prince 5(4) with FSAL (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I,
 * §II.4–5): integrates dy/ds = f(s, y) from s0 to s1 (either direction). Error norm: RMS of
 * err/(atol + rtol·max(|y|, |y_new|)); step factor 0.9·norm^(−1/5) clamped to [0.2, 10] (≤ 1 after a
 * rejection); the first step by Hairer's heuristic (one extra evaluation, inside the interval).
 * The last step ends exactly at s1, where f is evaluated. Each evaluation of f is awaited in turn.
 * @example
 * ```ts
 * import { dopri5 } from 'difflow';
 * // y' = −y from y(0) = 1: y(1) = e^{−1}
 * const options = { rtol: 1e-8, atol: 1e-10, maxSteps: 1000 };
 * const { y } = await dopri5((s, y) => y.map((v) => -v), Float64Array.of(1), 0, 1, options);
 * y; // → [0.3679]
 * ```
 */
export async function dopri5(f: OdeFunction, y0: Float64Array, s0: number, s1: number, options: Dopri5Options): Promise<Dopri5Result> {
  const { rtol, atol, maxSteps, onStep } = options;
  const n = y0.length;
  const direction = Math.sign(s1 - s0);
  const span = Math.abs(s1 - s0);
  let y = Float64Array.from(y0);
  if (span === 0) return { y, nfe: 0, steps: 0, rejected: 0 };
  let k1 = await f(s0, y);
  let nfe = 1;

  // Initial step (Hairer, Nørsett & Wanner, §II.4).
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) scale[i] = atol + rtol * Math.abs(y[i]);
  const d0 = rms(y, scale);
  const d1 = rms(k1, scale);
  const h0 = Math.min(span, d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1);
  const yProbe = new Float64Array(n);
  for (let i = 0; i < n; i++) yProbe[i] = y[i] + direction * h0 * k1[i];
  const kProbe = await f(s0 + direction * h0, yProbe);
  nfe++;
  for (let i = 0; i < n; i++) yProbe[i] = kProbe[i] - k1[i];
  const d2 = rms(yProbe, scale) / h0;
  const dMax = Math.max(d1, d2);
  const h1 = dMax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dMax) ** (1 / 5);
  let h = direction * Math.min(100 * h0, h1, span);

  let s = s0;
  let steps = 0;
  let rejected = 0;
  let lastRejected = false;
  const k: Float64Array[] = new Array<Float64Array>(7);
  const yStage = new Float64Array(n);
  const err = new Float64Array(n);
  while (s !== s1) {
    if (steps + rejected >= maxSteps) {
      throw new DifflowError(`maxSteps (${maxSteps}) reached at s = ${s} before s = ${s1}: raise maxSteps or loosen rtol/atol`);
    }
    const last = Math.abs(s1 - s) <= Math.abs(h) * (1 + 1e-12);
    if (last) h = s1 - s;
    k[0] = k1;
    let yNew = yStage;
    for (let stage = 1; stage < 7; stage++) {
      const row = A[stage];
      const next = stage === 6 ? new Float64Array(n) : yStage;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < stage; j++) acc += row[j] * k[j][i];
        next[i] = y[i] + h * acc;
      }
      if (stage === 6) yNew = next;
      k[stage] = await f(C[stage] === 1 && last ? s1 : s + C[stage] * h, next);
      nfe++;
    }
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < 7; j++) acc += E[j] * k[j][i];
      err[i] = h * acc;
      scale[i] = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
    }
    const norm = rms(err, scale);
    if (norm <= 1) {
      s = last ? s1 : s + h;
      y = yNew;
      k1 = k[6];
      steps++;
      onStep?.(s, y, nfe);
      const grow = norm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, SAFETY * norm ** -0.2));
      h *= lastRejected ? Math.min(1, grow) : grow;
      lastRejected = false;
    } else {
      // A NaN norm (non-finite stage) also lands here and shrinks the step by the largest factor.
      rejected++;
      h *= Number.isNaN(norm) ? MIN_FACTOR : Math.max(MIN_FACTOR, SAFETY * norm ** -0.2);
      lastRejected = true;
      if (Math.abs(h) <= 16 * Number.EPSILON * Math.max(1, Math.abs(s))) {
        throw new DifflowError(`the step size underflowed at s = ${s}: the ODE is stiff or singular there`);
      }
    }
  }
  return { y, nfe, steps, rejected };
}

/** Flow-matching time τ_t = σ_t/(α_t + σ_t) ∈ [0, 1] of schedule time t (FRAMEWORK.md §4). */
export function tauOf(schedule: Schedule, t: number): number {
  const sigma = schedule.sigma(t);
  return sigma / (schedule.alpha(t) + sigma);
}

/** Schedule time of flow-matching time tau: t(λ) with λ = 2 log((1 − tau)/tau) (tau = 0 → λ = +∞). */
export function timeOfTau(schedule: Schedule, tau: number): number {
  return schedule.tOfLambda(2 * (Math.log1p(-tau) - Math.log(tau)));
}

/** The scale alpha + sigma at t: z = (alpha + sigma)·zTilde. */
export function scaleOf(schedule: Schedule, t: number): number {
  return schedule.alpha(t) + schedule.sigma(t);
}

/**
 * The flow-matching field û(zTilde, tau) = ε̂ − x̂ of any denoiser: dzTilde/dtau = û in the coordinates
 * zTilde = z/(alpha + sigma), tau = sigma/(alpha + sigma), where every schedule's probability-flow ODE is
 * the flow-matching ODE (Gao et al. 2024; FRAMEWORK.md §4). @param zTilde [batch·dim]
 */
export async function flowField(denoiser: Denoiser, zTilde: Float64Array, tau: number): Promise<Float64Array> {
  const t = timeOfTau(denoiser.schedule, tau);
  const c = scaleOf(denoiser.schedule, t);
  const z = new Float64Array(zTilde.length);
  for (let i = 0; i < z.length; i++) z[i] = c * zTilde[i];
  const { x, eps } = await denoiser.denoise(z, t);
  const u = new Float64Array(z.length);
  for (let i = 0; i < u.length; i++) u[i] = eps[i] - x[i];
  return u;
}

/** Options of `rk45`. */
export interface Rk45Options {
  readonly tStart?: number;
  readonly tEnd?: number;
  readonly rtol?: number;
  readonly atol?: number;
  readonly maxSteps?: number;
  readonly onStep?: (info: { t: number; z: Float64Array; nfe: number }) => void;
}

/** What `rk45` returns: z at tEnd, denoiser evaluations, accepted and rejected steps. */
export interface Rk45Result {
  readonly z: Float64Array;
  readonly nfe: number;
  readonly steps: number;
  readonly rejected: number;
}

/**
 * Reference probability-flow ODE solver (Dormand & Prince 1980, as in Song et al. 2021's RK45): integrates
 * dzTilde/dtau = ε̂ − x̂ in flow-matching coordinates (finite at both ends for every schedule) from
 * tau(tStart) down to tau(tEnd), then returns z = (alpha + sigma)·zTilde at tEnd. The denoiser is evaluated
 * at tEnd (DOPRI's last stage), so it must be defined there. @param z [batch·dim] at tStart
 * @example
 * ```ts
 * import { flowMatching, gaussian, mixtureOracle, priorSample, rk45, rng } from 'difflow';
 * const fm = flowMatching();
 * const oracle = mixtureOracle(gaussian([3], 0), fm); // every data point is x = 3
 * const { z, nfe } = await rk45(oracle, priorSample(fm, 1, 1, rng(0)), { tEnd: 1e-3 });
 * z; // → [2.998]
 * nfe > 0; // → true
 * ```
 */
export async function rk45(denoiser: Denoiser, z: Float64Array, options: Rk45Options = {}): Promise<Rk45Result> {
  const { schedule } = denoiser;
  const tStart = options.tStart ?? 1;
  const tEnd = options.tEnd ?? 0;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const maxSteps = options.maxSteps ?? 10_000;
  checkTime('tStart', tStart);
  checkTime('tEnd', tEnd);
  if (!(tStart > tEnd)) throw new DifflowError(`tStart must exceed tEnd, got tStart = ${tStart}, tEnd = ${tEnd}`);
  if (!(z instanceof Float64Array) || z.length === 0) throw new DifflowError('z must be a non-empty Float64Array');
  checkArrayFinite('z', z);
  checkPositive('rtol', rtol);
  checkPositive('atol', atol);
  checkInteger('maxSteps', maxSteps);

  const tau0 = tauOf(schedule, tStart);
  const tau1 = tauOf(schedule, tEnd);
  const c0 = scaleOf(schedule, tStart);
  const zTilde0 = z.map((v) => v / c0);
  const toZ = (t: number, zTilde: Float64Array) => {
    const c = scaleOf(schedule, t);
    return zTilde.map((v) => c * v);
  };
  const onStep = options.onStep;
  const result = await dopri5((tau, zTilde) => flowField(denoiser, zTilde, tau), zTilde0, tau0, tau1, {
    rtol,
    atol,
    maxSteps,
    onStep: onStep
      ? (tau, zTilde, nfe) => {
          const t = tau === tau1 ? tEnd : timeOfTau(schedule, tau);
          onStep({ t, z: toZ(t, zTilde), nfe });
        }
      : undefined,
  });
  return { z: toZ(tEnd, result.y), nfe: result.nfe, steps: result.steps, rejected: result.rejected };
}
