/** What every difflow network declares: its parameters and how to build its forward graph. */
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import type { ParamSpec } from '../engine/params.js';

export { initParams, parameterCount, type ParamSpec } from '../engine/params.js';

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
