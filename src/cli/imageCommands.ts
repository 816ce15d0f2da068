/**
 * Image models (Fashion-MNIST): class-conditional sampling with classifier-free guidance into a PNG grid
 * (one row per class), and evaluation with the shipped classifier (accuracy on the requested class and
 * FD-FMNIST, a Fréchet distance between classifier features — not Inception FID).
 */
import { extname } from 'node:path';
import cliProgress from 'cli-progress';
import {
  DifflowError,
  SAMPLERS,
  clipDenoised,
  priorSample,
  rng,
  type AnySamplerOptions,
  type GridName,
  type SamplerName,
  type StepInfo,
} from '../core/index.js';
import { writeAtomic } from '../io/atomic.js';
import { derivedRng } from './seeds.js';
import { checkOutputFile } from '../io/files.js';
import { imageMetrics } from '../node/fmnistMetric.js';
import { gridFor, type LoadedModel } from './loadModel.js';
import { imageGridPng } from './png.js';

export interface ImageSampling {
  readonly sampler: SamplerName;
  readonly steps: number;
  readonly grid: GridName;
  readonly guidance: number;
  readonly seed: number;
  /** Clip x̂ to the pixel range [−1, 1] at every step (DDPM's clip_denoised). */
  readonly clipX?: boolean;
  readonly options?: AnySamplerOptions;
  /** Progress per sampler step. */
  readonly onStep?: (step: number, steps: number) => void;
}

/** `perClass` samples of every class, class-major (labels 0,0,…,1,1,…); images [n·784] in about [−1, 1]. */
export async function sampleImages(
  model: LoadedModel,
  perClass: number,
  o: ImageSampling,
): Promise<{ images: Float64Array; labels: Int32Array; seconds: number }> {
  const K = model.net.classes;
  if (K === undefined || !model.net.image) throw new DifflowError(`${model.runDir} is not an image model`);
  const labels = Int32Array.from({ length: K * perClass }, (_, i) => Math.floor(i / perClass));
  const denoiser = model.makeDenoiser({ labels, guidance: o.guidance });
  try {
    const started = performance.now();
    const z1 = priorSample(model.schedule, labels.length, model.net.dim, rng(o.seed));
    const grid = gridFor(o.grid, model, o.steps);
    const images = await SAMPLERS[o.sampler](o.clipX ? clipDenoised(denoiser) : denoiser, z1, grid, {
      rng: derivedRng(o.seed, 1),
      ...o.options,
      onStep: o.onStep ? (info: StepInfo) => o.onStep?.(info.i + 1, info.steps) : undefined,
    });
    return { images, labels, seconds: (performance.now() - started) / 1000 };
  } finally {
    await denoiser.release();
  }
}

/** Sampler progress on stderr: a bar on a terminal, else a line at every quarter. */
function progress(what: string): ImageSampling['onStep'] & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let next = 0;
  const report = (step: number, steps: number) => {
    if (tty) {
      bar ??= new cliProgress.SingleBar(
        { format: `${what} {bar} {value}/{total} steps | eta {eta_formatted}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      if (step === 1) bar.start(steps, 0);
      bar.update(step);
    } else if (step >= next) {
      process.stderr.write(`${what}: step ${step}/${steps}\n`);
      next = step + Math.max(1, Math.round(steps / 4));
    }
  };
  return Object.assign(report, { done: () => bar?.stop() });
}

/** `difflow sample` for an image model: a grid PNG, one row per class (or the raw values as JSON). */
export async function sampleImageCommand(
  model: LoadedModel,
  o: ImageSampling & { perClass: number; out: string },
  log: (l: string) => void,
): Promise<void> {
  const ext = extname(o.out).toLowerCase();
  if (!['.png', '.json'].includes(ext)) throw new DifflowError(`--out must end in .png or .json for an image model, got '${o.out}'`);
  checkOutputFile(o.out);
  const bar = progress('sampling');
  const { images, labels, seconds } = await sampleImages(model, o.perClass, { ...o, onStep: bar }).finally(() => bar.done());
  const K = model.net.classes!;
  if (ext === '.png') writeAtomic(o.out, imageGridPng(images, K, o.perClass));
  else
    writeAtomic(
      o.out,
      JSON.stringify({
        sampler: o.sampler,
        steps: o.steps,
        guidance: o.guidance,
        config: model.config,
        labels: Array.from(labels),
        images: Array.from(images, (v) => Math.round(v * 1e4) / 1e4),
      }),
    );
  log(
    `${labels.length} images (${o.perClass} per class, rows: ${model.classNames.join(', ')}) with ` +
      `${o.sampler}, ${o.steps} steps, guidance ${o.guidance} in ${seconds.toFixed(1)} s → ${o.out}`,
  );
}

export interface ImageEval {
  readonly accuracy: number;
  readonly fd: number;
  readonly n: number;
  readonly seconds: number;
}

/** Classifier accuracy on the requested class and FD-FMNIST against the 10,000 real test images. */
export async function evaluateImages(model: LoadedModel, perClass: number, o: ImageSampling): Promise<ImageEval> {
  const { images, labels, seconds } = await sampleImages(model, perClass, o);
  const m = await imageMetrics(images, labels);
  return { accuracy: m.accuracy, fd: m.fd, n: m.n, seconds };
}

export async function evalImageCommand(
  model: LoadedModel,
  o: ImageSampling & { perClass: number },
  log: (l: string) => void,
): Promise<void> {
  const c = model.config;
  log(
    `${model.runDir}: ${c.data}, ${c.model}, schedule ${c.schedule}, ` +
      `output ${c.output}, weighting ${c.weighting}, ${model.state.step} steps`,
  );
  const bar = progress('sampling');
  const r = await evaluateImages(model, o.perClass, { ...o, onStep: bar }).finally(() => bar.done());
  log(
    `${r.n} samples (${o.sampler}, ${o.steps} steps, guidance ` +
      `${o.guidance}${o.clipX ? ', x̂ clipped' : ''}, ${r.seconds.toFixed(1)} s): classifier accuracy on the ` +
      `requested class ${(100 * r.accuracy).toFixed(1)} %, FD-FMNIST ${r.fd.toFixed(3)}`,
  );
  log(
    "(FD-FMNIST: Fréchet distance between features of difflow's own Fashion-MNIST classifier, " +
      'generated vs the 10,000 real test images; not Inception FID)',
  );
}
