/**
 * A small class-conditional U-Net for 28×28 grey images (DDPM's design, Ho et al. 2020, at Fashion-MNIST
 * scale), built from the blocks in blocks.ts:
 *
 *   emb = MLP(sinusoid(t)) + onehot(label)·E            E [K + 1, embedding]; row K is the null class
 *   h   = Conv3×3(x)                                     C      × 28²
 *   s1  = Res(h)                                         C      × 28²   (skip)
 *   s2  = Res(Down(s1))                                  2C     × 14²   (skip)
 *   m   = Res(Attn(Res(Down(s2))))                       2C     × 7²
 *   u2  = Res([Up(m), s2])                               2C     × 14²
 *   u1  = Res([Up(u2), s1])                              C      × 28²
 *   out = Conv3×3(SiLU(GN(u1)))                          1      × 28²   (zero-initialised)
 *
 * Every Res block adds a projection of emb (time and class) to its channels. With C = 32 it has about 0.9 M
 * parameters and costs about 0.2 GFLOP per image forward.
 */
import { checkInteger } from '../core/validate.js';
import { DifflowError } from '../core/validate.js';
import type { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import {
  attention,
  conv2d,
  convParams,
  downsample,
  groupNorm,
  linearParams,
  normParams,
  residualBlock,
  upsample,
  type Params,
} from './blocks.js';
import { IMAGE_PIXELS, IMAGE_SHAPE } from './image.js';
import type { Network, ParamSpec } from './network.js';
import { timeEmbedding } from './timeEmbedding.js';

export interface UNetOptions {
  /** Number of real classes K (the label input is one-hot [B, K + 1]). */
  readonly classes?: number;
  /** Channels C at full resolution (2C at 14² and 7²). */
  readonly channels?: number;
  /** Width of the time-and-class embedding. */
  readonly embedding?: number;
  /** GroupNorm groups (must divide C). */
  readonly groups?: number;
  /** Sinusoid frequencies of the time embedding (its width is twice this). */
  readonly timeFrequencies?: number;
  /** Self-attention at 7×7. */
  readonly attention?: boolean;
}

export function unet(options: UNetOptions = {}): Network {
  const classes = options.classes ?? 10;
  const C = options.channels ?? 32;
  const E = options.embedding ?? 4 * C;
  const groups = options.groups ?? 8;
  const freqs = options.timeFrequencies ?? 16;
  const withAttention = options.attention ?? true;
  checkInteger('classes', classes);
  checkInteger('channels', C);
  checkInteger('embedding', E);
  checkInteger('groups', groups);
  checkInteger('timeFrequencies', freqs);
  if (C % groups !== 0) throw new DifflowError(`unet: ${groups} groups do not divide ${C} channels`);

  const res = (name: string, cIn: number, cOut: number) => residualBlock(name, { cIn, cOut, embedding: E, groups });
  const blocks = {
    down1: res('down1', C, C),
    pool1: downsample('pool1', C),
    down2: res('down2', C, 2 * C),
    pool2: downsample('pool2', 2 * C),
    mid1: res('mid1', 2 * C, 2 * C),
    attn: withAttention ? attention('attn', 2 * C, groups) : undefined,
    mid2: res('mid2', 2 * C, 2 * C),
    up2: upsample('up2', 2 * C),
    res2: res('res2', 4 * C, 2 * C),
    up1: upsample('up1', 2 * C, C),
    res1: res('res1', 2 * C, C),
  };
  const params: ParamSpec[] = [
    ...linearParams('time1', 2 * freqs, E),
    ...linearParams('time2', E, E),
    { name: 'classEmbedding', shape: [classes + 1, E], init: { kind: 'normal', std: 1 } },
    ...convParams('in', 1, C, 3),
    ...Object.values(blocks).flatMap((b) => (b ? b.params : [])),
    ...normParams('outNorm', C),
    { name: 'out.W', shape: [1, C, 3, 3], init: { kind: 'zeros' } },
    { name: 'out.b', shape: [1], init: { kind: 'zeros' } },
  ];

  return {
    describe: { kind: 'unet', channels: C, embedding: E, groups, timeFrequencies: freqs, attention: withAttention ? 1 : 0, classes },
    dim: IMAGE_PIXELS,
    classes,
    image: IMAGE_SHAPE,
    params,
    forward(g: Builder, p: Params, z: Tensor, t: Tensor, label?: Tensor): Tensor {
      if (!label) throw new DifflowError('unet: a class-conditional network needs a label input (one-hot, the last column the null class)');
      const B = z.shape[0];
      let emb = g.linear(g.silu(g.linear(timeEmbedding(g, t, freqs), p['time1.W'], p['time1.b'])), p['time2.W'], p['time2.b']);
      emb = g.add(emb, g.matmul(label, p.classEmbedding));
      const x = g.reshape(z, [B, ...IMAGE_SHAPE]);
      const h = conv2d(g, x, p['in.W'], p['in.b']);
      const s1 = blocks.down1.apply(g, p, h, emb);
      const s2 = blocks.down2.apply(g, p, blocks.pool1.apply(g, p, s1), emb);
      let m = blocks.mid1.apply(g, p, blocks.pool2.apply(g, p, s2), emb);
      if (blocks.attn) m = blocks.attn.apply(g, p, m);
      m = blocks.mid2.apply(g, p, m, emb);
      const u2 = blocks.res2.apply(g, p, g.concat([blocks.up2.apply(g, p, m), s2], 1), emb);
      const u1 = blocks.res1.apply(g, p, g.concat([blocks.up1.apply(g, p, u2), s1], 1), emb);
      const out = conv2d(g, g.silu(groupNorm(g, u1, groups, p['outNorm.gamma'], p['outNorm.beta'])), p['out.W'], p['out.b']);
      return g.reshape(out, [B, IMAGE_PIXELS]);
    },
  };
}
