/** A training run's full configuration, validated, with defaults; stored in every checkpoint. */
import { OUTPUT_KINDS, type OutputKind } from '../core/outputs.js';
import { SCHEDULE_NAMES, type ScheduleName } from '../core/schedule/index.js';
import { DENSITY_NAMES, WEIGHTING_NAMES, type DensityName, type WeightingName } from '../core/training/index.js';
import { DifflowError, checkFinite, checkName, checkPositive } from '../core/validate.js';
import { ALL_DATA_NAMES, type DataName } from '../data/datasets.js';
import type { Spinning } from '../engine/runtime.js';
import { parseDecimal } from '../data/numbers.js';
import { lrScheduleName, type LrScheduleName } from './learningRate.js';

/** The networks: an MLP for 2-D data; a U-Net or a DiT-style transformer for images. */
export type ModelName = 'mlp' | 'unet' | 'dit';
export const MODEL_NAMES: readonly ModelName[] = ['mlp', 'unet', 'dit'];
/** The image model used unless --model says otherwise (the better one per CPU-minute, see README). */
export const DEFAULT_IMAGE_MODEL: ModelName = 'unet';
/** Image data sets (the rest are 2-D point sets). */
export const IMAGE_DATA: readonly string[] = ['fashion-mnist'];

export interface TrainConfig {
  readonly data: DataName;
  readonly model: ModelName;
  readonly schedule: ScheduleName;
  readonly output: OutputKind;
  readonly weighting: WeightingName;
  /** b of the sigmoid weighting. */
  readonly bias: number;
  readonly density: DensityName;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly eps: number;
  readonly warmup: number;
  /** After the warm-up: a constant learning rate, or a cosine decay to 0 at the last step (learningRate.ts). */
  readonly lrSchedule: LrScheduleName;
  /** MLP width, U-Net channels at full resolution, or DiT width. */
  readonly hidden: number;
  /** MLP hidden layers or DiT blocks (unused by the U-Net). */
  readonly layers: number;
  /** MLP: Fourier-feature frequencies of z (0: raw coordinates only; src/models/mlp.ts). */
  readonly fourier: number;
  /** Class-conditional models: the probability that a training label is replaced by the null class (for CFG). */
  readonly labelDropout: number;
  /** The EMA's decay (after its warm-up). */
  readonly emaDecay: number;
  readonly seed: number;
  readonly checkpointEvery: number;
  readonly threads: number | undefined;
  /** ONNX Runtime's threads spin between ops (faster on an idle machine, slower when cores are shared); 'auto' decides at start. */
  readonly spinning: Spinning;
  /** Data read from a file: the SHA-256 (hex) of its bytes when training started; the file is refused if it changes. */
  readonly dataSha256?: string;
}

/** Seeds are integers in [0, 2⁵³): every one of them is exact in a double and gets its own stream. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Config keys whose command-line flag is another word: the network is `--network`, its output kind `--prediction`. */
export const FLAG_OF_KEY: Readonly<Record<string, string>> = { model: '--network', output: '--prediction' };

/** The command-line flag of a config key: `emaDecay` → `--ema-decay`, `model` → `--network`. */
export function flagName(key: string): string {
  return FLAG_OF_KEY[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The natural weighting of each output (its plain MSE under uniform t on its usual schedule). */
export const NATURAL_WEIGHTING: Record<OutputKind, WeightingName> = { u: 'fm', eps: 'eps-cosine', v: 'v-cosine', x: 'edm' };

export const DEFAULTS: TrainConfig = {
  data: 'moons',
  model: 'mlp',
  schedule: 'fm',
  output: 'u',
  weighting: 'fm',
  bias: 0,
  density: 'uniform',
  steps: 5000,
  batch: 1024,
  lr: 1e-3,
  weightDecay: 0,
  eps: 1e-8,
  warmup: 100,
  lrSchedule: 'constant',
  hidden: 256,
  layers: 3,
  fourier: 0,
  labelDropout: 0.1,
  emaDecay: 0.999,
  seed: 0,
  checkpointEvery: 500,
  threads: undefined,
  spinning: 'auto',
};

/** Per-model defaults of the settings whose good values depend on the network. */
export const MODEL_DEFAULTS: Record<
  ModelName,
  Pick<TrainConfig, 'hidden' | 'layers' | 'batch' | 'lr' | 'steps' | 'warmup' | 'checkpointEvery'>
> = {
  mlp: { hidden: 256, layers: 3, batch: 1024, lr: 1e-3, steps: 5000, warmup: 100, checkpointEvery: 500 },
  unet: { hidden: 32, layers: 0, batch: 64, lr: 1e-3, steps: 4000, warmup: 200, checkpointEvery: 200 },
  dit: { hidden: 128, layers: 6, batch: 64, lr: 1e-3, steps: 4000, warmup: 200, checkpointEvery: 200 },
};

/** --spinning: auto (or absent), always/true (also the bare flag), never/false. */
function spinningOption(v: unknown): Spinning {
  if (v === true || v === 'true' || v === 'always') return true;
  if (v === false || v === 'false' || v === 'never') return false;
  if (v === 'auto') return 'auto';
  throw new DifflowError(`--spinning must be auto, always or never, got '${v}'`);
}

function sha256Hex(v: unknown): string {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v))
    throw new DifflowError(`dataSha256 must be 64 hex digits, got ${JSON.stringify(v)}`);
  return v;
}

/** Throws unless `n` is an integer ≥ `min` that a double holds exactly (below 2⁵³). */
function checkCount(flag: string, n: number, min = 1): void {
  if (!Number.isSafeInteger(n) || n < min) throw new DifflowError(`${flag} must be an integer ≥ ${min} (and below 2^53), got ${n}`);
}

/** Validates a partial configuration (e.g. from CLI flags) and fills in the defaults. */
export function makeConfig(partial: Partial<Record<keyof TrainConfig, unknown>>): TrainConfig {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const image = IMAGE_DATA.includes(String(given.data));
  const model = checkName('network', String(given.model ?? (image ? DEFAULT_IMAGE_MODEL : 'mlp')), MODEL_NAMES);
  if (image !== (model !== 'mlp')) {
    throw new DifflowError(
      image
        ? `--network ${model}: images need an image model (unet or dit)`
        : `--network ${model} is an image model; the 2-D data '${given.data ?? DEFAULTS.data}' needs --network mlp`,
    );
  }
  const c = { ...DEFAULTS, ...MODEL_DEFAULTS[model], ...given, model } as Record<keyof TrainConfig, unknown>;
  const num = (k: keyof TrainConfig) => {
    const v = typeof c[k] === 'number' ? c[k] : parseDecimal(String(c[k]));
    if (Number.isNaN(v)) throw new DifflowError(`${flagName(k)} must be a number, got '${c[k]}'`);
    return v;
  };
  const config: TrainConfig = {
    data:
      /\.(json|csv)$/i.test(String(c.data)) || c.data === 'points'
        ? (String(c.data) as DataName)
        : checkName('data set', String(c.data), ALL_DATA_NAMES),
    model,
    schedule: checkName('schedule', String(c.schedule), SCHEDULE_NAMES),
    output: checkName('prediction', String(c.output), OUTPUT_KINDS),
    weighting: checkName('weighting', String(c.weighting), WEIGHTING_NAMES),
    bias: num('bias'),
    density: checkName('time density', String(c.density), DENSITY_NAMES),
    steps: num('steps'),
    batch: num('batch'),
    lr: num('lr'),
    weightDecay: num('weightDecay'),
    eps: num('eps'),
    warmup: num('warmup'),
    lrSchedule: lrScheduleName(c.lrSchedule),
    hidden: num('hidden'),
    layers: num('layers'),
    fourier: num('fourier'),
    labelDropout: num('labelDropout'),
    emaDecay: num('emaDecay'),
    seed: num('seed'),
    checkpointEvery: num('checkpointEvery'),
    threads: c.threads === undefined ? undefined : num('threads'),
    spinning: spinningOption(c.spinning),
    ...(c.dataSha256 === undefined ? {} : { dataSha256: sha256Hex(c.dataSha256) }),
  };
  checkCount('--steps', config.steps);
  checkCount('--batch', config.batch);
  checkCount('--hidden', config.hidden);
  checkCount('--layers', config.layers, model === 'unet' ? 0 : 1);
  checkCount('--fourier', config.fourier, 0);
  if (config.fourier > 0 && model !== 'mlp') throw new DifflowError(`--fourier is an MLP option; the ${model} takes images as they are`);
  if (!(config.labelDropout >= 0 && config.labelDropout < 1))
    throw new DifflowError(`--label-dropout must be in [0, 1), got ${config.labelDropout}`);
  if (!(config.emaDecay >= 0 && config.emaDecay < 1)) throw new DifflowError(`--ema-decay must be in [0, 1), got ${config.emaDecay}`);
  if (!Number.isSafeInteger(config.seed) || config.seed < 0)
    throw new DifflowError(`--seed must be an integer in [0, 2^53), got ${config.seed}`);
  checkCount('--warmup', config.warmup, 0);
  checkCount('--checkpoint-every', config.checkpointEvery);
  if (config.threads !== undefined) checkCount('--threads', config.threads);
  checkFinite('--bias', config.bias);
  checkFinite('--weight-decay', config.weightDecay, 0);
  checkPositive('--eps', config.eps);
  if (!(config.lr > 0) || !Number.isFinite(config.lr)) {
    throw new DifflowError(`--lr must be a finite number > 0 (a zero learning rate never trains), got ${config.lr}`);
  }
  return config;
}

/** What a resumed run may change: its length, learning rate, checkpoint interval and threads. */
export const RESUMABLE_KEYS: readonly (keyof TrainConfig)[] = ['steps', 'lr', 'checkpointEvery', 'threads', 'spinning'];

/**
 * The config of a resumed run: the saved one with the given flags applied. Refuses, naming each, flags that
 * would change the recipe (data, network, schedule, output, weighting, batch, seed, …) rather than ignore them.
 */
export function resumeConfig(saved: TrainConfig, flags: Partial<Record<keyof TrainConfig, unknown>>): TrainConfig {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as Partial<Record<keyof TrainConfig, unknown>>;
  const merged = makeConfig({ ...saved, ...given });
  const changed = (Object.keys(given) as (keyof TrainConfig)[]).filter((k) => !RESUMABLE_KEYS.includes(k) && merged[k] !== saved[k]);
  if (changed.length > 0) {
    const what = changed.map((k) => `${flagName(k)} ${String(merged[k])} (was ${String(saved[k])})`).join(', ');
    throw new DifflowError(
      `--resume continues the saved recipe and cannot change ${what}; only ${RESUMABLE_KEYS.map(flagName).join(', ')} may change`,
    );
  }
  return merged;
}
