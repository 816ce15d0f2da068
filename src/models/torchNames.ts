/**
 * difflow's parameters as the state_dict of their PyTorch mirrors — python/difflow_torch/image_models.py's
 * `make_unet` and `make_dit`, bench/torch_peer.py's MLP — so that `difflow export --safetensors` writes a
 * file those modules load with `load_state_dict(strict=True)`. The one naming map between the two sides:
 *
 *   difflow `a.b.W` [in, out] (Linear)      → `a.b.weight` [out, in]    (transposed)
 *   difflow `a.b.W` [out, in, k, k] (Conv)  → `a.b.weight`, same layout
 *   `…b` → `…bias`; GroupNorm `…gamma`, `…beta` → `…weight`, `…bias`
 *   `in`, `outNorm`, `classEmbedding`, `labelEmbedding` → `inp`, `out_norm`, `class_embedding`, `label_embedding`
 *   MLP `W{l}`, `b{l}` → `mlp.{2l}.weight`, `mlp.{2l}.bias` (an nn.Sequential with a SiLU between Linears),
 *   plus the mirror's persistent buffer `freqs` [E/2] = exp(−ln(10000)·k/(E/2)).
 *
 * (python/difflow_torch/image_models.py's `difflow_names` is the same map read from the PyTorch side.)
 */
import type { SafetensorsTensor } from '../io/safetensors.js';
import type { Network } from './network.js';

const RENAME: Readonly<Record<string, string>> = {
  in: 'inp',
  outNorm: 'out_norm',
  classEmbedding: 'class_embedding',
  labelEmbedding: 'label_embedding',
};
const LEAF: Readonly<Record<string, string>> = { W: 'weight', b: 'bias', gamma: 'weight', beta: 'bias' };

/** The PyTorch mirror's name of difflow parameter `name` of `net`. */
export function torchName(net: Network, name: string): string {
  if (net.describe.kind === 'mlp') {
    const [, leaf, layer] = /^([Wb])(\d+)$/.exec(name) ?? [];
    return `mlp.${2 * Number(layer)}.${LEAF[leaf]}`;
  }
  const parts = name.split('.');
  const leaf = parts.pop() as string;
  return [...parts.map((p) => RENAME[p] ?? p), LEAF[leaf] ?? RENAME[leaf] ?? leaf].join('.');
}

/** [rows, cols] → [cols, rows], row-major. */
function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

/**
 * The mirror's state_dict of `net` with `weights`, float32, by PyTorch name: a Linear's W [in, out] as its
 * weight [out, in], every other tensor in its own shape.
 */
export function torchStateDict(net: Network, weights: Readonly<Record<string, Float32Array>>): Record<string, SafetensorsTensor> {
  const state: Record<string, SafetensorsTensor> = {};
  for (const { name, shape } of net.params) {
    const linear = name.split('.').pop()!.startsWith('W') && shape.length === 2;
    state[torchName(net, name)] = linear
      ? { dtype: 'F32', shape: [shape[1], shape[0]], data: transposed(weights[name], shape[0], shape[1]) }
      : { dtype: 'F32', shape: shape.slice(), data: weights[name] };
  }
  if (net.describe.kind === 'mlp') {
    const half = (net.describe.embedding as number) / 2;
    state.freqs = {
      dtype: 'F32',
      shape: [half],
      data: Float32Array.from({ length: half }, (_, k) => Math.exp((-Math.log(10000) * k) / half)),
    };
  }
  return state;
}
