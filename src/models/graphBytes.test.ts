import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Builder } from '../engine/builder.js';
import { toOnnx } from '../engine/onnx.js';
import { buildOptimizerStep } from '../engine/optimizer.js';
import { CLASSIFIER_PARAMS, classifierForward, softmaxCrossEntropy } from './classifier.js';
import { buildForward, buildTrainStep } from './denoiserGraph.js';
import { dit } from './dit.js';
import { mlp } from './mlp.js';
import { unet } from './unet.js';

/**
 * SHA-256 prefixes of the ONNX bytes of each network's training step and forward graph at batch 2, taken
 * from engine/trainStep.ts before it was split into engine/params.ts, engine/optimizer.ts and
 * models/denoiserGraph.ts. A change here changes what every trained model and checkpoint was made with:
 * update the pins only on purpose.
 */
const PINNED = {
  mlp: { step: '536835d14e441500', forward: '140309f241f50d5e' },
  unet: { step: '2209125002504497', forward: 'c47b7cf2c40ecae1' },
  dit: { step: '03d2096101158cc9', forward: 'f239d4b8affc59dc' },
};
const NETWORKS = {
  mlp: mlp(),
  unet: unet({ channels: 4, groups: 2, embedding: 8, timeFrequencies: 2 }),
  dit: dit({ classes: 3, patch: 7, width: 8, depth: 1, heads: 2, mlpRatio: 2, timeFrequencies: 2 }),
};
const hash = (g: Builder): string => createHash('sha256').update(toOnnx(g)).digest('hex').slice(0, 16);

for (const [name, net] of Object.entries(NETWORKS) as [keyof typeof PINNED, (typeof NETWORKS)[keyof typeof PINNED]][]) {
  test(`the ${name} training step and forward graph lower to the same ONNX bytes as before the split`, () => {
    assert.deepEqual({ step: hash(buildTrainStep(net, 2)), forward: hash(buildForward(net, 2)) }, PINNED[name]);
  });
}

test('the classifier training step lowers to the same ONNX bytes as before the split', () => {
  const step = buildOptimizerStep(CLASSIFIER_PARAMS, (g, p) =>
    softmaxCrossEntropy(g, classifierForward(g, p, g.input('x', [2, 784])).logits, g.input('labels', [2, 10])),
  );
  assert.equal(hash(step), 'b410223bdf8ae8d4');
});
