/**
 * A class-conditional Diffusion Transformer for 28×28 grey images (DiT, Peebles & Xie 2023, with adaLN-Zero
 * conditioning): the image is cut into p×p patches, each patch becomes a token, a stack of transformer blocks
 * modulated by the time and the label mixes the tokens, and a final layer maps every token back to its patch.
 *
 * With G = 28/p patches a side and N = G² tokens of width W:
 *   x₀ = patches(z)·W_embed + b_embed + pos                                    [B, N, W]
 *   c  = Linear(SiLU(Linear(embed(t)))) + label·E                              [B, W]
 *   per block, with (shift₁, scale₁, gate₁, shift₂, scale₂, gate₂) = Linear_k(SiLU(c)), each [B, W]:
 *     x ← x + gate₁ ⊙ Attn(LN(x) ⊙ (1 + scale₁) + shift₁)
 *     x ← x + gate₂ ⊙ MLP(LN(x) ⊙ (1 + scale₂) + shift₂)
 *   out = unpatch(Linear_out(LN(x) ⊙ (1 + scale) + shift))                      [B, 784]
 * where the modulations broadcast over the N tokens, LN has no affine parameters (ε = 1e-6), and every
 * modulation Linear and Linear_out start at zero: each block starts as the identity and the output as 0.
 * The position embedding pos [N, W] and the label embedding E [K + 1, W] are learned, initialised N(0, 0.02²)
 * (DiT fixes pos to sines and cosines); the one-hot label times E is the embedding lookup without a gather.
 *
 * The six modulations (and q, k, v) are separate W → W Linears rather than one W → 6W Linear whose output is
 * split: the two are the same map (the wide matrix is the narrow ones side by side). They were written before
 * difflow's autodiff had a Slice gradient; the parameter names and the PyTorch mirror follow them. Matrix
 * products act on 2-D [B·N, W] token matrices (one GEMM each in ONNX Runtime); reshapes to [B, N, W] let
 * per-example modulations broadcast over the tokens.
 */
import { DifflowError, checkInteger } from '../core/validate.js';
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import { layerNorm, linearParams, type Params } from './blocks.js';
import { IMAGE_PIXELS, IMAGE_SHAPE, IMAGE_SIDE } from './image.js';
import type { Network, ParamSpec } from './network.js';
import { timeEmbedding } from './timeEmbedding.js';

/** The image side (one channel). */
const SIDE = IMAGE_SIDE;

export interface DitOptions {
  /** Number K of real classes (the label input has K + 1 columns, the last the null class). Default 10. */
  readonly classes?: number;
  /** Patch side p, a divisor of 28. Default 4 (49 tokens). */
  readonly patch?: number;
  /** Token width W. Default 128. */
  readonly width?: number;
  /** Number of transformer blocks. Default 6. */
  readonly depth?: number;
  /** Attention heads, a divisor of the width. Default 4. */
  readonly heads?: number;
  /** MLP hidden width as a multiple of W. Default 4. */
  readonly mlpRatio?: number;
  /** Frequencies of the sinusoidal time embedding (it has twice as many features). Default 16. */
  readonly timeFrequencies?: number;
}

/** `${name}.W` [dIn, dOut] and `${name}.b` [dOut], both zero (adaLN-Zero). */
const zeroLinearParams = (name: string, dIn: number, dOut: number): ParamSpec[] => [
  { name: `${name}.W`, shape: [dIn, dOut], init: { kind: 'zeros' } },
  { name: `${name}.b`, shape: [dOut], init: { kind: 'zeros' } },
];

const linearBy = (g: Builder, p: Params, name: string, x: Tensor): Tensor => g.linear(x, p[`${name}.W`], p[`${name}.b`]);

/**
 * Images to patch tokens: token n = gy·G + gx holds pixel (gy·p + i, gx·p + j) at feature i·p + j.
 * @param z [B, 784] → [B·N, p²]
 */
export function patchify(g: Builder, z: Tensor, patch: number): Tensor {
  const [batch] = z.shape;
  const G = SIDE / patch;
  const grid = g.reshape(z, [batch, G, patch, G, patch]); // [b, gy, i, gx, j]
  return g.reshape(g.transpose(grid, [0, 1, 3, 2, 4]), [batch * G * G, patch * patch]);
}

/** The inverse of `patchify`. @param tokens [B·N, p²] → [B, 784] */
export function unpatchify(g: Builder, tokens: Tensor, patch: number): Tensor {
  const G = SIDE / patch;
  const batch = tokens.shape[0] / (G * G);
  const grid = g.reshape(tokens, [batch, G, G, patch, patch]); // [b, gy, gx, i, j]
  return g.reshape(g.transpose(grid, [0, 1, 3, 2, 4]), [batch, IMAGE_PIXELS]);
}

/** LN(x) ⊙ (1 + scale) + shift over the last axis. @param x [B, N, W] @param shift [B, 1, W] @param scale [B, 1, W] */
const modulate = (g: Builder, x: Tensor, shift: Tensor, scale: Tensor): Tensor => layerNorm(g, x, g.add(scale, 1), shift, 1e-6);

/** A zero-initialised modulation Linear(SiLU(c)) as [B, 1, W], ready to broadcast over tokens. @param siluC [B, W] */
const modulation = (g: Builder, p: Params, name: string, siluC: Tensor): Tensor =>
  g.reshape(linearBy(g, p, name, siluC), [siluC.shape[0], 1, siluC.shape[1]]);

/**
 * Multi-head self-attention within each example: q, k, v = h·W_{q,k,v} + b split into heads of width
 * d = W/heads, softmax(q·kᵀ/√d)·v per head, the heads side by side, then the output Linear.
 * @param h [B, N, W] → [B·N, W]
 */
function selfAttention(g: Builder, p: Params, name: string, h: Tensor, heads: number): Tensor {
  const [batch, N, W] = h.shape;
  const d = W / heads;
  const rows = g.reshape(h, [batch * N, W]);
  // perm [0, 2, 1, 3] gives [B, heads, N, d] (q, v); [0, 2, 3, 1] gives kᵀ as [B, heads, d, N].
  const split = (which: string, perm: readonly number[]) => {
    const byHead = g.transpose(g.reshape(linearBy(g, p, `${name}.${which}`, rows), [batch, N, heads, d]), perm);
    return g.reshape(byHead, [batch * heads, byHead.shape[2], byHead.shape[3]]);
  };
  const [q, kT, v] = [split('q', [0, 2, 1, 3]), split('k', [0, 2, 3, 1]), split('v', [0, 2, 1, 3])];
  const weights = g.softmax(g.batchMatmul(g.mul(q, 1 / Math.sqrt(d)), kT)); // [B·heads, query, key]
  const attended = g.transpose(g.reshape(g.batchMatmul(weights, v), [batch, heads, N, d]), [0, 2, 1, 3]); // [B, N, heads, d]
  return linearBy(g, p, `${name}.proj`, g.reshape(attended, [batch * N, W]));
}

/**
 * One DiT block with adaLN-Zero: the attention and MLP branches each see the normalised tokens shifted and
 * scaled per example and are gated per example before their residual add. The MLP is Linear → SiLU → Linear
 * (SiLU instead of DiT's tanh-GELU: a native ONNX op, one kernel forward and a cheap gradient).
 * @param x [B, N, W] @param siluC [B, W] → [B, N, W]
 */
function ditBlock(g: Builder, p: Params, name: string, x: Tensor, siluC: Tensor, heads: number): Tensor {
  const [batch, N, W] = x.shape;
  const [shift1, scale1, gate1, shift2, scale2, gate2] = ['shift1', 'scale1', 'gate1', 'shift2', 'scale2', 'gate2'].map((m) =>
    modulation(g, p, `${name}.${m}`, siluC),
  );
  const attn = selfAttention(g, p, `${name}.attn`, modulate(g, x, shift1, scale1), heads);
  const mid = g.add(x, g.mul(gate1, g.reshape(attn, [batch, N, W])));
  const hidden = g.silu(linearBy(g, p, `${name}.fc1`, g.reshape(modulate(g, mid, shift2, scale2), [batch * N, W])));
  return g.add(mid, g.mul(gate2, g.reshape(linearBy(g, p, `${name}.fc2`, hidden), [batch, N, W])));
}

/**
 * The DiT denoiser for 28×28 grey images, class-conditional with a null class for classifier-free guidance.
 * Defaults (p = 4, W = 128, 6 blocks of 4 heads, MLP ×4, 16 time frequencies, 10 classes): 1 846 672 parameters.
 */
export function dit(options: DitOptions = {}): Network {
  const { classes = 10, patch = 4, width = 128, depth = 6, heads = 4, mlpRatio = 4, timeFrequencies = 16 } = options;
  for (const [name, value] of Object.entries({ classes, patch, width, depth, heads, mlpRatio, timeFrequencies })) checkInteger(name, value);
  if (SIDE % patch !== 0) throw new DifflowError(`dit: patch ${patch} does not divide the image side ${SIDE}`);
  if (width % heads !== 0) throw new DifflowError(`dit: ${heads} heads do not divide width ${width}`);
  const tokens = (SIDE / patch) ** 2;
  const hidden = mlpRatio * width;

  const blockParams = (name: string): ParamSpec[] => [
    ...['shift1', 'scale1', 'gate1', 'shift2', 'scale2', 'gate2'].flatMap((m) => zeroLinearParams(`${name}.${m}`, width, width)),
    ...['q', 'k', 'v', 'proj'].flatMap((m) => linearParams(`${name}.attn.${m}`, width, width)),
    ...linearParams(`${name}.fc1`, width, hidden),
    ...linearParams(`${name}.fc2`, hidden, width),
  ];
  const params: ParamSpec[] = [
    ...linearParams('embed', patch * patch, width),
    { name: 'pos', shape: [tokens, width], init: { kind: 'normal', std: 0.02 } },
    ...linearParams('time.0', 2 * timeFrequencies, width),
    ...linearParams('time.1', width, width),
    { name: 'labelEmbedding', shape: [classes + 1, width], init: { kind: 'normal', std: 0.02 } },
    ...Array.from({ length: depth }, (_, l) => blockParams(`block${l}`)).flat(),
    ...zeroLinearParams('final.shift', width, width),
    ...zeroLinearParams('final.scale', width, width),
    ...zeroLinearParams('final.out', width, patch * patch),
  ];

  return {
    describe: { kind: 'dit', classes, patch, width, depth, heads, mlpRatio, timeFrequencies },
    dim: IMAGE_PIXELS,
    params,
    classes,
    image: IMAGE_SHAPE,
    forward(g, p, z, t, label) {
      if (!label) throw new DifflowError(`dit: the forward pass needs a one-hot label [batch, ${classes + 1}]`);
      const [batch] = z.shape;
      let x = g.add(g.reshape(linearBy(g, p, 'embed', patchify(g, z, patch)), [batch, tokens, width]), p.pos);
      const c = g.add(
        linearBy(g, p, 'time.1', g.silu(linearBy(g, p, 'time.0', timeEmbedding(g, t, timeFrequencies)))),
        g.matmul(label, p.labelEmbedding),
      );
      const siluC = g.silu(c);
      for (let l = 0; l < depth; l++) x = ditBlock(g, p, `block${l}`, x, siluC, heads);
      const h = modulate(g, x, modulation(g, p, 'final.shift', siluC), modulation(g, p, 'final.scale', siluC));
      return unpatchify(g, linearBy(g, p, 'final.out', g.reshape(h, [batch * tokens, width])), patch);
    },
  };
}
