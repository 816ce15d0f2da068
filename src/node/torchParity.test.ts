/**
 * The torch backend trains with difflow's maths: for every output kind with every weighting (MLP; schedules and
 * densities cycled through), for the MLP with Fourier features of z at a cosine-decayed learning rate, and for
 * the U-Net and the DiT, one step of python/difflow_torch on a fixed batch
 * (x, t, ε, labels) gives the loss, gradients, parameters, Adam moments and EMA that difflow's ONNX step gives
 * from the same batch (float32 precision). Fixtures: scripts/make_torch_parity_fixtures.py (no Python needed here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { FIXTURES, compareStep } from '../../test/helpers/torchParity.js';

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.safetensors'))
  .sort();

test(
  'the parity fixtures cover every output kind with every weighting, ' +
    'Fourier features with a cosine learning rate, the U-Net and the DiT',
  () => {
    assert.equal(files.filter((f) => /^mlp-(eps|x|v|u)-/.test(f)).length, 28);
    assert.ok(files.includes('mlp-fourier-cosine.safetensors'));
    assert.ok(files.includes('unet.safetensors') && files.includes('dit.safetensors'));
  },
);

for (const network of ['mlp', 'unet', 'dit']) {
  test(`one torch step of the ${network} equals difflow's ONNX step (loss, gradients, AdamW with clipping, EMA)`, async (t) => {
    let worst = 0;
    for (const file of files.filter((f) => f.startsWith(network))) worst = Math.max(worst, await compareStep(FIXTURES + file));
    t.diagnostic(`${network}: worst error ${worst.toExponential(2)} of each quantity's largest value`);
  });
}
