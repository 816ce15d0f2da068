import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataShape } from './data.js';
import { dit } from '../models/dit.js';
import { IMAGE_PIXELS, IMAGE_SHAPE } from '../models/image.js';
import { unet } from '../models/unet.js';

test('the image networks and the Fashion-MNIST data agree on one image shape, 1 × 28 × 28 = 784 values', () => {
  assert.deepEqual([...IMAGE_SHAPE, IMAGE_PIXELS], [1, 28, 28, 784]);
  for (const shape of [unet(), dit(), dataShape('fashion-mnist')]) {
    assert.deepEqual(shape.image, IMAGE_SHAPE);
    assert.equal(shape.dim, IMAGE_PIXELS);
  }
});
