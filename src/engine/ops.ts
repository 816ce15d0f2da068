/**
 * The ops a diffusion network and its training step need, with their static shape rules. Lowering to ONNX
 * (onnx.ts), float64 evaluation (interpret.ts) and gradients (autodiff.ts) each keep a table keyed by the
 * same names, so a new op must be added to all four.
 */
import { DifflowError } from '../core/validate.js';
import type { Shape } from './graph.js';
import { arity, broadcastShapes, convAttrs, convLength, normAxis, rank4 } from './shapeRules.js';

export { broadcastShapes, convLength } from './shapeRules.js';

export type OpName =
  | 'Add'
  | 'Sub'
  | 'Mul'
  | 'Div'
  | 'Max'
  | 'Min'
  | 'Neg'
  | 'Sigmoid'
  | 'Silu'
  | 'Sin'
  | 'Cos'
  | 'Exp'
  | 'Log'
  | 'Sqrt'
  | 'Tanh'
  | 'MatMul'
  | 'Concat'
  | 'Slice'
  | 'ReduceSum'
  | 'Reshape'
  | 'Transpose'
  | 'Expand'
  | 'BatchMatMul'
  | 'Softmax'
  | 'Standardize'
  | 'InvStd'
  | 'GroupNorm'
  | 'Flip'
  | 'Pad'
  | 'Conv'
  | 'ConvTranspose'
  | 'AveragePool'
  | 'Upsample';

export type Attrs = Readonly<Record<string, number | readonly number[]>>;

export interface OpDef {
  shape(inputs: readonly Shape[], attrs: Attrs, op: string): Shape;
}

export const BINARY: readonly OpName[] = ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min'];
export const UNARY: readonly OpName[] = ['Neg', 'Sigmoid', 'Silu', 'Sin', 'Cos', 'Exp', 'Log', 'Sqrt', 'Tanh'];

const binary: OpDef = {
  shape: (s, _a, op) => {
    arity(op, s, 2);
    return broadcastShapes(s[0], s[1], op);
  },
};
const unary: OpDef = {
  shape: (s, _a, op) => {
    arity(op, s, 1);
    return s[0];
  },
};

export const OPS: Record<OpName, OpDef> = {
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Max: binary,
  Min: binary,
  Neg: unary,
  Sigmoid: unary,
  Silu: unary,
  Sin: unary,
  Cos: unary,
  Exp: unary,
  Log: unary,
  Sqrt: unary,
  Tanh: unary,
  /** 2-D matrix product op(A)·op(B), op = transpose where transA/transB = 1. */
  MatMul: {
    shape: (s, a, op) => {
      arity(op, s, 2);
      const [A, B] = s;
      if (A.length !== 2 || B.length !== 2) throw new DifflowError(`${op}: needs 2-D inputs, got [${A}] and [${B}]`);
      const [m, k] = a.transA ? [A[1], A[0]] : [A[0], A[1]];
      const [k2, n] = a.transB ? [B[1], B[0]] : [B[0], B[1]];
      if (k !== k2) throw new DifflowError(`${op}: inner dimensions differ: [${A}]${a.transA ? 'ᵀ' : ''} · [${B}]${a.transB ? 'ᵀ' : ''}`);
      return [m, n];
    },
  },
  Concat: {
    shape: (s, a, op) => {
      const axis = normAxis(a.axis as number, s[0].length, op);
      const out = [...s[0]];
      for (const t of s.slice(1)) {
        if (t.length !== out.length || t.some((d, i) => i !== axis && d !== out[i]))
          throw new DifflowError(`${op}: shapes [${s[0]}] and [${t}] differ off axis ${axis}`);
        out[axis] += t[axis];
      }
      return out;
    },
  },
  /** Elements [start, end) along one axis. */
  Slice: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const axis = normAxis(a.axis as number, s[0].length, op);
      const [start, end] = [a.start as number, a.end as number];
      if (!(start >= 0 && end <= s[0][axis] && start < end))
        throw new DifflowError(`${op}: [${start}, ${end}) outside axis of size ${s[0][axis]}`);
      const out = [...s[0]];
      out[axis] = end - start;
      return out;
    },
  },
  /** Zeros around each axis: pads = [before₀, before₁, …, after₀, after₁, …] (ONNX's order), all ≥ 0. */
  Pad: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const pads = a.pads as readonly number[];
      const r = s[0].length;
      if (pads.length !== 2 * r || !pads.every((v) => Number.isInteger(v) && v >= 0))
        throw new DifflowError(`${op}: pads [${pads}] must be ${2 * r} non-negative integers for rank ${r}`);
      return s[0].map((d, i) => d + pads[i] + pads[i + r]);
    },
  },
  ReduceSum: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const axes = (a.axes as readonly number[]).map((x) => normAxis(x, s[0].length, op));
      return a.keepdims ? s[0].map((d, i) => (axes.includes(i) ? 1 : d)) : s[0].filter((_, i) => !axes.includes(i));
    },
  },
  Reshape: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const shape = a.shape as readonly number[];
      if (shape.reduce((x, y) => x * y, 1) !== s[0].reduce((x, y) => x * y, 1))
        throw new DifflowError(`${op}: cannot reshape [${s[0]}] to [${shape}]`);
      return shape;
    },
  },
  /** Broadcasts to `shape` (numpy rules). */
  Expand: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const shape = a.shape as readonly number[];
      const out = broadcastShapes(s[0], shape, op);
      if (out.length !== shape.length || out.some((d, i) => d !== shape[i]))
        throw new DifflowError(`${op}: [${s[0]}] does not expand to [${shape}]`);
      return shape;
    },
  },
  Transpose: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const perm = a.perm as readonly number[];
      if (perm.length !== s[0].length) throw new DifflowError(`${op}: perm [${perm}] does not match rank ${s[0].length}`);
      return perm.map((p) => s[0][p]);
    },
  },
  /** Batched matrix product [B, m, k]·[B, k, n] → [B, m, n]. */
  BatchMatMul: {
    shape: (s, _a, op) => {
      arity(op, s, 2);
      const [A, B] = s;
      if (A.length !== 3 || B.length !== 3 || A[0] !== B[0] || A[2] !== B[1])
        throw new DifflowError(`${op}: needs [B, m, k] and [B, k, n], got [${A}] and [${B}]`);
      return [A[0], A[1], B[2]];
    },
  },
  /** exp(x − max)/Σ exp(x − max) along the last axis. */
  Softmax: unary,
  /** (x − mean)/sqrt(var + eps) along the last axis (biased variance); attrs.eps > 0. */
  Standardize: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      if (!(typeof a.eps === 'number' && a.eps > 0)) throw new DifflowError(`${op}: eps must be a positive number, got ${a.eps}`);
      if (s[0].length === 0) throw new DifflowError(`${op}: needs at least one axis`);
      return s[0];
    },
  },
  /** 1/sqrt(var + eps) along the last axis, kept as an axis of size 1: Standardize's scale. */
  InvStd: {
    shape: (s, a, op) => {
      const out = OPS.Standardize.shape(s, a, op);
      return [...out.slice(0, -1), 1];
    },
  },
  /**
   * Group normalisation (Wu & He 2018): x [N, C, …] with its C channels in `groups` groups, each group of each
   * example standardised over its C/G·(…) values (biased variance, eps), then γ [C]·x̂ + β [C] per channel.
   */
  GroupNorm: {
    shape: (s, a, op) => {
      arity(op, s, 3);
      const [x, gamma, beta] = s;
      const groups = a.groups as number;
      if (!(typeof a.eps === 'number' && a.eps > 0)) throw new DifflowError(`${op}: eps must be a positive number, got ${a.eps}`);
      if (x.length < 2) throw new DifflowError(`${op}: needs an input [N, C, …], got [${x}]`);
      if (!Number.isInteger(groups) || groups < 1 || x[1] % groups !== 0)
        throw new DifflowError(`${op}: ${groups} groups do not divide ${x[1]} channels`);
      for (const [what, t] of [
        ['gamma', gamma],
        ['beta', beta],
      ] as const) {
        if (t.length !== 1 || t[0] !== x[1]) throw new DifflowError(`${op}: ${what} must be [${x[1]}], got [${t}]`);
      }
      return x;
    },
  },
  /** Reverses the order of elements along each of `axes`. */
  Flip: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      (a.axes as readonly number[]).forEach((x) => normAxis(x, s[0].length, op));
      return s[0];
    },
  },
  /**
   * 2-D cross-correlation (NCHW): x [N, C, H, W], w [Cout, C, kh, kw] → [N, Cout, Ho, Wo];
   * y[n, o, i, j] = Σ_{c,a,b} x[n, c, s·i − top + d·a, s·j − left + d·b]·w[o, c, a, b], zero outside x.
   */
  Conv: {
    shape: (s, a, op) => {
      arity(op, s, 2);
      const [x, w] = s;
      rank4(op, 'input', x);
      rank4(op, 'weight', w);
      if (w[1] !== x[1]) throw new DifflowError(`${op}: weight [${w}] expects ${w[1]} input channels, input [${x}] has ${x[1]}`);
      const { stride, dilation, pads } = convAttrs(a, op);
      const out = [
        x[0],
        w[0],
        convLength(x[2], w[2], stride, pads[0], pads[2], dilation),
        convLength(x[3], w[3], stride, pads[1], pads[3], dilation),
      ];
      if (out[2] < 1 || out[3] < 1)
        throw new DifflowError(`${op}: kernel [${w[2]}, ${w[3]}] does not fit input [${x}] with pads [${pads}]`);
      return out;
    },
  },
  /**
   * The adjoint of Conv (ONNX ConvTranspose): x [N, C, H, W], w [C, Cout, kh, kw] → [N, Cout, Ho, Wo] with
   * Ho = s·(H − 1) + d·(kh − 1) + 1 − top − bottom + outputPadding[0]; y[n, o, s·i − top + d·a, …] += x[n, c, i, …]·w[c, o, a, …].
   */
  ConvTranspose: {
    shape: (s, a, op) => {
      arity(op, s, 2);
      const [x, w] = s;
      rank4(op, 'input', x);
      rank4(op, 'weight', w);
      if (w[0] !== x[1]) throw new DifflowError(`${op}: weight [${w}] expects ${w[0]} input channels, input [${x}] has ${x[1]}`);
      const { stride, dilation, pads } = convAttrs(a, op);
      const extra = (a.outputPadding as readonly number[] | undefined) ?? [0, 0];
      if (extra.length !== 2 || extra.some((e) => !Number.isInteger(e) || e < 0 || e >= Math.max(stride, dilation)))
        throw new DifflowError(`${op}: outputPadding [${extra}] must be 2 integers below the stride or dilation`);
      const length = (n: number, k: number, before: number, after: number, e: number) =>
        stride * (n - 1) + dilation * (k - 1) + 1 - before - after + e;
      const out = [x[0], w[1], length(x[2], w[2], pads[0], pads[2], extra[0]), length(x[3], w[3], pads[1], pads[3], extra[1])];
      if (out[2] < 1 || out[3] < 1) throw new DifflowError(`${op}: pads [${pads}] leave no output for input [${x}]`);
      return out;
    },
  },
  /** Mean over non-overlapping f×f blocks (kernel = stride = `factor`): [N, C, H, W] → [N, C, H/f, W/f]. */
  AveragePool: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      rank4(op, 'input', s[0]);
      const f = a.factor as number;
      if (!Number.isInteger(f) || f < 1 || s[0][2] % f !== 0 || s[0][3] % f !== 0)
        throw new DifflowError(`${op}: ${f}×${f} blocks do not tile [${s[0]}]`);
      return [s[0][0], s[0][1], s[0][2] / f, s[0][3] / f];
    },
  },
  /** Nearest-neighbour upsampling by an integer `factor`: [N, C, H, W] → [N, C, f·H, f·W]. */
  Upsample: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      rank4(op, 'input', s[0]);
      const f = a.factor as number;
      if (!Number.isInteger(f) || f < 1) throw new DifflowError(`${op}: factor ${f} must be a positive integer`);
      return [s[0][0], s[0][1], f * s[0][2], f * s[0][3]];
    },
  },
};
