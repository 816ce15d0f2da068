import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder } from '../engine/builder.js';
import { interpret } from '../engine/interpret.js';
import { FOURIER_BASE, fourierFeatures, mlp } from './mlp.js';

test('fourierFeatures(z, K) is [sin(f_k z), cos(f_k z)] for f_k = 2^k·π/2, k < K', () => {
  const g = new Builder();
  const z = g.input('z', [2, 2]);
  g.output('features', g.concat(fourierFeatures(g, z, 3), 1));
  const zs = [0.3, -1.7, 2, 0.5];
  const { features } = interpret(g, { z: zs });
  for (let b = 0; b < 2; b++) {
    const expected = [0, 1, 2].flatMap((k) => {
      const arg = [zs[2 * b], zs[2 * b + 1]].map((v) => 2 ** k * FOURIER_BASE * v);
      return [...arg.map(Math.sin), ...arg.map(Math.cos)];
    });
    expected.forEach((e, j) => assert.ok(Math.abs(features[12 * b + j] - e) < 1e-12, `row ${b}, feature ${j}`));
  }
  assert.equal(FOURIER_BASE, Math.PI / 2);
});

test('an MLP with K Fourier frequencies takes 2 + 4K + 16 inputs; without them it is unchanged, description included', () => {
  assert.deepEqual(mlp({ hidden: 8, fourier: 3 }).params[0].shape, [2 + 12 + 16, 8]);
  assert.deepEqual(mlp({ hidden: 8, fourier: 3 }).describe, { kind: 'mlp', dim: 2, hidden: 8, layers: 3, embedding: 16, fourier: 3 });
  assert.deepEqual(mlp({ hidden: 8 }).params[0].shape, [18, 8]);
  assert.deepEqual(mlp({ hidden: 8 }).describe, { kind: 'mlp', dim: 2, hidden: 8, layers: 3, embedding: 16 });
  assert.throws(() => mlp({ fourier: -1 }), /fourier must be an integer ≥ 0/);
});
