/**
 * Any ONNX model as a difflow denoiser: a diffusers UNet exported with torch.onnx.export, an EDM network, a
 * flow-matching transformer. The model's sample, timestep and output are found in the model (onnxSignature);
 * the caller says how difflow's time and sample map onto the model's (`time`, `inputScale`) and what the
 * output is on which schedule. Every difflow sampler then runs it unchanged. No `node:` imports: give it a
 * Runtime (nodeRuntime, webRuntime()) and the model's bytes; `loadOnnxDenoiser` in Node reads a path.
 */
import { denoiserFromModel, type Denoised, type Denoiser } from '../core/denoiser.js';
import type { OutputKind } from '../core/outputs.js';
import type { Schedule } from '../core/schedule/index.js';
import { DifflowError, checkInteger } from '../core/validate.js';
import type { Runtime, RuntimeOptions, TypedTensor } from '../engine/runtime.js';
import { floatValues, readSignature, rows, typedTensor, type Signature, type SignatureNames } from './onnxSignature.js';

export interface OnnxDenoiserOptions {
  /** The schedule whose z the model's sample is (after `inputScale`), e.g. `ddpm({ table: 'scaled_linear' })`. */
  readonly schedule: Schedule;
  /**
   * What the output is: an output kind on `schedule`, or the conversion of the raw output F at (z, t) into
   * x̂, ε̂ (e.g. EDM's x̂ = c_skip·z + c_out·F).
   */
  readonly output: OutputKind | ((output: Float64Array, z: Float64Array, t: number) => Denoised);
  /**
   * The model's time input at schedule time t: diffusers' DDPM timestep t·T − 1 on `ddpm()` (knot k + 1 is
   * timestep k), EDM's c_noise = ln(σ)/4, FlowMatch's t·1000. An integer timestep input gets the nearest
   * integer.
   */
  readonly time: (t: number) => number;
  /** The factor the sample is multiplied by before the model sees it (diffusers' scale_model_input, EDM's c_in); default 1. */
  readonly inputScale?: (t: number) => number;
  /**
   * Conditioning inputs passed through (`encoder_hidden_states`, `class_labels`, …): a tensor whose first
   * dimension is the number of samples is cut into the same chunks as the sample; any other is given whole
   * to every call.
   */
  readonly inputs?: Readonly<Record<string, TypedTensor>>;
  /** The sample, timestep and output names, where the model's names do not tell. */
  readonly names?: SignatureNames;
  /** The per-sample shape, where the model leaves it symbolic (e.g. [4, 64, 64]). */
  readonly shape?: readonly number[];
  /** A symbolic-batch model's largest batch per run (default 256); a fixed-batch model runs its own batch. */
  readonly chunk?: number;
}

export interface OnnxDenoiser extends Denoiser {
  readonly signature: Signature;
  /**
   * The network as diffusers calls it: its raw output for an already scaled sample at a model-time value
   * (for `fromDiffusersConfig(…).run`). @param sample [batch·dim]
   */
  model(sample: ArrayLike<number>, timestep: number): Promise<Float64Array>;
  /** The same model and session with other conditioning inputs (e.g. the unconditional half of guidance). */
  withInputs(inputs: Readonly<Record<string, TypedTensor>>): OnnxDenoiser;
  /** Releases the ONNX Runtime session (shared by every `withInputs` copy). */
  release(): Promise<void>;
}

export async function onnxDenoiser(
  runtime: Runtime,
  bytes: Uint8Array,
  options: OnnxDenoiserOptions & RuntimeOptions,
): Promise<OnnxDenoiser> {
  const { schedule, output, time, inputScale, inputs = {}, names, shape, chunk = 256, ...runtimeOptions } = options;
  checkInteger('chunk', chunk);
  const session = await runtime.createSession(bytes, runtimeOptions);
  let signature: Signature;
  try {
    signature = readSignature(session, Object.keys(inputs), names, shape);
  } catch (e) {
    await session.release();
    throw e;
  }
  const { dim, batch } = signature;

  const make = (conditioning: Readonly<Record<string, TypedTensor>>): OnnxDenoiser => {
    const model = async (sample: ArrayLike<number>, timestep: number): Promise<Float64Array> => {
      const n = sample.length / dim;
      if (!Number.isInteger(n) || n === 0)
        throw new DifflowError(`a sample of ${sample.length} values is not a batch of samples of ${dim} values`);
      const out = new Float64Array(n * dim);
      const size = batch ?? Math.min(chunk, n);
      for (let start = 0; start < n; start += size) {
        const count = Math.min(size, n - start);
        const rowsIn = batch ?? count; // a fixed batch is padded with zeros, a symbolic one takes the rows left
        const x = new Float64Array(rowsIn * dim);
        for (let i = 0; i < count * dim; i++) x[i] = sample[start * dim + i];
        const feeds: Record<string, TypedTensor> = {
          [signature.sample.name]: typedTensor(signature.sample.type, x, [rowsIn, ...sampleDims(signature, shape)]),
          [signature.timestep.name]: timestepTensor(signature, timestep, rowsIn),
        };
        for (const [name, t] of Object.entries(conditioning)) feeds[name] = t.dims[0] === n ? rows(t, start, count, rowsIn) : t;
        const result = (await session.runTensors(feeds))[signature.output.name];
        const values = floatValues(result);
        if (values.length !== rowsIn * dim) {
          throw new DifflowError(
            `the output '${signature.output.name}' has ${values.length / rowsIn} values per sample, ` +
              `the sample ${dim} (an output with learned variance channels is not a denoiser's prediction)`,
          );
        }
        out.set(values.subarray(0, count * dim), start * dim);
      }
      return out;
    };
    const scaled = (z: Float64Array, t: number) => {
      const c = inputScale ? inputScale(t) : 1;
      return c === 1 ? z : z.map((v) => c * v);
    };
    const denoiser =
      typeof output === 'function'
        ? { schedule, denoise: async (z: Float64Array, t: number) => output(await model(scaled(z, t), time(t)), z, t) }
        : denoiserFromModel((z, t) => model(scaled(z, t), time(t)), output, schedule);
    return {
      schedule,
      signature,
      denoise: denoiser.denoise,
      model,
      withInputs: (other) => {
        readSignature(session, Object.keys(other), names, shape);
        return make(other);
      },
      release: () => session.release(),
    };
  };
  return make(inputs);
}

/** The per-sample dimensions: the model's own, or `shape` where they are symbolic. */
function sampleDims(signature: Signature, shape: readonly number[] | undefined): number[] {
  return (shape ?? signature.sample.dims.slice(1)) as number[];
}

/** The timestep tensor: one value for all ([] or [1]) or one per sample ([n] or [n, 1]), in the model's element type. */
function timestepTensor(signature: Signature, timestep: number, n: number): TypedTensor {
  const { type, dims } = signature.timestep;
  if (signature.timestepPerSample) return typedTensor(type, new Float64Array(n).fill(timestep), [n, ...dims.slice(1).map(() => 1)]);
  return typedTensor(type, [timestep], dims as number[]);
}
