/**
 * The images panel's sampling run, independent of where it runs (the panel's worker; Node in the tests): the
 * shipped class-conditional U-Net (web/assets/fmnist-unet.onnx, a u-output on the flow-matching schedule, fixed
 * batch MODEL_BATCH) behind the core's denoiser contract, any sampler of the core, and every step's z_t with the
 * network's guess x̂ of the clean image at that step.
 */
import { denoiserFromModel } from '../../../src/core/denoiser.js';
import { samplingGrid } from '../../../src/core/grids.js';
import { priorSample } from '../../../src/core/prior.js';
import { rng } from '../../../src/core/rng.js';
import { flowMatching } from '../../../src/core/schedule/index.js';
import { SAMPLERS, type SamplerName } from '../../../src/core/samplers/registry.js';
import { FASHION_MNIST_CLASSES } from '../../../src/data/fashionMnistClasses.js';
import type { Session } from '../../../src/engine/runtime.js';
import { IMAGE_PIXELS } from '../../../src/models/image.js';
import { denoiserFeeds, guidedModel } from '../../../src/training/index.js';

/** Images per run. */
export const IMAGES = 10;
/** The model's fixed batch: each image twice, with its class and with the null class (guidance in one call). */
export const MODEL_BATCH = 2 * IMAGES;
export const PIXELS = IMAGE_PIXELS;
/** web/assets/fmnist-unet.onnx's size, stated on the page before it is downloaded (the test checks it). */
export const MODEL_MB = 1.4;
export const CLASSES = FASHION_MNIST_CLASSES.length;

/** What the panel asks for. */
export interface ImageRequest {
  readonly label: number;
  readonly sampler: SamplerName;
  readonly steps: number;
  /** Classifier-free guidance scale w. */
  readonly guidance: number;
  /** η of DDIM and the SDE sampler. */
  readonly eta: number;
  /** c of the churn sampler. */
  readonly churn: number;
  readonly seed: number;
}

/** One step as the panel draws it: z_t and the prediction x̂(z_t, t), both [IMAGES·PIXELS]. */
export interface Frame {
  readonly i: number;
  readonly steps: number;
  readonly t: number;
  readonly z: Float32Array;
  readonly xHat: Float32Array;
}

/**
 * Samples IMAGES images of class `r.label` with the model run by `session`; `onFrame` sees z_t and x̂ before
 * every step and the result last (t = 0, z = x̂). `beforeEvaluation` runs before each network call (the worker
 * yields to its messages there and may throw to cancel). @returns [IMAGES·PIXELS] in about [−1, 1]
 */
export async function sampleImages(
  session: Session,
  r: ImageRequest,
  onFrame: (frame: Frame) => void,
  beforeEvaluation: () => Promise<void> = async () => {},
): Promise<Float64Array> {
  const schedule = flowMatching();
  const forward = async (z: Float64Array, t: number, labels: Int32Array) => {
    await beforeEvaluation();
    return Float64Array.from((await session.run(denoiserFeeds(z, t, PIXELS, labels, CLASSES))).out.data);
  };
  const model = guidedModel(forward, new Int32Array(IMAGES).fill(r.label), CLASSES, r.guidance);
  const denoiser = denoiserFromModel(model, 'u', schedule);
  const grid = samplingGrid('uniform', schedule, 'u', r.steps);
  const z1 = priorSample(schedule, IMAGES, PIXELS, rng(r.seed));
  let zT = z1;
  const images = await SAMPLERS[r.sampler](denoiser, z1, grid, {
    rng: rng(r.seed + 1),
    eta: r.eta,
    churn: r.churn,
    onStep: ({ i, steps, t, denoised, z }) => {
      onFrame({ i, steps, t, z: Float32Array.from(zT), xHat: Float32Array.from(denoised.x) });
      zT = z;
    },
  });
  const last = Float32Array.from(images);
  onFrame({ i: r.steps, steps: r.steps, t: 0, z: last, xHat: last });
  return images;
}

/**
 * How different the images are from each other: the mean over pairs of the RMS pixel difference (pixels in
 * [−1, 1]; 0 = all alike). @param images [n·dim]
 */
export function diversity(images: ArrayLike<number>, n: number, dim: number): number {
  let sum = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) d2 += (images[a * dim + k] - images[b * dim + k]) ** 2;
      sum += Math.sqrt(d2 / dim);
      pairs++;
    }
  }
  return pairs ? sum / pairs : 0;
}
