/** `difflow sample | eval | export` on a training run folder. */
import { extname } from 'node:path';
import {
  DifflowError,
  GRID_NAMES,
  SAMPLERS,
  checkName,
  safeTimeRange,
  energyDistance,
  logLikelihood,
  mixtureOracle,
  priorSample,
  rng,
  slicedWasserstein,
  type SamplerName,
} from '../core/index.js';
import { toOnnxAnyBatch } from '../engine/onnx.js';
import { buildForward } from '../models/denoiserGraph.js';
import { scatterChart } from '../figures/plot/index.js';
import { writeAtomic } from '../io/atomic.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { derivedRng } from './seeds.js';
import { checkOutputFile } from '../io/files.js';
import { checkMemory, samplingBytes } from '../node/resources.js';
import { checkSamplerFlags, refuseFlags } from './samplerFlags.js';
import { torchStateDict } from '../models/torchNames.js';
import { scatterPng } from './png.js';
import { fmt } from './table.js';
import { evalImageCommand, sampleImageCommand } from './imageCommands.js';
import { gridFor, loadModel, sampleModel, type LoadedModel } from './loadModel.js';

/** The options of `difflow sample`; those without a default are undefined unless given. */
export interface SampleFlags {
  model: string;
  sampler: string;
  steps: number;
  n?: number;
  out: string;
  grid: string;
  seed: number;
  eta?: number;
  churn?: number;
  ema: boolean;
  guidance?: number;
  perClass?: number;
  clipX?: boolean;
  threads?: number;
}

/** Options that only image models read. */
const IMAGE_FLAGS = ['guidance', 'perClass', 'clipX'] as const;

export async function sampleCommand(o: SampleFlags, log: (l: string) => void): Promise<void> {
  const sampler = checkName('sampler', o.sampler, Object.keys(SAMPLERS) as SamplerName[]);
  const grid = checkName('grid', o.grid, GRID_NAMES);
  checkSamplerFlags(sampler, o);
  const model = loadModel(o.model, o.ema, o.threads);
  if (model.net.image) {
    refuseFlags(o, ['n'], `does not apply to image models (${o.model}); use --per-class`);
    const perClass = o.perClass ?? 10;
    checkMemory(`--per-class ${perClass}`, samplingBytes(perClass * (model.net.classes ?? 1), model.net.dim, o.steps));
    await sampleImageCommand(
      model,
      { ...o, sampler, grid, perClass, guidance: o.guidance ?? 2, options: { eta: o.eta, churn: o.churn } },
      log,
    );
    return;
  }
  refuseFlags(o, IMAGE_FLAGS, `applies to image models only; ${o.model} is a 2-D model`);
  const n = o.n ?? 5000;
  const ext = extname(o.out).toLowerCase();
  if (!['.json', '.png', '.svg'].includes(ext)) throw new DifflowError(`--out must end in .json, .png or .svg, got '${o.out}'`);
  checkMemory(`--n ${n}`, samplingBytes(n, model.net.dim, o.steps));
  checkOutputFile(o.out);
  try {
    const started = performance.now();
    const samples = await sampleModel(model, sampler, o.steps, grid, n, o.seed, { eta: o.eta, churn: o.churn });
    const seconds = (performance.now() - started) / 1000;
    const data = model.dataset.sample(n, derivedRng(o.seed, 7));
    if (ext === '.json')
      writeAtomic(o.out, JSON.stringify({ sampler, steps: o.steps, grid, config: model.config, samples: Array.from(samples) }));
    else if (ext === '.png')
      writeAtomic(
        o.out,
        scatterPng([
          { points: data, color: [150, 150, 150] },
          { points: samples, color: [0, 114, 178] },
        ]),
      );
    else {
      const xs = (a: Float64Array) => a.filter((_, i) => i % 2 === 0);
      const ys = (a: Float64Array) => a.filter((_, i) => i % 2 === 1);
      writeAtomic(
        o.out,
        scatterChart({
          width: 520,
          height: 520,
          equalAspect: true,
          title: `${model.config.data}: ${sampler}, ${o.steps} steps`,
          points: [
            { name: 'data', x: xs(data), y: ys(data), color: '#999999', radius: 1.5, opacity: 0.4 },
            { name: 'samples', x: xs(samples), y: ys(samples), radius: 1.5, opacity: 0.6 },
          ],
        }),
      );
    }
    // The energy distance needs two samples of each side.
    const distance = n >= 2 ? ` (energy distance to data ${fmt(energyDistance(samples, data, 2))})` : '';
    log(`${n} samples with ${sampler}, ${o.steps} steps in ${seconds.toFixed(2)} s → ${o.out}${distance}`);
  } finally {
    await model.denoiser.release();
  }
}

export interface EvalResult {
  readonly energy: number;
  readonly sliced: number;
  readonly bitsPerDim: number | undefined;
  readonly nllNote?: string;
  readonly exact?: { energy: number; sliced: number; bitsPerDim: number };
}

/** Energy distance and sliced W2 of samples against fresh data; NLL in bits/dim of fresh data (PF-ODE). */
export async function evaluate(
  model: LoadedModel,
  o: { n: number; nll: number; sampler: SamplerName; steps: number; seed: number },
): Promise<EvalResult> {
  const dim = model.dataset.dim;
  const data = model.dataset.sample(o.n, derivedRng(o.seed, 100));
  const samples = await sampleModel(model, o.sampler, o.steps, 'uniform', o.n, o.seed);
  const energy = energyDistance(samples, data, dim);
  const sliced = slicedWasserstein(samples, data, dim, { rng: derivedRng(o.seed, 200) });
  const x = model.dataset.sample(o.nll, derivedRng(o.seed, 300));
  let bitsPerDim: number | undefined;
  let nllNote: string | undefined;
  try {
    // An ε-model has no x̂ where α = 0: stop just short of t = 1 there.
    const { tMax } = safeTimeRange(model.schedule, model.config.output, 'likelihood');
    const r = await logLikelihood(model.denoiser, x, dim, { rtol: 1e-5, atol: 1e-5, tMax });
    bitsPerDim = r.bitsPerDim.reduce((a, b) => a + b, 0) / r.bitsPerDim.length;
  } catch (e) {
    if (!(e instanceof DifflowError)) throw e;
    nllNote = e.message;
  }
  let exact: EvalResult['exact'];
  if (model.dataset.mixture) {
    const oracle = mixtureOracle(model.dataset.mixture, model.schedule);
    const z1 = priorSample(model.schedule, o.n, dim, rng(o.seed));
    const best = await SAMPLERS[o.sampler](oracle, z1, gridFor('uniform', model, o.steps), { rng: derivedRng(o.seed, 1) });
    const logp = oracle.logDensity(x, 0);
    exact = {
      energy: energyDistance(best, data, dim),
      sliced: slicedWasserstein(best, data, dim, { rng: derivedRng(o.seed, 200) }),
      bitsPerDim: -logp.reduce((a, b) => a + b, 0) / logp.length / (dim * Math.LN2),
    };
  }
  return { energy, sliced, bitsPerDim, nllNote, exact };
}

export async function evalCommand(
  o: {
    model: string;
    n?: number;
    nll?: number;
    sampler: string;
    steps?: number;
    seed: number;
    ema: boolean;
    guidance?: number;
    perClass?: number;
    clipX?: boolean;
    threads?: number;
  },
  log: (l: string) => void,
): Promise<void> {
  const sampler = checkName('sampler', o.sampler, Object.keys(SAMPLERS) as SamplerName[]);
  const model = loadModel(o.model, o.ema, o.threads);
  if (model.net.image) {
    refuseFlags(o, ['n', 'nll'], `does not apply to image models (${o.model}); use --per-class`);
    const perClass = o.perClass ?? 100;
    checkMemory(`--per-class ${perClass}`, samplingBytes(perClass * (model.net.classes ?? 1), model.net.dim, o.steps));
    await evalImageCommand(model, { ...o, steps: o.steps ?? 20, sampler, grid: 'uniform', perClass, guidance: o.guidance ?? 2 }, log);
    return;
  }
  refuseFlags(o, IMAGE_FLAGS, `applies to image models only; ${o.model} is a 2-D model`);
  const steps = o.steps ?? 50;
  const n = o.n ?? 5000;
  const nll = o.nll ?? 500;
  checkMemory(`--n ${n} and --nll ${nll}`, samplingBytes(n + nll, model.net.dim, steps));
  try {
    const r = await evaluate(model, { n, nll, seed: o.seed, steps, sampler });
    const c = model.config;
    log(
      `${o.model}: ${c.data}, schedule ${c.schedule}, output ${c.output}, weighting ` +
        `${c.weighting}, ${model.state.step} steps (${o.ema ? 'EMA' : 'raw'} weights)`,
    );
    log(`samples (${sampler}, ${steps} steps, n = ${n}): energy distance ${fmt(r.energy)}, sliced W2 ${fmt(r.sliced)}`);
    log(
      r.bitsPerDim !== undefined
        ? `NLL of ${nll} fresh data points: ${r.bitsPerDim.toFixed(4)} bits/dim`
        : `NLL: not available (${r.nllNote})`,
    );
    if (r.exact)
      log(
        `exact denoiser on the same data: energy distance ${fmt(r.exact.energy)}, sliced W2 ` +
          `${fmt(r.exact.sliced)}, NLL ${r.exact.bitsPerDim.toFixed(4)} bits/dim (the true density)`,
      );
  } finally {
    await model.denoiser.release();
  }
}

export function exportCommand(o: { model: string; onnx?: string; safetensors?: string; ema: boolean }, log: (l: string) => void): void {
  if (!o.onnx && !o.safetensors) throw new DifflowError('export needs --onnx <file>, --safetensors <file> or both');
  for (const file of [o.onnx, o.safetensors]) if (file) checkOutputFile(file);
  const { config, net, weights } = loadModel(o.model, o.ema);
  const label =
    net.classes === undefined
      ? ''
      : `, label [batch, ${net.classes + 1}] (one-hot; column ${net.classes} = no class, for classifier-free guidance)`;
  if (o.onnx) {
    const bytes = toOnnxAnyBatch((batch) => buildForward(net, batch, weights), {
      name: 'difflow-denoiser',
      docString:
        `difflow denoiser: inputs z [batch, ${net.dim}] and t [batch, 1] (t = 0 data, t = 1 noise)${label}; ` +
        `output 'out' is the ${config.output} prediction on the '${config.schedule}' schedule.`,
      metadata: {
        output: config.output,
        schedule: config.schedule,
        time: 't in [0, 1], 0 = data, 1 = noise',
        config: JSON.stringify(config),
      },
    });
    writeAtomic(o.onnx, bytes);
    log(
      `wrote ${o.onnx} (${(bytes.length / 1024).toFixed(0)} KiB): inputs z [batch, ${net.dim}], ` +
        `t [batch, 1]${label}; output out = ${config.output}-prediction on '${config.schedule}'`,
    );
  }
  if (o.safetensors) {
    const state = torchStateDict(net, weights);
    const bytes = encodeSafetensors(state, {
      format: 'pt',
      network: JSON.stringify(net.describe),
      output: config.output,
      schedule: config.schedule,
      config: JSON.stringify(config),
    });
    writeAtomic(o.safetensors, bytes);
    log(
      `wrote ${o.safetensors} (${(bytes.length / 1024).toFixed(0)} KiB): ${Object.keys(state).length} ` +
        `float32 tensors named and shaped as the PyTorch mirror's state_dict (docs/export.md)`,
    );
  }
}
