/**
 * A float64 reference interpreter for graphs: slow and simple, used to check gradients by finite
 * differences and ONNX Runtime's results against an independent implementation.
 */
import { DifflowError } from '../core/validate.js';
import { size, type Graph, type Node, type Shape } from './graph.js';
import type { OpName } from './ops.js';
import { broadcast2, convPairs, flat, forEach4, gather, rowStatistics, unflat } from './tensorIndex.js';

type Kernel = (inputs: Float64Array[], shapes: readonly Shape[], node: Node) => Float64Array;

const bin =
  (f: (x: number, y: number) => number): Kernel =>
  (x, s, node) =>
    broadcast2(x[0], s[0], x[1], s[1], node.output.shape, f);
const un =
  (f: (x: number) => number): Kernel =>
  (x) =>
    x[0].map(f);
const sig = (v: number) => 1 / (1 + Math.exp(-v));

const KERNELS: Record<OpName, Kernel> = {
  Add: bin((a, b) => a + b),
  Sub: bin((a, b) => a - b),
  Mul: bin((a, b) => a * b),
  Div: bin((a, b) => a / b),
  Max: bin(Math.max),
  Min: bin(Math.min),
  Neg: un((v) => -v),
  Sigmoid: un(sig),
  Silu: un((v) => v * sig(v)),
  Sin: un(Math.sin),
  Cos: un(Math.cos),
  Exp: un(Math.exp),
  Log: un(Math.log),
  Sqrt: un(Math.sqrt),
  Tanh: un(Math.tanh),
  MatMul: ([a, b], [sa, sb], { attrs, output }) => {
    const [m, n] = output.shape;
    const k = attrs.transA ? sa[0] : sa[1];
    const A = (i: number, p: number) => (attrs.transA ? a[p * sa[1] + i] : a[i * sa[1] + p]);
    const B = (p: number, j: number) => (attrs.transB ? b[j * sb[1] + p] : b[p * sb[1] + j]);
    const r = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += A(i, p) * B(p, j);
        r[i * n + j] = acc;
      }
    return r;
  },
  Concat: (xs, shapes, { attrs, output }) => {
    const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + output.shape.length : (attrs.axis as number);
    const r = new Float64Array(size(output.shape));
    let offset = 0;
    xs.forEach((x, p) => {
      for (let i = 0; i < x.length; i++) {
        const c = unflat(i, shapes[p]);
        c[axis] += offset;
        r[flat(c, output.shape)] = x[i];
      }
      offset += shapes[p][axis];
    });
    return r;
  },
  Slice: ([x], [s], { attrs, output }) =>
    gather(x, output.shape, (c) =>
      flat(
        c.map((v, d) => (d === ((attrs.axis as number) + s.length) % s.length ? v + (attrs.start as number) : v)),
        s,
      ),
    ),
  Pad: ([x], [s], { attrs }) => {
    const pads = attrs.pads as readonly number[];
    const out = s.map((d, i) => d + pads[i] + pads[i + s.length]);
    return gather(x, out, (c) => {
      const inner = c.map((v, d) => v - pads[d]);
      return inner.every((v, d) => v >= 0 && v < s[d]) ? flat(inner, s) : -1;
    });
  },
  ReduceSum: ([x], [s], { attrs }) => {
    const axes = (attrs.axes as readonly number[]).map((a) => (a < 0 ? a + s.length : a));
    const kept = s.map((d, i) => (axes.includes(i) ? 1 : d));
    const r = new Float64Array(size(kept));
    for (let i = 0; i < x.length; i++)
      r[
        flat(
          unflat(i, s).map((v, d) => (axes.includes(d) ? 0 : v)),
          kept,
        )
      ] += x[i];
    return r;
  },
  Reshape: ([x]) => x.slice(),
  Expand: ([x], [s], { output }) =>
    gather(x, output.shape, (c) =>
      flat(
        c.slice(c.length - s.length).map((v, d) => (s[d] === 1 ? 0 : v)),
        s,
      ),
    ),
  BatchMatMul: ([a, b], [sa, sb]) => {
    const [B, m, k] = sa;
    const n = sb[2];
    const r = new Float64Array(B * m * n);
    for (let t = 0; t < B; t++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += a[(t * m + i) * k + p] * b[(t * k + p) * n + j];
          r[(t * m + i) * n + j] = acc;
        }
    return r;
  },
  Softmax: ([x], [s]) => {
    const d = s.length ? s[s.length - 1] : 1;
    const r = new Float64Array(x.length);
    for (let row = 0; row < x.length; row += d) {
      let max = -Infinity;
      for (let k = 0; k < d; k++) max = Math.max(max, x[row + k]);
      let total = 0;
      for (let k = 0; k < d; k++) total += r[row + k] = Math.exp(x[row + k] - max);
      for (let k = 0; k < d; k++) r[row + k] /= total;
    }
    return r;
  },
  Standardize: ([x], [s], { attrs }) => {
    const d = s[s.length - 1];
    const r = new Float64Array(x.length);
    rowStatistics(x, d, attrs.eps as number, (row, mean, scale) => {
      for (let k = 0; k < d; k++) r[row + k] = (x[row + k] - mean) * scale;
    });
    return r;
  },
  GroupNorm: ([x, gamma, beta], [s], { attrs }) => {
    const C = s[1];
    const per = x.length / (s[0] * C); // values per channel
    const d = (C / (attrs.groups as number)) * per; // values per group
    const r = new Float64Array(x.length);
    rowStatistics(x, d, attrs.eps as number, (row, mean, scale) => {
      for (let k = 0; k < d; k++) {
        const c = Math.floor((row + k) / per) % C;
        r[row + k] = (x[row + k] - mean) * scale * gamma[c] + beta[c];
      }
    });
    return r;
  },
  InvStd: ([x], [s], { attrs }) => {
    const d = s[s.length - 1];
    const r = new Float64Array(x.length / d);
    rowStatistics(x, d, attrs.eps as number, (row, _mean, scale) => (r[row / d] = scale));
    return r;
  },
  Flip: ([x], [s], { attrs }) => {
    const axes = (attrs.axes as readonly number[]).map((a) => (a < 0 ? a + s.length : a));
    return gather(x, s, (c) =>
      flat(
        c.map((v, d) => (axes.includes(d) ? s[d] - 1 - v : v)),
        s,
      ),
    );
  },
  Conv: ([x, w], [sx, sw], { attrs, output }) => {
    const y = new Float64Array(size(output.shape));
    convPairs(sx, sw, output.shape, attrs, (ix, iw, iy) => (y[iy] += x[ix] * w[iw]));
    return y;
  },
  // ConvTranspose's weight [C, Cout, kh, kw] is Conv's [Cout, C, …] read from the other side: with the roles
  // of input and output swapped, the same pairs link them.
  ConvTranspose: ([x, w], [sx, sw], { attrs, output }) => {
    const y = new Float64Array(size(output.shape));
    convPairs(output.shape, sw, sx, attrs, (iy, iw, ix) => (y[iy] += x[ix] * w[iw]));
    return y;
  },
  AveragePool: ([x], [s], { attrs, output }) => {
    const f = attrs.factor as number;
    const [, , Ho, Wo] = output.shape;
    const y = new Float64Array(size(output.shape));
    forEach4(s, (n, c, i, j, k) => (y[((n * s[1] + c) * Ho + Math.floor(i / f)) * Wo + Math.floor(j / f)] += x[k] / (f * f)));
    return y;
  },
  Upsample: ([x], [s], { attrs, output }) => {
    const f = attrs.factor as number;
    const y = new Float64Array(size(output.shape));
    forEach4(output.shape, (n, c, i, j, k) => (y[k] = x[((n * s[1] + c) * s[2] + Math.floor(i / f)) * s[3] + Math.floor(j / f)]));
    return y;
  },
  Transpose: ([x], [s], { attrs, output }) => {
    const perm = attrs.perm as readonly number[];
    return gather(x, output.shape, (c) => {
      const src = new Array<number>(s.length);
      perm.forEach((p, i) => (src[p] = c[i]));
      return flat(src, s);
    });
  },
};

/** Evaluates every node in float64; returns the named outputs. */
export function interpret(graph: Graph, feeds: Record<string, ArrayLike<number>>): Record<string, Float64Array> {
  const values = new Map<number, Float64Array>();
  for (const { name, tensor } of graph.inputs) {
    const v = feeds[name];
    if (!v) throw new DifflowError(`missing input '${name}'`);
    if (v.length !== size(tensor.shape)) throw new DifflowError(`input '${name}' needs ${size(tensor.shape)} values, got ${v.length}`);
    values.set(tensor.id, Float64Array.from(v));
  }
  for (const c of graph.constants) values.set(c.tensor.id, Float64Array.from(c.data));
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((t) => values.get(t.id) as Float64Array);
    values.set(
      node.output.id,
      KERNELS[node.op](
        inputs,
        node.inputs.map((t) => t.shape),
        node,
      ),
    );
  }
  return Object.fromEntries(graph.outputs.map(({ name, tensor }) => [name, values.get(tensor.id) as Float64Array]));
}
