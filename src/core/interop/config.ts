/**
 * Reading a diffusers `scheduler_config.json` at the boundary: every key a class takes is parsed against a
 * typed spec (its diffusers default, its valid values, and whether difflow supports values other than the
 * default); `null` means the default, as in diffusers. Keys that belong to other diffusers schedulers are
 * ignored, as diffusers ignores them; keys starting with `_` are metadata; anything else is an error.
 */
import { DifflowError } from '../validate.js';

/** The parsed JSON of a scheduler_config.json. */
export type DiffusersConfig = Readonly<Record<string, unknown>>;

/** One config key: its default and a parser that names the key in its error. */
export interface Key<T> {
  readonly default: T;
  readonly doc: string;
  /** What difflow accepts, in words (e.g. `"linear", "scaled_linear"` or `number`). */
  readonly accepts: string;
  /** The key does not change the numbers. */
  readonly inert?: boolean;
  parse(where: string, value: unknown): T;
}

export type KeyTable = Readonly<Record<string, Key<unknown>>>;
export type Parsed<K extends KeyTable> = { readonly [P in keyof K]: K[P] extends Key<infer T> ? T : never };

const show = (v: unknown) => JSON.stringify(v);

export function num(d: number, doc: string): Key<number> {
  return {
    default: d,
    doc,
    accepts: 'number',
    parse(where, v) {
      if (typeof v !== 'number' || Number.isNaN(v)) throw new DifflowError(`${where} must be a number, got ${show(v)}`);
      return v;
    },
  };
}

export function int(d: number, doc: string, min = 0): Key<number> {
  return {
    default: d,
    doc,
    accepts: `integer ≥ ${min}`,
    parse(where, v) {
      if (!Number.isInteger(v) || (v as number) < min) throw new DifflowError(`${where} must be an integer ≥ ${min}, got ${show(v)}`);
      return v as number;
    },
  };
}

export function bool(d: boolean, doc: string): Key<boolean> {
  return {
    default: d,
    doc,
    accepts: 'true, false',
    parse(where, v) {
      if (typeof v !== 'boolean') throw new DifflowError(`${where} must be true or false, got ${show(v)}`);
      return v;
    },
  };
}

/** A key whose valid values difflow supports; `unsupported` lists diffusers values difflow refuses. */
export function oneOf<T extends string | number | boolean | null>(
  d: T,
  valid: readonly T[],
  doc: string,
  unsupported: readonly unknown[] = [],
): Key<T> {
  return {
    default: d,
    doc,
    accepts: valid.map(show).join(', '),
    parse(where, v) {
      if ((valid as readonly unknown[]).includes(v)) return v as T;
      const why = unsupported.includes(v) ? 'is not supported by difflow' : 'is not a valid value';
      throw new DifflowError(`${where} = ${show(v)} ${why}; supported: ${valid.map(show).join(', ')}`);
    },
  };
}

/** A number or null (diffusers' optional numbers, e.g. Euler's sigma_min). */
export function optionalNum(doc: string): Key<number | null> {
  const n = num(0, doc);
  return { default: null, doc, accepts: 'number or null', parse: (where, v) => n.parse(where, v) };
}

/** A list of numbers or null (trained_betas). */
export function numbers(doc: string): Key<readonly number[] | null> {
  return {
    default: null,
    doc,
    accepts: 'list of numbers or null',
    parse(where, v) {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new DifflowError(`${where} must be a list of numbers, got ${show(v).slice(0, 60)}`);
      }
      return v as number[];
    },
  };
}

/** A key that does not change the numbers (documented as such, any value accepted). */
export function inert(doc: string): Key<unknown> {
  return { default: undefined, doc, accepts: 'any', inert: true, parse: (_, v) => v };
}

/** A diffusers option difflow supports only at its default (switched off). */
export function onlyDefault<T extends boolean | null>(d: T, doc: string): Key<T> {
  return {
    default: d,
    doc,
    accepts: show(d),
    parse(where, v) {
      if (v === d) return d;
      throw new DifflowError(`${where} = ${show(v)} is not supported by difflow; supported: ${show(d)}`);
    },
  };
}

export const onlyFalse = (doc: string) => onlyDefault(false, doc);

/**
 * Keys of diffusers schedulers that difflow does not translate; diffusers ignores a key its class does not
 * take (with a warning), so a config written for another class may carry them.
 */
const OTHER_SCHEDULERS_KEYS = [
  'skip_prk_steps',
  'solver_type',
  'algorithm_type',
  'solver_order',
  'predict_x0',
  'disable_corrector',
  'solver_p',
  'use_beta_sigmas',
  'use_exponential_sigmas',
  'use_flow_sigmas',
  'flow_shift',
  'snr',
  'original_inference_steps',
  'timestep_scaling',
  'noise_sampler_seed',
  's_noise',
  'clip_denoised',
  'set_alpha_to_one',
  'clip_sample',
  'clip_sample_range',
  'thresholding',
  'dynamic_thresholding_ratio',
  'sample_max_value',
  'variance_type',
  'use_karras_sigmas',
  'use_lu_lambdas',
  'final_sigmas_type',
  'lower_order_final',
  'euler_at_final',
  'lambda_min_clipped',
  'interpolation_type',
  'timestep_type',
  'sigma_min',
  'sigma_max',
  'sigma_data',
  'sigma_schedule',
  'rho',
  'shift',
  'use_dynamic_shifting',
  'base_shift',
  'max_shift',
  'base_image_seq_len',
  'max_image_seq_len',
  'invert_sigmas',
  'shift_terminal',
  'time_shift_type',
  'stochastic_sampling',
  'steps_offset',
  'timestep_spacing',
  'rescale_betas_zero_snr',
  'trained_betas',
  'beta_schedule',
  'beta_start',
  'beta_end',
  'num_train_timesteps',
  'prediction_type',
];

/** Parses `config` against a class's key table (missing and null keys take diffusers' defaults). */
export function readConfig<K extends KeyTable>(className: string, config: DiffusersConfig, keys: K): Parsed<K> {
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(keys)) {
    const v = config[name];
    out[name] = v === undefined || v === null ? key.default : key.parse(`${className}.${name}`, v);
  }
  for (const name of Object.keys(config)) {
    if (name.startsWith('_') || name in keys || OTHER_SCHEDULERS_KEYS.includes(name)) continue;
    throw new DifflowError(`unknown key '${name}' in the ${className} config; its keys: ${Object.keys(keys).join(', ')}`);
  }
  return out as Parsed<K>;
}

/** The number a config key gives, or a one-line error when a required option is missing. */
export function required<T>(what: string, value: T | undefined | null): T {
  if (value === undefined || value === null) throw new DifflowError(`${what} is required`);
  return value;
}
