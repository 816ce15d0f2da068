/**
 * Building blocks of a small convolutional U-Net (NCHW): normalisations, convolution with bias, the
 * time-conditioned residual block, down- and upsampling and self-attention. They are compositions of Builder
 * ops, so autodiff differentiates them. Each block declares its parameters as ParamSpecs named under the
 * block's name (`down1.conv1.W`) and reads them back by those names.
 *
 * Initialisation is PyTorch's: weights and biases uniform ±1/sqrt(fanIn) with fanIn = Cin·k·k (Conv2d) or the
 * input width (Linear); norm shifts β = 0 and norm scales γ = 1.
 */
import { DifflowError } from '../core/validate.js';
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import type { ParamSpec, Params } from '../engine/params.js';
import { upsampleConv3x3 } from '../engine/polyphase.js';

export type { Params };

/** A block's parameters (named `${name}.…`) and its forward map. */
export interface Block<Args extends readonly Tensor[]> {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  apply(g: Builder, p: Params, ...args: Args): Tensor;
}

const uniform = (fanIn: number) => ({ kind: 'uniform', fanIn }) as const;

/** `${name}.W` [cOut, cIn, k, k] and `${name}.b` [cOut], as PyTorch's Conv2d. */
export const convParams = (name: string, cIn: number, cOut: number, k: number): ParamSpec[] => [
  { name: `${name}.W`, shape: [cOut, cIn, k, k], init: uniform(cIn * k * k) },
  { name: `${name}.b`, shape: [cOut], init: uniform(cIn * k * k) },
];

/** `${name}.W` [dIn, dOut] and `${name}.b` [dOut], as PyTorch's Linear. */
export const linearParams = (name: string, dIn: number, dOut: number): ParamSpec[] => [
  { name: `${name}.W`, shape: [dIn, dOut], init: uniform(dIn) },
  { name: `${name}.b`, shape: [dOut], init: uniform(dIn) },
];

/** `${name}.gamma` [c] (ones) and `${name}.beta` [c] (zeros). */
export const normParams = (name: string, c: number): ParamSpec[] => [
  { name: `${name}.gamma`, shape: [c], init: { kind: 'ones' } },
  { name: `${name}.beta`, shape: [c], init: { kind: 'zeros' } },
];

/**
 * Group normalisation (Wu & He 2018): the C channels split into `groups`; each group of each example is
 * standardised over its C/G·H·W values, then scaled and shifted per channel. @param x [N, C, H, W]
 * @param gamma [C] @param beta [C]
 */
export function groupNorm(g: Builder, x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  return g.groupNorm(x, gamma, beta, groups, eps); // the op's shape rule checks the groups and shapes
}

/** Layer normalisation over the last axis. @param x […, D] @param gamma [D] @param beta [D] */
export function layerNorm(g: Builder, x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  return g.add(g.mul(g.standardize(x, eps), gamma), beta);
}

/**
 * conv(x, W) + b, padded to keep the size at stride 1 ("same", ⌊k/2⌋) unless `pad` says otherwise.
 * @param x [N, Cin, H, W] @param W [Cout, Cin, k, k] @param b [Cout]
 */
export function conv2d(g: Builder, x: Tensor, W: Tensor, b?: Tensor, options: { stride?: number; pad?: number } = {}): Tensor {
  const y = g.conv(x, W, { stride: options.stride ?? 1, pad: options.pad ?? Math.floor(W.shape[2] / 2) });
  return b ? g.add(y, g.reshape(b, [W.shape[0], 1, 1])) : y;
}

const convBy = (g: Builder, p: Params, name: string, x: Tensor, stride = 1) => conv2d(g, x, p[`${name}.W`], p[`${name}.b`], { stride });
const normBy = (g: Builder, p: Params, name: string, x: Tensor, groups: number) =>
  groupNorm(g, x, groups, p[`${name}.gamma`], p[`${name}.beta`]);

/**
 * The DDPM residual block (Ho et al. 2020): h = Conv3×3(SiLU(GN(x))) + Linear(SiLU(emb)), then
 * out = skip(x) + Conv3×3(SiLU(GN(h))), with skip a 1×1 conv when the channel count changes (else identity).
 * apply(x [N, cIn, H, W], emb [N, embedding]) → [N, cOut, H, W].
 */
export function residualBlock(
  name: string,
  options: { cIn: number; cOut: number; embedding: number; groups: number },
): Block<[x: Tensor, emb: Tensor]> {
  const { cIn, cOut, embedding, groups } = options;
  for (const c of [cIn, cOut])
    if (c % groups !== 0) throw new DifflowError(`residualBlock ${name}: ${groups} groups do not divide ${c} channels`);
  const skip = cIn !== cOut;
  return {
    name,
    params: [
      ...normParams(`${name}.norm1`, cIn),
      ...convParams(`${name}.conv1`, cIn, cOut, 3),
      ...linearParams(`${name}.emb`, embedding, cOut),
      ...normParams(`${name}.norm2`, cOut),
      ...convParams(`${name}.conv2`, cOut, cOut, 3),
      ...(skip ? convParams(`${name}.skip`, cIn, cOut, 1) : []),
    ],
    apply(g, p, x, emb) {
      let h = convBy(g, p, `${name}.conv1`, g.silu(normBy(g, p, `${name}.norm1`, x, groups)));
      h = g.add(h, g.reshape(g.linear(g.silu(emb), p[`${name}.emb.W`], p[`${name}.emb.b`]), [x.shape[0], cOut, 1, 1]));
      h = convBy(g, p, `${name}.conv2`, g.silu(normBy(g, p, `${name}.norm2`, h, groups)));
      return g.add(skip ? convBy(g, p, `${name}.skip`, x) : x, h);
    },
  };
}

/** Halves H and W: a 3×3 stride-2 conv (`'conv'`, 28 → 14 → 7) or a parameter-free 2×2 average pool (`'pool'`, even sizes). */
export function downsample(name: string, channels: number, kind: 'conv' | 'pool' = 'conv'): Block<[x: Tensor]> {
  return {
    name,
    params: kind === 'conv' ? convParams(`${name}.conv`, channels, channels, 3) : [],
    apply: (g, p, x) => (kind === 'conv' ? convBy(g, p, `${name}.conv`, x, 2) : g.avgPool(x)),
  };
}

/**
 * Doubles H and W: nearest-neighbour ×2, then a 3×3 conv (channels → cOut, default the same), computed in its
 * polyphase form (engine/polyphase.ts: 2.25× fewer multiply-adds; the same function, so PyTorch's Upsample +
 * Conv2d is its mirror).
 */
export function upsample(name: string, channels: number, cOut = channels): Block<[x: Tensor]> {
  return {
    name,
    params: convParams(`${name}.conv`, channels, cOut, 3),
    apply: (g, p, x) => upsampleConv3x3(g, x, p[`${name}.conv.W`], p[`${name}.conv.b`]),
  };
}

/**
 * Single-head self-attention over the H·W positions, as DDPM's AttnBlock: GN, 1×1 convs to q, k, v,
 * softmax(qᵀk/sqrt(C)) over the keys, 1×1 output conv, residual. apply(x [N, C, H, W]) → [N, C, H, W].
 */
export function attention(name: string, channels: number, groups: number): Block<[x: Tensor]> {
  if (channels % groups !== 0) throw new DifflowError(`attention ${name}: ${groups} groups do not divide ${channels} channels`);
  return {
    name,
    params: [
      ...normParams(`${name}.norm`, channels),
      ...['q', 'k', 'v', 'out'].flatMap((c) => convParams(`${name}.${c}`, channels, channels, 1)),
    ],
    apply(g, p, x) {
      const [N, C, H, W] = x.shape;
      const h = normBy(g, p, `${name}.norm`, x, groups);
      const [q, k, v] = ['q', 'k', 'v'].map((c) => g.reshape(convBy(g, p, `${name}.${c}`, h), [N, C, H * W]));
      const weights = g.softmax(g.mul(g.batchMatmul(g.transpose(q, [0, 2, 1]), k), 1 / Math.sqrt(C))); // [N, query, key]
      const attended = g.batchMatmul(v, g.transpose(weights, [0, 2, 1])); // [N, C, query]
      return g.add(x, convBy(g, p, `${name}.out`, g.reshape(attended, [N, C, H, W])));
    },
  };
}
