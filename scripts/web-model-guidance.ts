/**
 * The accuracy/diversity trade-off of the explorer's model (web/assets/fmnist-unet.onnx) over the guidance
 * scale w, measured with the page's own sampling code (web/src/images/model.ts) on onnxruntime-node: for each
 * w, `runs` runs of ten images per class (DPM-Solver++ 2M, 20 steps), the classifier's accuracy on the asked
 * class, FD-FMNIST against the test set, and the mean diversity of a run's ten images.
 *
 *   npx tsx scripts/web-model-guidance.ts [runs per class = 5] [w …]
 */
import { readFileSync } from 'node:fs';
import { nodeRuntime } from '../src/engine/ortNode.js';
import { defaultClassifier } from '../src/node/fmnistMetric.js';
import { CLASSES, IMAGES, PIXELS, diversity, sampleImages } from '../web/src/images/model.js';
import { numberArg, scriptArgs } from './args.js';

const [runsArg = '5', ...wArgs] = scriptArgs('npx tsx scripts/web-model-guidance.ts [runs per class = 5] [w …]', {}, true).positionals;
const runs = numberArg('runs', runsArg);
const guidances = wArgs.length ? wArgs.map((w) => numberArg('w', w)) : [0, 1, 2, 4];
const session = await nodeRuntime.createSession(new Uint8Array(readFileSync('web/assets/fmnist-unet.onnx')), { threads: 1 });
const classifier = await defaultClassifier();
console.log(`| w | accuracy | FD-FMNIST (n = ${CLASSES * runs * IMAGES}) | diversity |`);
console.log('|---|---|---|---|');
for (const guidance of guidances) {
  const images = new Float32Array(CLASSES * runs * IMAGES * PIXELS);
  const labels: number[] = [];
  let spread = 0;
  for (let label = 0; label < CLASSES; label++) {
    for (let r = 0; r < runs; r++) {
      const seed = 1000 * r + label;
      const out = await sampleImages(session, { label, sampler: 'dpmpp2m', steps: 20, guidance, eta: 0, churn: 0, seed }, () => {});
      images.set(out, labels.length * PIXELS);
      for (let i = 0; i < IMAGES; i++) labels.push(label);
      spread += diversity(out, IMAGES, PIXELS);
    }
  }
  const { accuracy, fd } = await classifier.imageMetrics(images, labels);
  console.log(`| ${guidance} | ${(100 * accuracy).toFixed(1)} % | ${fd.toFixed(1)} | ${(spread / (CLASSES * runs)).toFixed(3)} |`);
}
