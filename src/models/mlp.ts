import { checkInteger } from '../core/validate.js';
import type { Network, ParamSpec } from './network.js';
import { timeEmbedding } from './timeEmbedding.js';

/**
 * An MLP denoiser for low-dimensional data: [z, embed(t)] → Linear → SiLU → … → Linear → output.
 * Default 18 → 256 → 256 → 256 → 2 for 2-D data (a 16-dimensional time embedding).
 */
export function mlp(options: { dim?: number; hidden?: number; layers?: number; embedding?: number } = {}): Network {
  const dim = options.dim ?? 2;
  const hidden = options.hidden ?? 256;
  const layers = options.layers ?? 3;
  const embedding = options.embedding ?? 16;
  checkInteger('dim', dim);
  checkInteger('hidden', hidden);
  checkInteger('layers', layers);
  checkInteger('embedding', embedding, 2);
  const widths = [dim + embedding, ...Array<number>(layers).fill(hidden), dim];
  const params: ParamSpec[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    params.push({ name: `W${l}`, shape: [widths[l], widths[l + 1]], init: { kind: 'uniform', fanIn: widths[l] } });
    params.push({ name: `b${l}`, shape: [widths[l + 1]], init: { kind: 'uniform', fanIn: widths[l] } });
  }
  return {
    describe: { kind: 'mlp', dim, hidden, layers, embedding },
    dim,
    params,
    forward(g, p, z, t) {
      let h = g.concat([z, timeEmbedding(g, t, embedding / 2)], 1);
      for (let l = 0; l + 1 < widths.length; l++) {
        h = g.linear(h, p[`W${l}`], p[`b${l}`]);
        if (l + 2 < widths.length) h = g.silu(h);
      }
      return h;
    },
  };
}
