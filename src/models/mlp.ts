import { checkInteger } from '../core/validate.js';
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import type { Network, ParamSpec } from './network.js';
import { timeEmbedding } from './timeEmbedding.js';

/** The lowest Fourier-feature frequency: one period over [−2, 2], the extent of the 2-D data sets. */
export const FOURIER_BASE = Math.PI / 2;

/**
 * Fourier features of z (Tancik et al. 2020): [sin(f_k z), cos(f_k z)] for f_k = 2^k·FOURIER_BASE, k < count,
 * which let an MLP draw sharp edges (the checkerboard's) that it learns slowly from raw coordinates.
 * @param z [B, dim] → [B, 2·count·dim]
 */
export function fourierFeatures(g: Builder, z: Tensor, count: number): Tensor[] {
  return Array.from({ length: count }, (_, k) => {
    const arg = g.mul(z, g.constant([2 ** k * FOURIER_BASE], [1, 1]));
    return [g.sin(arg), g.cos(arg)];
  }).flat();
}

/**
 * An MLP denoiser for low-dimensional data: [z, fourier(z), embed(t)] → Linear → SiLU → … → Linear → output.
 * Default 18 → 256 → 256 → 256 → 2 for 2-D data (a 16-dimensional time embedding, no Fourier features).
 */
export function mlp(options: { dim?: number; hidden?: number; layers?: number; embedding?: number; fourier?: number } = {}): Network {
  const dim = options.dim ?? 2;
  const hidden = options.hidden ?? 256;
  const layers = options.layers ?? 3;
  const embedding = options.embedding ?? 16;
  const fourier = options.fourier ?? 0;
  checkInteger('dim', dim);
  checkInteger('hidden', hidden);
  checkInteger('layers', layers);
  checkInteger('embedding', embedding, 2);
  checkInteger('fourier', fourier, 0);
  const widths = [dim + 2 * fourier * dim + embedding, ...Array<number>(layers).fill(hidden), dim];
  const params: ParamSpec[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    params.push({ name: `W${l}`, shape: [widths[l], widths[l + 1]], init: { kind: 'uniform', fanIn: widths[l] } });
    params.push({ name: `b${l}`, shape: [widths[l + 1]], init: { kind: 'uniform', fanIn: widths[l] } });
  }
  return {
    describe: { kind: 'mlp', dim, hidden, layers, embedding, ...(fourier > 0 ? { fourier } : {}) },
    dim,
    params,
    forward(g, p, z, t) {
      let h = g.concat([z, ...fourierFeatures(g, z, fourier), timeEmbedding(g, t, embedding / 2)], 1);
      for (let l = 0; l + 1 < widths.length; l++) {
        h = g.linear(h, p[`W${l}`], p[`b${l}`]);
        if (l + 2 < widths.length) h = g.silu(h);
      }
      return h;
    },
  };
}
