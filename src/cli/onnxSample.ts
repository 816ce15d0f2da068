/**
 * `difflow sample --onnx model.onnx --scheduler-config scheduler_config.json`: an external ONNX denoiser
 * (diffusers' call convention) sampled from a diffusers scheduler config, with the config's own sampler
 * (`fromDiffusersConfig(…).run`) or any difflow sampler on the translated schedule, grid and output.
 */
import { extname } from 'node:path';
import { DifflowError, SAMPLERS, SAMPLER_NAMES, checkName, rng, samplersReading } from '../core/index.js';
import type { DiffusersConfig } from '../core/interop/index.js';
import { fromDiffusersConfig } from '../core/interop/index.js';
import { TENSOR_TYPES, type TypedTensor } from '../engine/runtime.js';
import { writeAtomic } from '../io/atomic.js';
import { loadOnnxDenoiser } from '../node/loadOnnxDenoiser.js';
import { typedTensor } from '../training/onnxSignature.js';
import type { Command } from 'commander';
import { sampleCommand } from './modelCommands.js';
import { checkSamplerFlags } from './samplerFlags.js';
import { derivedRng } from './seeds.js';
import { checkOutputFile, readRegularFile } from '../io/files.js';
import { imageGridPng, scatterPng } from './png.js';

export interface OnnxSampleOptions {
  readonly onnx: string;
  readonly schedulerConfig?: string;
  /** A difflow sampler; undefined: the config's own. */
  readonly sampler?: string;
  readonly steps: number;
  /** Number of samples; default the model's fixed batch, else 16. */
  readonly n?: number;
  readonly seed: number;
  readonly eta?: number;
  readonly churn?: number;
  /** FlowMatchEulerDiscreteScheduler's dynamic shift (use_dynamic_shifting). */
  readonly mu?: number;
  readonly out: string;
  /** Conditioning inputs, `name=file.json` with {"type", "dims", "data"}. */
  readonly input?: readonly string[];
  /** The per-sample shape, `4,64,64`, where the model leaves it symbolic. */
  readonly shape?: string;
  /** ONNX Runtime threads; default: every core. */
  readonly threads?: number;
}

/** A JSON file given on the command line: a regular file of at most 64 MiB (io/files.ts), parsed. */
function readJson(what: string, path: string): unknown {
  const bytes = readRegularFile(path, `${what} file`, 64 * 2 ** 20);
  if (!bytes) throw new DifflowError(`cannot read ${what} '${path}': ENOENT`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new DifflowError(`${what} '${path}' is not valid JSON`);
  }
}

/** `name=file.json` → [name, tensor]; the file holds {"type": "int64", "dims": [n], "data": [...]}. */
function parseInput(spec: string): [string, TypedTensor] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new DifflowError(`--input takes name=file.json, got '${spec}'`);
  const [name, path] = [spec.slice(0, eq), spec.slice(eq + 1)];
  const t = readJson(`--input ${name}`, path) as { type?: unknown; dims?: unknown; data?: unknown };
  const type = t.type ?? 'float32';
  if (typeof type !== 'string' || !(TENSOR_TYPES as readonly string[]).includes(type))
    throw new DifflowError(`--input ${name}: type must be one of ${TENSOR_TYPES.join(', ')}`);
  const ok = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok(t.dims) || !ok(t.data)) throw new DifflowError(`--input ${name}: ${path} needs "dims" and "data" arrays of numbers`);
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (size !== t.data.length)
    throw new DifflowError(`--input ${name}: dims [${t.dims.join(', ')}] hold ${size} values, data has ${t.data.length}`);
  return [name, typedTensor(type, t.data, t.dims)];
}

function parseShape(spec: string): number[] {
  const shape = spec.split(',').map(Number);
  if (!shape.every((n) => Number.isInteger(n) && n > 0))
    throw new DifflowError(`--shape takes positive integers separated by commas, got '${spec}'`);
  return shape;
}

export async function onnxSampleCommand(o: OnnxSampleOptions, log: (line: string) => void): Promise<void> {
  if (!o.schedulerConfig) throw new DifflowError('--onnx needs --scheduler-config scheduler_config.json');
  const ext = extname(o.out).toLowerCase();
  if (!['.json', '.png'].includes(ext)) throw new DifflowError(`--out must end in .json or .png, got '${o.out}'`);
  const sampler = o.sampler === undefined ? undefined : checkName('sampler', o.sampler, SAMPLER_NAMES);
  if (sampler) checkSamplerFlags(sampler, o);
  else if (o.churn !== undefined) throw new DifflowError(`--churn applies to --sampler ${samplersReading('churn').join(' or ')}`);
  checkOutputFile(o.out);
  const config = readJson('--scheduler-config', o.schedulerConfig) as DiffusersConfig;
  const translate = (sampleSize: number) => fromDiffusersConfig(config, { numInferenceSteps: o.steps, mu: o.mu, sampleSize });
  // Checked before the model is loaded; dynamic thresholding needs the values per sample, known from the model.
  let plan = translate(1);
  const denoiser = await loadOnnxDenoiser(o.onnx, {
    schedule: plan.schedule,
    output: (F, z, t) => plan.predict(F, z, t),
    time: (t) => plan.modelTime(t),
    inputScale: (t) => plan.inputScale(t),
    inputs: Object.fromEntries((o.input ?? []).map(parseInput)),
    shape: o.shape === undefined ? undefined : parseShape(o.shape),
    spinning: 'auto',
    threads: o.threads,
  });
  try {
    const { dim, batch, sample } = denoiser.signature;
    plan = translate(dim);
    const n = o.n ?? batch ?? 16;
    const noise = rng(o.seed)
      .normals(n * dim)
      .map((v) => v * plan.initNoiseSigma);
    const started = performance.now();
    const samples = sampler
      ? await SAMPLERS[sampler](denoiser, noise, plan.grid, { rng: derivedRng(o.seed, 1), eta: o.eta, churn: o.churn })
      : await plan.run((x, t) => denoiser.model(x, t), noise, { eta: o.eta, rng: derivedRng(o.seed, 1) });
    const seconds = (performance.now() - started) / 1000;
    const shape = [n, ...(o.shape === undefined ? sample.dims.slice(1) : parseShape(o.shape))] as number[];
    const how = sampler ? `difflow's ${sampler} on ${plan.className}'s schedule and grid` : plan.className;
    if (ext === '.json') {
      writeAtomic(
        o.out,
        JSON.stringify({
          scheduler: plan.className,
          sampler: sampler ?? plan.className,
          steps: o.steps,
          seed: o.seed,
          timesteps: Array.from(plan.timesteps),
          shape,
          samples: Array.from(samples),
        }),
      );
    } else if (dim === 2) {
      writeAtomic(o.out, scatterPng([{ points: samples, color: [0, 114, 178] }]));
    } else if (shape.length === 4 && shape[1] === 1) {
      const cols = Math.ceil(Math.sqrt(n));
      const rows = Math.ceil(n / cols);
      const tiles = new Float64Array(rows * cols * dim).fill(1); // a short last row is white
      tiles.set(samples);
      writeAtomic(o.out, imageGridPng(tiles, rows, cols, { height: shape[2], width: shape[3] }));
    } else {
      throw new DifflowError(
        `a .png shows 2-D points or one-channel images, not samples of shape [${shape.slice(1).join(', ')}]: write .json`,
      );
    }
    const calls = sampler ? '' : ` (${plan.timesteps.length} model calls)`;
    log(`${n} samples of [${shape.slice(1).join(', ')}] with ${how}, ${o.steps} steps${calls} in ${seconds.toFixed(2)} s → ${o.out}`);
  } finally {
    await denoiser.release();
  }
}

type RunSampleOptions = Parameters<typeof sampleCommand>[0];

/** What `difflow sample` parses: a run's options and --onnx's, sampler and n without defaults. */
export type SampleCliOptions = Omit<RunSampleOptions, 'model' | 'sampler' | 'n'> &
  Omit<OnnxSampleOptions, 'onnx'> & { readonly model?: string; readonly onnx?: string; readonly n?: number };

/** `difflow sample` on a run folder (--model) or an external ONNX model (--onnx); options of the other kind are refused. */
export function sampleOrOnnx(o: SampleCliOptions, command: Command, log: (line: string) => void): Promise<void> {
  const given = (keys: string[]) =>
    keys.filter((k) => command.getOptionValueSource(k) === 'cli').map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  const applies = (options: string[], to: string) => `${options.join(', ')} appl${options.length > 1 ? 'y' : 'ies'} to ${to}`;
  if (o.onnx !== undefined) {
    if (o.model !== undefined) throw new DifflowError('give --model or --onnx, not both');
    const runOnly = given(['grid', 'guidance', 'perClass', 'clipX', 'ema']);
    if (runOnly.length) throw new DifflowError(`${applies(runOnly, '--model runs')}, not to --onnx`);
    return onnxSampleCommand({ ...o, onnx: o.onnx }, log);
  }
  if (o.model === undefined) throw new DifflowError('sample needs --model <run folder> or --onnx <model.onnx>');
  const onnxOnly = given(['schedulerConfig', 'input', 'shape', 'mu']);
  if (onnxOnly.length) throw new DifflowError(`${applies(onnxOnly, '--onnx')}, not to --model runs`);
  return sampleCommand({ ...o, model: o.model, sampler: o.sampler ?? 'dpmpp2m' }, log);
}
