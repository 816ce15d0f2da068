/** Inputs for testing difflow's networks: random weights and one-hot labels. */
import { rng } from '../../src/core/rng.js';
import type { Network } from '../../src/models/network.js';

/** Weights with every parameter random, 0.3·N(0, 1) (the zero-initialised output layers too), so that each one shows. */
export function randomWeights(net: Network, seed: number): Record<string, Float32Array> {
  const r = rng(seed);
  return Object.fromEntries(
    net.params.map((p) => [p.name, Float32Array.from(r.normals(p.shape.reduce((a, b) => a * b, 1)), (v) => 0.3 * v)]),
  );
}

/** One-hot rows [B, K + 1] for labels 0 … K (K the null class). */
export function oneHot(labels: ArrayLike<number>, K: number): Float32Array {
  const out = new Float32Array(labels.length * (K + 1));
  for (let i = 0; i < labels.length; i++) out[i * (K + 1) + labels[i]] = 1;
  return out;
}
