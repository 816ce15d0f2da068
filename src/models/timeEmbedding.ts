import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';

/**
 * Sinusoidal time embedding (Vaswani et al. 2017; as in DDPM with t·1000): freq_k = exp(−ln(10000)·k/half),
 * arg = 1000·t·freq, embedding [cos(arg), sin(arg)]. @param t [B, 1] → [B, 2·half]
 */
export function timeEmbedding(g: Builder, t: Tensor, half: number): Tensor {
  const freqs = Array.from({ length: half }, (_, k) => 1000 * Math.exp((-Math.log(10000) * k) / half));
  const arg = g.mul(t, g.constant(freqs, [1, half]));
  return g.concat([g.cos(arg), g.sin(arg)], 1);
}
