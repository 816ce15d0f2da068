/**
 * What an external ONNX denoiser takes and gives, read from the model itself: which input is the sample and
 * which the timestep, the per-sample shape, a fixed or symbolic batch, and the output; plus the typed-tensor
 * conversions around them. No `node:` imports (used in browsers too).
 */
import { DifflowError } from '../core/validate.js';
import type { Session, TypedTensor, TensorInfo, TensorType } from '../engine/runtime.js';
import { fromFloat16Bits, toFloat16Bits } from '../io/float16.js';

/** Input names taken for the timestep (diffusers' `timestep`, EDM's `sigma`/`c_noise`, plain `t`). */
const TIME_NAMES = /^(t|time|times|timestep|timesteps|sigma|sigmas|c_noise|noise_level)$/i;
const SAMPLE_NAMES = /^(sample|x|z|x_t|z_t|latents?|noisy_.*|input)$/i;

export interface SignatureNames {
  readonly sample?: string;
  readonly timestep?: string;
  readonly output?: string;
}

export interface Signature {
  readonly sample: TensorInfo;
  readonly timestep: TensorInfo;
  readonly output: TensorInfo;
  /** Values per sample: the product of the sample input's dimensions after the batch. */
  readonly dim: number;
  /** The model's fixed batch size, or undefined when the batch dimension is symbolic. */
  readonly batch: number | undefined;
  /** Whether the timestep has one value per sample ([batch] or [batch, 1]) rather than one for all ([] or [1]). */
  readonly timestepPerSample: boolean;
}

const FLOATS: readonly string[] = ['float32', 'float16', 'float64'];
const TIMES: readonly string[] = [...FLOATS, 'int32', 'int64'];
const list = (infos: readonly TensorInfo[]) => infos.map((i) => `${i.name} (${i.type} [${i.dims.join(', ')}])`).join(', ');

/**
 * The sample, timestep and output of a session. Without names: the timestep is the one input named like a
 * time (t, timestep(s), sigma, c_noise, …), the sample the one float input left once the timestep and the
 * conditioning inputs (`given`) are set aside (or the one of them named like a sample), the output the
 * model's first output. `shape`: the per-sample shape, needed only where the model leaves it symbolic.
 */
export function readSignature(
  session: Session,
  given: readonly string[],
  names: SignatureNames = {},
  shape?: readonly number[],
): Signature {
  const inputs = session.inputs;
  const find = (what: string, name: string) => {
    const info = inputs.find((i) => i.name === name);
    if (!info) throw new DifflowError(`the model has no input '${name}' (the ${what}); its inputs: ${list(inputs)}`);
    return info;
  };
  for (const name of given) find('conditioning', name);
  const timeCandidates = inputs.filter((i) => TIME_NAMES.test(i.name) && !given.includes(i.name));
  if (!names.timestep && timeCandidates.length !== 1) {
    throw new DifflowError(
      `cannot tell which input is the timestep ` +
        `(${timeCandidates.length ? 'several are named like one' : 'none is named like one'}); name it. Inputs: ${list(inputs)}`,
    );
  }
  const timestep = names.timestep ? find('timestep', names.timestep) : timeCandidates[0];
  const rest = inputs.filter((i) => i !== timestep && !given.includes(i.name));
  // Of the inputs left, the sample is the only float one, or the one named like a sample.
  const floats = rest.filter((i) => FLOATS.includes(i.type));
  const guess = floats.length === 1 ? floats : floats.filter((i) => SAMPLE_NAMES.test(i.name));
  if (!names.sample && guess.length !== 1) {
    throw new DifflowError(
      `cannot tell which input is the sample: ` +
        `${rest.length ? `${list(rest)} are left` : 'no input is left'} once the timestep and conditioning ` +
        `inputs are set aside; pass the others as inputs or name the sample`,
    );
  }
  const sample = names.sample ? find('sample', names.sample) : guess[0];
  const missing = inputs.filter((i) => i !== sample && i !== timestep && !given.includes(i.name));
  if (missing.length) throw new DifflowError(`the model also needs ${list(missing)}: pass it as a conditioning input`);
  const output = names.output ? session.outputs.find((o) => o.name === names.output) : session.outputs[0];
  if (!output) throw new DifflowError(`the model has no output '${names.output}'; its outputs: ${list(session.outputs)}`);
  if (!FLOATS.includes(sample.type))
    throw new DifflowError(`the sample input '${sample.name}' is ${sample.type}; difflow feeds ${FLOATS.join(', ')}`);
  if (!FLOATS.includes(output.type))
    throw new DifflowError(`the output '${output.name}' is ${output.type}; difflow reads ${FLOATS.join(', ')}`);
  if (!TIMES.includes(timestep.type))
    throw new DifflowError(`the timestep input '${timestep.name}' is ${timestep.type}; difflow feeds ${TIMES.join(', ')}`);
  if (sample.dims.length < 2)
    throw new DifflowError(`the sample input '${sample.name}' has shape [${sample.dims.join(', ')}]; expected [batch, …]`);
  const perSample = sample.dims.slice(1);
  if (shape && (shape.length !== perSample.length || shape.some((n, i) => typeof perSample[i] === 'number' && perSample[i] !== n))) {
    throw new DifflowError(`shape [${shape.join(', ')}] does not fit the sample input '${sample.name}' [${sample.dims.join(', ')}]`);
  }
  const sizes = shape ?? perSample;
  if (sizes.some((n) => typeof n !== 'number' || !(n > 0))) {
    throw new DifflowError(`the sample input '${sample.name}' [${sample.dims.join(', ')}] leaves its per-sample shape open: give shape`);
  }
  const batch = typeof sample.dims[0] === 'number' && sample.dims[0] > 0 ? sample.dims[0] : undefined;
  const [first, ...others] = timestep.dims;
  if (others.some((d) => d !== 1))
    throw new DifflowError(
      `the timestep input '${timestep.name}' has shape [${timestep.dims.join(', ')}]; expected [], [1], [batch] or [batch, 1]`,
    );
  const timestepPerSample = first !== undefined && (first !== 1 || others.length > 0);
  return { sample, timestep, output, dim: (sizes as number[]).reduce((a, b) => a * b, 1), batch, timestepPerSample };
}

/** A tensor of element type `type` holding `values` (integer types round to the nearest integer). */
export function typedTensor(type: string, values: ArrayLike<number>, dims: readonly number[]): TypedTensor {
  switch (type as TensorType) {
    case 'float32':
      return { data: Float32Array.from(values), dims };
    case 'float16':
      return { type: 'float16', data: toFloat16Bits(values), dims };
    case 'float64':
      return { type: 'float64', data: Float64Array.from(values), dims };
    case 'int32':
      return { type: 'int32', data: Int32Array.from(values, Math.round), dims };
    case 'int64':
      return { type: 'int64', data: BigInt64Array.from(Array.from(values, (v) => BigInt(Math.round(v)))), dims };
  }
  throw new DifflowError(`cannot make a ${type} tensor`);
}

/** A float tensor's values as float64. */
export function floatValues(t: TypedTensor): Float64Array {
  if (t.type === 'float16') return Float64Array.from(fromFloat16Bits(t.data));
  if (t.type === 'int64') return Float64Array.from(t.data, Number);
  return Float64Array.from(t.data);
}

/**
 * Rows [start, start + count) of a batch-major tensor, zero-padded to `size` rows (a fixed-batch model's last
 * chunk).
 */
export function rows(t: TypedTensor, start: number, count: number, size = count): TypedTensor {
  const row = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const dims = [size, ...t.dims.slice(1)];
  const part = t.data.subarray(start * row, (start + count) * row);
  if (size === count) return { ...t, data: part, dims } as TypedTensor;
  const padded = new (t.data.constructor as new (length: number) => TypedTensor['data'])(size * row);
  // Same element type on both sides (the union of array types cannot say so).
  (padded as Float64Array).set(part as Float64Array);
  return { ...t, data: padded, dims } as TypedTensor;
}
