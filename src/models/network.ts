/** What every difflow network declares: its parameters and how to build its forward graph. */
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import type { Rng } from '../core/rng.js';

/** A parameter: its name, shape and initialisation (uniform ±1/sqrt(fanIn) as PyTorch's Linear, or zeros). */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: { readonly kind: 'uniform'; readonly fanIn: number } | { readonly kind: 'zeros' };
}

export interface Network {
  /** A short description with the architecture's numbers, stored in checkpoints. */
  readonly describe: Readonly<Record<string, string | number>>;
  /** Data dimension (the model maps z [B, dim], t [B, 1] to an output [B, dim]). */
  readonly dim: number;
  readonly params: readonly ParamSpec[];
  forward(g: Builder, params: Readonly<Record<string, Tensor>>, z: Tensor, t: Tensor): Tensor;
}

/** Fresh parameters for a network, from a seeded generator. */
export function initParams(net: Network, rng: Rng): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const p of net.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (p.init.kind === 'uniform') {
      const bound = 1 / Math.sqrt(p.init.fanIn);
      for (let i = 0; i < n; i++) data[i] = (2 * rng.uniform() - 1) * bound;
    }
    out[p.name] = data;
  }
  return out;
}

/** The number of scalar parameters. */
export function parameterCount(net: Network): number {
  return net.params.reduce((acc, p) => acc + p.shape.reduce((a, b) => a * b, 1), 0);
}
