/**
 * The checks and shape rules the op table (ops.ts) is built from: broadcasting, arity, axes, convolution
 * attributes and output lengths. Each failure is one DifflowError naming the op.
 */
import { DifflowError } from '../core/validate.js';
import type { Shape } from './graph.js';
import type { Attrs } from './ops.js';

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

export const arity = (op: string, inputs: readonly Shape[], n: number) => {
  if (inputs.length !== n) throw new DifflowError(`${op} takes ${n} inputs, got ${inputs.length}`);
};
export const normAxis = (axis: number, rank: number, op: string) => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new DifflowError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return a;
};

/** Output length of a convolution along one axis: ⌊(n + before + after − d·(k − 1) − 1)/s⌋ + 1. */
export const convLength = (n: number, k: number, stride: number, before: number, after: number, dilation: number): number =>
  Math.floor((n + before + after - dilation * (k - 1) - 1) / stride) + 1;

/** Conv and ConvTranspose attributes: stride and dilation (both axes), pads [top, left, bottom, right]. */
export function convAttrs(a: Attrs, op: string) {
  const stride = (a.stride as number | undefined) ?? 1;
  const dilation = (a.dilation as number | undefined) ?? 1;
  const pads = (a.pads as readonly number[] | undefined) ?? [0, 0, 0, 0];
  if (![stride, dilation].every((v) => Number.isInteger(v) && v >= 1))
    throw new DifflowError(`${op}: stride ${stride} and dilation ${dilation} must be positive integers`);
  if (pads.length !== 4 || !pads.every((v) => Number.isInteger(v) && v >= 0))
    throw new DifflowError(`${op}: pads [${pads}] must be 4 non-negative integers [top, left, bottom, right]`);
  return { stride, dilation, pads };
}

export const rank4 = (op: string, what: string, s: Shape) => {
  if (s.length !== 4) throw new DifflowError(`${op}: ${what} must be 4-D, got [${s}]`);
};
