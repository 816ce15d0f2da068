/** A training run's full configuration, validated, with defaults; stored in every checkpoint. */
import { OUTPUT_KINDS, type OutputKind } from '../core/outputs.js';
import { SCHEDULE_NAMES, type ScheduleName } from '../core/schedule/index.js';
import { DENSITY_NAMES, WEIGHTING_NAMES, type DensityName, type WeightingName } from '../core/training/index.js';
import { DifflowError, checkFinite, checkInteger, checkName, checkPositive } from '../core/validate.js';
import { DATA_NAMES, type DataName } from '../data/datasets.js';

export interface TrainConfig {
  readonly data: DataName;
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
  readonly hidden: number;
  readonly layers: number;
  readonly seed: number;
  readonly checkpointEvery: number;
  readonly threads: number | undefined;
  /** Let ONNX Runtime's idle threads spin (faster on an idle machine, slower when cores are shared). */
  readonly spinning: boolean;
}

/** The natural weighting of each output (its plain MSE under uniform t on its usual schedule). */
export const NATURAL_WEIGHTING: Record<OutputKind, WeightingName> = { u: 'fm', eps: 'eps-cosine', v: 'v-cosine', x: 'edm' };

export const DEFAULTS: TrainConfig = {
  data: 'moons', schedule: 'fm', output: 'u', weighting: 'fm', bias: 0, density: 'uniform', steps: 5000, batch: 1024,
  lr: 1e-3, weightDecay: 0, eps: 1e-8, warmup: 100, hidden: 256, layers: 3, seed: 0, checkpointEvery: 500, threads: undefined, spinning: false,
};

/** Validates a partial configuration (e.g. from CLI flags) and fills in the defaults. */
export function makeConfig(partial: Partial<Record<keyof TrainConfig, unknown>>): TrainConfig {
  const c = { ...DEFAULTS, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) } as Record<keyof TrainConfig, unknown>;
  const num = (k: keyof TrainConfig) => {
    const v = Number(c[k]);
    if (Number.isNaN(v)) throw new DifflowError(`--${k} must be a number, got '${c[k]}'`);
    return v;
  };
  const config: TrainConfig = {
    data: /\.(json|csv)$/i.test(String(c.data)) || c.data === 'points' ? (String(c.data) as DataName) : checkName('data set', String(c.data), DATA_NAMES),
    schedule: checkName('schedule', String(c.schedule), SCHEDULE_NAMES),
    output: checkName('output', String(c.output), OUTPUT_KINDS),
    weighting: checkName('weighting', String(c.weighting), WEIGHTING_NAMES),
    bias: num('bias'),
    density: checkName('time density', String(c.density), DENSITY_NAMES),
    steps: num('steps'), batch: num('batch'), lr: num('lr'), weightDecay: num('weightDecay'), eps: num('eps'),
    warmup: num('warmup'), hidden: num('hidden'), layers: num('layers'), seed: num('seed'),
    checkpointEvery: num('checkpointEvery'),
    threads: c.threads === undefined ? undefined : num('threads'),
    spinning: c.spinning === true || c.spinning === 'true',
  };
  checkInteger('--steps', config.steps);
  checkInteger('--batch', config.batch);
  checkInteger('--hidden', config.hidden);
  checkInteger('--layers', config.layers);
  checkInteger('--seed', config.seed, 0);
  checkInteger('--warmup', config.warmup, 0);
  checkInteger('--checkpoint-every', config.checkpointEvery);
  if (config.threads !== undefined) checkInteger('--threads', config.threads);
  checkFinite('--bias', config.bias);
  checkFinite('--weight-decay', config.weightDecay, 0);
  checkPositive('--eps', config.eps);
  if (!(config.lr > 0) || !Number.isFinite(config.lr)) {
    throw new DifflowError(`--lr must be a finite number > 0 (a zero learning rate never trains), got ${config.lr}`);
  }
  return config;
}
