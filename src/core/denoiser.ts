import { toXEps, undetermined, type OutputKind } from './outputs.js';
import type { Schedule } from './schedule/index.js';
import { DifflowError, checkTime } from './validate.js';

/** The canonical prediction every sampler consumes: x̂ and ε̂ at (z_t, t). Arrays are [batch·dim]. */
export interface Denoised {
  readonly x: Float64Array;
  readonly eps: Float64Array;
}

/**
 * A denoiser on a schedule: the one contract between models (networks, exact oracles) and samplers,
 * so that no sampler branches on the output kind. Its `t` is the schedule's time. Exact oracles answer
 * synchronously; networks (e.g. run by ONNX Runtime) answer with a Promise. Samplers await either.
 */
export interface Denoiser {
  readonly schedule: Schedule;
  denoise(z: Float64Array, t: number): Denoised | Promise<Denoised>;
}

/** A model's raw output of its kind at (z, t), synchronous (oracles) or not (networks). @param z [batch·dim] */
export type ModelFn = (z: Float64Array, t: number) => Float64Array | Promise<Float64Array>;

/**
 * Wraps a model that outputs `kind` into a denoiser. Refuses, with a clear error, the two points where an
 * output carries no information about the other half: ε̂ where α = 0 (x̂ undefined) and x̂ where σ = 0.
 * A synchronous model gives a synchronous denoiser; an asynchronous one, a Promise.
 * @example
 * ```ts
 * import { denoiserFromModel, flowMatching } from 'difflow';
 * const model = (z: Float64Array, t: number) => z.map((zi) => -zi); // a toy u-prediction
 * const denoiser = denoiserFromModel(model, 'u', flowMatching());
 * const { x, eps } = await denoiser.denoise(Float64Array.of(1), 0.5);
 * [x[0], eps[0]]; // → [1.5, 0.5]
 * ```
 */
export function denoiserFromModel(model: ModelFn, kind: OutputKind, schedule: Schedule): Denoiser {
  return {
    schedule,
    denoise(z, t) {
      checkTime('t', t);
      const alpha = schedule.alpha(t);
      const sigma = schedule.sigma(t);
      const reason = undetermined(kind, alpha, sigma);
      if (reason) throw new DifflowError(`${reason}, or keep the time grid off t = ${t} on '${schedule.name}'`);
      const out = model(z, t);
      const convert = (output: Float64Array) => {
        if (output.length !== z.length)
          throw new DifflowError(
            `the model returned ${output.length} values for a z of ${z.length} values (it must return one per entry of z)`,
          );
        return toXEps(kind, output, z, alpha, sigma);
      };
      return out instanceof Promise ? out.then(convert) : convert(out);
    },
  };
}

/**
 * The same denoiser used on another schedule: at target time t it evaluates the source at the time with
 * the same λ and rescales z by the ratio of the two schedules' scales. x̂ and ε̂ depend only on λ and the
 * normalised z, so they carry over unchanged (FRAMEWORK.md §2, rescaling).
 * @example
 * ```ts
 * import { cosine, flowMatching, gaussian, mixtureOracle, onSchedule } from 'difflow';
 * const oracle = mixtureOracle(gaussian([0], 1), flowMatching());
 * const onCosine = onSchedule(oracle, cosine());
 * const z = Float64Array.of(1);
 * (await onCosine.denoise(z, 0.5)).x[0]; // → 0.7071
 * mixtureOracle(gaussian([0], 1), cosine()).denoise(z, 0.5).x[0]; // → 0.7071
 * ```
 */
export function onSchedule(source: Denoiser, target: Schedule): Denoiser {
  const from = source.schedule;
  return {
    schedule: target,
    denoise(z, t) {
      const tSource = from.tOfLambda(target.lambda(t));
      const k = (from.alpha(tSource) + from.sigma(tSource)) / (target.alpha(t) + target.sigma(t));
      if (k === 1) return source.denoise(z, tSource);
      const zSource = new Float64Array(z.length);
      for (let i = 0; i < z.length; i++) zSource[i] = k * z[i];
      return source.denoise(zSource, tSource);
    },
  };
}

/**
 * x̂ clipped to the data range [lo, hi] (DDPM's clip_denoised, for bounded data such as pixels in [−1, 1]),
 * with ε̂ = (z − α x̂)/σ recomputed so that z = α x̂ + σ ε̂ still holds. It tames the one place where an
 * ε-output is ill-conditioned: x̂ = (z − σ ε̂)/α multiplies the network's error by 1/α near α = 0. Where
 * σ = 0 (t = 0) ε̂ is left as it was.
 * @example
 * ```ts
 * import { clipDenoised, flowMatching, gaussian, mixtureOracle } from 'difflow';
 * const oracle = mixtureOracle(gaussian([0], 1), flowMatching());
 * const clipped = clipDenoised(oracle, -1, 1);
 * (await clipped.denoise(Float64Array.of(3), 0.5)).x[0]; // → 1
 * ```
 */
export function clipDenoised(source: Denoiser, lo = -1, hi = 1): Denoiser {
  if (!(lo < hi)) throw new DifflowError(`clipDenoised: the range [${lo}, ${hi}] is empty`);
  const clip = (d: Denoised, z: Float64Array, t: number): Denoised => {
    const alpha = source.schedule.alpha(t);
    const sigma = source.schedule.sigma(t);
    const x = d.x.map((v) => Math.min(hi, Math.max(lo, v)));
    const eps = sigma > 0 ? z.map((zi, i) => (zi - alpha * x[i]) / sigma) : d.eps;
    return { x, eps };
  };
  return {
    schedule: source.schedule,
    denoise(z, t) {
      const d = source.denoise(z, t);
      return d instanceof Promise ? d.then((r) => clip(r, z, t)) : clip(d, z, t);
    },
  };
}
