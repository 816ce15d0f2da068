import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denoiserFromModel } from './denoiser.js';
import { flowMatching } from './schedule/index.js';
import { DifflowError } from './validate.js';

test('a model that returns the wrong number of values is named as such, not as a non-finite value', () => {
  const short = denoiserFromModel(() => new Float64Array(3), 'u', flowMatching());
  assert.throws(
    () => short.denoise(new Float64Array(4), 0.5),
    (e) => e instanceof DifflowError && /the model returned 3 values for a z of 4 values/.test(e.message),
  );
});
