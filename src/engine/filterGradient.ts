/**
 * ∂L/∂w of y = conv(u, w) from gy = ∂L/∂y: im2col as a convolution with a constant one-hot filter, then one
 * batched MatMul over the images and a sum,
 *
 *   ∂L/∂w[o, c, a, b] = Σ_{n, i, j} gy[n, o, i, j] · u[n, c, s·i − top + d·a, s·j − left + d·b].
 *
 * Three choices make it cheaper in ONNX Runtime (CPU, batch 64, 2 threads; A/B in one process):
 * - From 14×14 with channel counts alike, no full patches: column patches of u times row-shifted copies of gy
 *   (shiftedProduct), when (kw·C + kh·O)·Hp is at least 10 % below kh·kw·min(C, O)·Ho, the one-sided patches'
 *   size (U-Net step: CPU 800 → 774 ms).
 * - Otherwise, which side is patched. The patches are kh·kw times the patched tensor, so at stride 1 the side
 *   with fewer channels is: gy when it has fewer channels than u (its patches taken with the flipped filter,
 *   the geometry of the input gradient). [64, 64, 28², 3×3] → 32 channels: 26.9 → 18.9 ms.
 * - Small images stacked. At 7² the per-image product has an inner dimension of only 49 pixels (a slow GEMM,
 *   and a per-image cost in the patch conv); g images stacked, each padded to its own frame so that no patch
 *   reaches into a neighbour, make one image of g·frame rows: 64 → 64 channels at 7², 5.3–5.7 → 4.5–4.9 ms. At
 *   14² (g = 4) it breaks even; 28² is not stacked.
 * Also measured, not used: the batch as channels (a Conv with gy as a Ho×Wo filter: a 3×3 output, skinny
 * GEMMs; through the blocked kernels 1.6–2.3× slower at 28²); one GEMM per tap over shifted flat views (the
 * slices copy as many bytes as the patches); one GEMM over all images (layout [C·k², N·P]: MLAS was slower on
 * the long inner dimension); Gather for the patches.
 */
import type { Builder } from './builder.js';
import type { Node, Tensor } from './graph.js';

/**
 * Inner-dimension length (pixels per product) up to which small images are stacked: a measured threshold (one 28²
 * image), not the data's size.
 */
const TILE_PIXELS = 784;
/** Output pixels from which shiftedProduct is used … */
const SHIFTED_PIXELS = 196;
/** … when it moves at most this fraction of the values one-sided patches move. */
const SHIFTED_SHARE = 0.9;

/** One constant one-hot filter [k·k, 1, kh, kw] per graph, kernel size and orientation. */
const patchFilters = new WeakMap<Builder, Map<string, Tensor>>();
function patchFilter(g: Builder, kh: number, kw: number, flipped: boolean): Tensor {
  let byKernel = patchFilters.get(g);
  if (!byKernel) {
    byKernel = new Map();
    patchFilters.set(g, byKernel);
  }
  const key = `${kh}x${kw}${flipped ? 'f' : ''}`;
  let eye = byKernel.get(key);
  if (!eye) {
    const kk = kh * kw;
    // Output channel t = a·kw + b picks tap (a, b), or (kh − 1 − a, kw − 1 − b) when flipped.
    eye = g.constant(
      Array.from({ length: kk * kk }, (_, i) => (Math.floor(i / kk) === (flipped ? kk - 1 - (i % kk) : i % kk) ? 1 : 0)),
      [kk, 1, kh, kw],
    );
    byKernel.set(key, eye);
  }
  return eye;
}

interface PatchGeometry {
  readonly pads: readonly number[];
  readonly stride: number;
  readonly dilation: number;
  readonly flipped: boolean;
}

/** Σ_n a_n · b_nᵀ for a [N, A, K] and b [N, B, K]: one batched MatMul and a sum over the images, [A, B]. */
function summedProduct(g: Builder, a: Tensor, b: Tensor): Tensor {
  return g.sum(g.batchMatmul(a, g.transpose(b, [0, 2, 1])), [0]);
}

/** The largest divisor of n that is at most `most`. */
function divisorAtMost(n: number, most: number): number {
  for (let k = Math.min(n, most); k > 1; k--) if (n % k === 0) return k;
  return 1;
}

/**
 * Σ_n patches(a)_n · b_nᵀ: [Ca·kh·kw, Cb], where the patch conv of a (geometry `p`) has b's height and width.
 */
function patchProduct(g: Builder, a: Tensor, b: Tensor, kh: number, kw: number, p: PatchGeometry): Tensor {
  const [N, Ca, Ha, Wa] = a.shape;
  const [, Cb, Hb, Wb] = b.shape;
  const taps = kh * kw;
  const filter = patchFilter(g, kh, kw, p.flipped);
  const group = divisorAtMost(N, Math.ceil(TILE_PIXELS / (Hb * Wb)));
  if (group === 1) {
    const cols = g.reshape(g.conv(g.reshape(a, [N * Ca, 1, Ha, Wa]), filter, { stride: p.stride, dilation: p.dilation, pad: p.pads }), [
      N,
      Ca * taps,
      Hb * Wb,
    ]);
    return summedProduct(g, cols, g.reshape(b, [N, Cb, Hb * Wb]));
  }
  // Image k of a group owns rows [k·frame, (k + 1)·frame) of a tall image: its own top and bottom pads, rounded
  // up to a whole number of strides, so that its outputs are rows [k·span, k·span + Hb); the (span − Hb) output
  // rows after them read into the next frame and meet zero rows in b. Stacking rows, not columns, keeps each
  // image's pixels contiguous: the transposes and pads move whole images and rows.
  const [top, left, bottom, right] = p.pads;
  const { stride: s, dilation: d } = p;
  const span = Math.ceil((Ha + top + bottom) / s);
  const frame = span * s;
  const M = N / group;
  const stacked = (t: Tensor, before: number, after: number) => {
    const [, c, h, w] = t.shape;
    const grouped = g.transpose(g.reshape(t, [M, group, c, h, w]), [0, 2, 1, 3, 4]); // [M, c, group, h, w]
    return g.pad(grouped, [0, 0, 0, before, 0, 0, 0, 0, after, 0]);
  };
  const tall = g.reshape(stacked(a, top, frame - Ha - top), [M * Ca, 1, group * frame, Wa]);
  // Zero rows after the last frame so that the conv yields exactly group·span rows.
  const tail = Math.max(0, d * (kh - 1) + 1 - s);
  const cols = g.reshape(g.conv(tall, filter, { stride: s, dilation: d, pad: [0, left, tail, right] }), [M, Ca * taps, group * span * Wb]);
  return summedProduct(g, cols, g.reshape(stacked(b, 0, span - Hb), [M, Cb, group * span * Wb]));
}

/**
 * The same sum with column patches of u and row-shifted copies of gy (stride 1, dilation 1):
 *   cols[n, (c, b), (i', j)] = u_p[n, c, i', j + b],  rows[n, (o, a), (i', j)] = gy[n, o, i' − a, j]
 * over the Hp = H + top + bottom padded rows i', then Σ_n cols·rowsᵀ = [(c, b), (o, a)]. (kw·C + kh·O)·Hp·Wo
 * values where one-sided patches take kh·kw·min(C, O)·Ho·Wo: [64, 32 → 32, 28²]: 14.1 → 13.0 ms; [64, 64 → 64,
 * 14²]: 15.0 → 13.7 ms (against stacked patches). At 7² the longer inner dimension loses (5.4 → 6.7 ms).
 */
function shiftedProduct(g: Builder, u: Tensor, gy: Tensor, kh: number, kw: number, pads: readonly number[]): Tensor {
  const [N, C, H, W] = u.shape;
  const [, O, Ho, Wo] = gy.shape;
  const [top, left, bottom, right] = pads;
  const Hp = H + top + bottom;
  // cols [N·C, kw, Hp, Wo]
  const cols = g.conv(g.reshape(u, [N * C, 1, H, W]), patchFilter(g, 1, kw, false), { pad: [top, left, bottom, right] });
  // Tap a of a kh×1 filter over gy padded by kh − 1 rows reads gy row i' + a − (kh − 1): the flipped one-hot.
  const rows = g.conv(g.reshape(gy, [N * O, 1, Ho, Wo]), patchFilter(g, kh, 1, true), { pad: [kh - 1, 0, kh - 1, 0] }); // [N·O, kh, Hp, Wo]
  const product = summedProduct(g, g.reshape(cols, [N, C * kw, Hp * Wo]), g.reshape(rows, [N, O * kh, Hp * Wo])); // [C·kw, O·kh]
  return g.reshape(g.transpose(g.reshape(product, [C, kw, O, kh]), [2, 0, 3, 1]), [O, C, kh, kw]);
}

/** ∂L/∂w [Cout, C, kh, kw] of y = conv(u, w) (Conv attributes `attrs`) given gy = ∂L/∂y. */
export function filterGradient(g: Builder, u: Tensor, gy: Tensor, kh: number, kw: number, attrs: Node['attrs']): Tensor {
  const [N, C, H, W] = u.shape;
  const [, O, Ho, Wo] = gy.shape;
  const pads = attrs.pads as readonly number[];
  const stride = attrs.stride as number;
  const dilation = attrs.dilation as number;
  if (kh === 1 && kw === 1 && stride === 1 && pads.every((q) => q === 0)) {
    const product = summedProduct(g, g.reshape(u, [N, C, H * W]), g.reshape(gy, [N, O, Ho * Wo])); // [C, O]
    return g.reshape(g.transpose(product, [1, 0]), [O, C, 1, 1]);
  }
  if (stride === 1 && dilation === 1 && Ho * Wo >= SHIFTED_PIXELS) {
    const Hp = H + pads[0] + pads[2];
    if ((kw * C + kh * O) * Hp < SHIFTED_SHARE * kh * kw * Math.min(C, O) * Ho) return shiftedProduct(g, u, gy, kh, kw, pads);
  }
  // gy's patches, at u's pixels: gy[n, o, p + top − a, q + left − b] is the flipped filter's tap with pads k − 1 − pad.
  const flippedPads = [kh - 1 - pads[0], kw - 1 - pads[1], kh - 1 - pads[2], kw - 1 - pads[3]];
  if (stride === 1 && dilation === 1 && O < C && flippedPads.every((q) => q >= 0)) {
    const product = patchProduct(g, gy, u, kh, kw, { pads: flippedPads, stride: 1, dilation: 1, flipped: true }); // [O·kh·kw, C]
    return g.reshape(g.transpose(g.reshape(product, [O, kh * kw, C]), [0, 2, 1]), [O, C, kh, kw]);
  }
  const product = patchProduct(g, u, gy, kh, kw, { pads, stride, dilation, flipped: false }); // [C·kh·kw, O]
  return g.reshape(g.transpose(product, [1, 0]), [O, C, kh, kw]);
}
