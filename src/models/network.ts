/** What every difflow network declares: its parameters and how to build its forward graph. */
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import type { Rng } from '../core/rng.js';

/**
 * A parameter: its name, shape and initialisation — uniform ±1/sqrt(fanIn) as PyTorch's Linear and Conv2d,
 * zeros, ones (norm scales) or normal with a given standard deviation (embeddings).
 */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init:
    | { readonly kind: 'uniform'; readonly fanIn: number }
    | { readonly kind: 'zeros' }
    | { readonly kind: 'ones' }
    | { readonly kind: 'normal'; readonly std: number };
}

export interface Network {
  /** A short description with the architecture's numbers, stored in checkpoints. */
  readonly describe: Readonly<Record<string, string | number>>;
  /** Data dimension (the model maps z [B, dim], t [B, 1] to an output [B, dim]). */
  readonly dim: number;
  readonly params: readonly ParamSpec[];
  /**
   * Class-conditional networks: the number K of real classes. Their forward pass takes a one-hot label
   * [B, K + 1] whose last column is the null class (no label: the unconditional model that classifier-free
   * guidance needs).
   */
  readonly classes?: number;
  /** Image networks: [channels, height, width], with dim = C·H·W (z arrives flattened, [B, dim]). */
  readonly image?: readonly [number, number, number];
  forward(g: Builder, params: Readonly<Record<string, Tensor>>, z: Tensor, t: Tensor, label?: Tensor): Tensor;
}

/** Fresh parameters for a network, from a seeded generator. */
export function initParams(net: { readonly params: readonly ParamSpec[] }, rng: Rng): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const p of net.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const init = p.init;
    if (init.kind === 'uniform') {
      const bound = 1 / Math.sqrt(init.fanIn);
      for (let i = 0; i < n; i++) data[i] = (2 * rng.uniform() - 1) * bound;
    } else if (init.kind === 'ones') data.fill(1);
    else if (init.kind === 'normal') data.set(rng.normals(n).map((v) => v * init.std));
    out[p.name] = data;
  }
  return out;
}

/** The number of scalar parameters. */
export function parameterCount(net: { readonly params: readonly ParamSpec[] }): number {
  return net.params.reduce((acc, p) => acc + p.shape.reduce((a, b) => a * b, 1), 0);
}
