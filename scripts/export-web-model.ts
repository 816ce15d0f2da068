/**
 * The explorer's Fashion-MNIST model (web/assets/fmnist-unet.onnx): a trained run's EMA denoiser with its
 * weights baked in, at the fixed batch the images panel runs — 10 images, each twice (its class and the
 * null class) for classifier-free guidance in one call. See docs/explorer-images.md for how it was made.
 *
 *   npx tsx scripts/export-web-model.ts runs/web-unet [web/assets/fmnist-unet.onnx]
 */
import { loadModel } from '../src/cli/loadModel.js';
import { toOnnx } from '../src/engine/onnx.js';
import { buildForward } from '../src/models/denoiserGraph.js';
import { writeAtomic } from '../src/io/atomic.js';
import { MODEL_BATCH } from '../web/src/images/model.js';
import { refuse, scriptArgs } from './args.js';

const USAGE = 'npx tsx scripts/export-web-model.ts RUN_DIR [OUT.onnx]';
const [runDir, out = 'web/assets/fmnist-unet.onnx', ...extra] = scriptArgs(USAGE, {}, true).positionals;
if (!runDir || extra.length) refuse(`usage: ${USAGE}`);
const { config, state, net, weights } = loadModel(runDir);
const bytes = toOnnx(buildForward(net, MODEL_BATCH, weights), {
  name: 'difflow-fmnist-unet',
  docString:
    `difflow class-conditional U-Net for Fashion-MNIST: z [${MODEL_BATCH}, ` +
    `784], t [${MODEL_BATCH}, 1], label [${MODEL_BATCH}, 11] (one-hot, column ` +
    `10 = no class) → ${config.output}-prediction on '${config.schedule}'.`,
  metadata: { output: config.output, schedule: config.schedule, step: String(state.step), config: JSON.stringify(config) },
});
writeAtomic(out, bytes);
console.log(
  `wrote ${out} (${(bytes.length / 1e6).toFixed(2)} MB): step ${state.step}, U-Net channels ${config.hidden}, batch ${MODEL_BATCH}`,
);
