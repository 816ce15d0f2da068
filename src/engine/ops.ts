/**
 * The ops a diffusion network and its training step need, with their static shape rules. Lowering to ONNX
 * (onnx.ts), float64 evaluation (interpret.ts) and gradients (autodiff.ts) each keep a table keyed by the
 * same names, so a new op must be added to all four.
 */
import { DifflowError } from '../core/validate.js';
import type { Shape } from './graph.js';

export type OpName =
  | 'Add' | 'Sub' | 'Mul' | 'Div' | 'Max' | 'Min'
  | 'Neg' | 'Sigmoid' | 'Silu' | 'Sin' | 'Cos' | 'Exp' | 'Log' | 'Sqrt' | 'Tanh'
  | 'MatMul' | 'Concat' | 'Slice' | 'ReduceSum' | 'Reshape' | 'Transpose' | 'Expand';

export type Attrs = Readonly<Record<string, number | readonly number[]>>;

export interface OpDef {
  shape(inputs: readonly Shape[], attrs: Attrs, op: string): Shape;
}

export const BINARY: readonly OpName[] = ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min'];
export const UNARY: readonly OpName[] = ['Neg', 'Sigmoid', 'Silu', 'Sin', 'Cos', 'Exp', 'Log', 'Sqrt', 'Tanh'];

/** Numpy broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): Shape {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new DifflowError(`${op}: shapes [${a}] and [${b}] do not broadcast`);
    out.push(Math.max(da, db));
  }
  return out;
}

const arity = (op: string, inputs: readonly Shape[], n: number) => {
  if (inputs.length !== n) throw new DifflowError(`${op} takes ${n} inputs, got ${inputs.length}`);
};
const normAxis = (axis: number, rank: number, op: string) => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new DifflowError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
};

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
  Add: binary, Sub: binary, Mul: binary, Div: binary, Max: binary, Min: binary,
  Neg: unary, Sigmoid: unary, Silu: unary, Sin: unary, Cos: unary, Exp: unary, Log: unary, Sqrt: unary, Tanh: unary,
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
        if (t.length !== out.length || t.some((d, i) => i !== axis && d !== out[i])) throw new DifflowError(`${op}: shapes [${s[0]}] and [${t}] differ off axis ${axis}`);
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
      if (!(start >= 0 && end <= s[0][axis] && start < end)) throw new DifflowError(`${op}: [${start}, ${end}) outside axis of size ${s[0][axis]}`);
      const out = [...s[0]];
      out[axis] = end - start;
      return out;
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
      if (shape.reduce((x, y) => x * y, 1) !== s[0].reduce((x, y) => x * y, 1)) throw new DifflowError(`${op}: cannot reshape [${s[0]}] to [${shape}]`);
      return shape;
    },
  },
  /** Broadcasts to `shape` (numpy rules). */
  Expand: {
    shape: (s, a, op) => {
      arity(op, s, 1);
      const shape = a.shape as readonly number[];
      const out = broadcastShapes(s[0], shape, op);
      if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) throw new DifflowError(`${op}: [${s[0]}] does not expand to [${shape}]`);
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
};
