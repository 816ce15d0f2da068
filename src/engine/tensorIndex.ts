/**
 * Index arithmetic over row-major tensors for the float64 reference interpreter (interpret.ts): strides,
 * broadcasting, gathers, NCHW loops, the index triples of a convolution and per-row statistics.
 */
import type { Node, Shape } from './graph.js';
import { size } from './graph.js';

export const strides = (shape: Shape) => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};

/** out[i] = f(a[ia], b[ib]) with numpy broadcasting into the output shape. */
export function broadcast2(
  a: Float64Array,
  sa: Shape,
  b: Float64Array,
  sb: Shape,
  out: Shape,
  f: (x: number, y: number) => number,
): Float64Array {
  const n = size(out);
  const r = new Float64Array(n);
  const so = strides(out);
  const pa = strides(sa);
  const pb = strides(sb);
  for (let i = 0; i < n; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < out.length; d++) {
      const c = Math.floor(i / so[d]) % out[d];
      const da = d - (out.length - sa.length);
      const db = d - (out.length - sb.length);
      if (da >= 0 && sa[da] !== 1) ia += c * pa[da];
      if (db >= 0 && sb[db] !== 1) ib += c * pb[db];
    }
    r[i] = f(a[ia], b[ib]);
  }
  return r;
}

/** Gathers `x` (shape `s`) into `out` by mapping each output multi-index to an input flat index. */
export function gather(x: Float64Array, out: Shape, index: (coords: number[]) => number): Float64Array {
  const n = size(out);
  const r = new Float64Array(n);
  const so = strides(out);
  const coords = new Array<number>(out.length);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < out.length; d++) coords[d] = Math.floor(i / so[d]) % out[d];
    const at = index(coords);
    r[i] = at < 0 ? 0 : x[at]; // −1: outside the input (padding)
  }
  return r;
}

/** For each row of length d: its mean and 1/sqrt(biased variance + eps). */
export function rowStatistics(x: Float64Array, d: number, eps: number, f: (row: number, mean: number, scale: number) => void): void {
  for (let row = 0; row < x.length; row += d) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += x[row + k];
    mean /= d;
    let variance = 0;
    for (let k = 0; k < d; k++) variance += (x[row + k] - mean) ** 2;
    f(row, mean, 1 / Math.sqrt(variance / d + eps));
  }
}

/** Calls f(n, c, i, j, flat) for every element of an NCHW tensor. */
export function forEach4(shape: Shape, f: (n: number, c: number, i: number, j: number, flat: number) => void): void {
  const [N, C, H, W] = shape;
  let k = 0;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) f(n, c, i, j, k++);
}

/**
 * Visits every (input position, weight, output position) triple of a convolution: x [N, C, H, W],
 * w [Cout, C, kh, kw] (Conv's layout), y [N, Cout, Ho, Wo], linked by
 * y[n, o, i, j] ∋ x[n, c, s·i − top + d·a, s·j − left + d·b]·w[o, c, a, b].
 */
export function convPairs(sx: Shape, sw: Shape, sy: Shape, attrs: Node['attrs'], f: (ix: number, iw: number, iy: number) => void): void {
  const [N, C, H, W] = sx;
  const [O, , kh, kw] = sw;
  const [, , Ho, Wo] = sy;
  const s = attrs.stride as number;
  const d = attrs.dilation as number;
  const [top, left] = attrs.pads as readonly number[];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const iy = ((n * O + o) * Ho + i) * Wo + j;
          for (let c = 0; c < C; c++)
            for (let a = 0; a < kh; a++) {
              const r = s * i - top + d * a;
              if (r < 0 || r >= H) continue;
              for (let b = 0; b < kw; b++) {
                const q = s * j - left + d * b;
                if (q >= 0 && q < W) f(((n * C + c) * H + r) * W + q, ((o * C + c) * kh + a) * kw + b, iy);
              }
            }
        }
}

export function unflat(i: number, shape: Shape): number[] {
  const st = strides(shape);
  return shape.map((d, k) => Math.floor(i / st[k]) % d);
}
export function flat(c: readonly number[], shape: Shape): number {
  const st = strides(shape);
  return c.reduce((acc, v, k) => acc + v * st[k], 0);
}
