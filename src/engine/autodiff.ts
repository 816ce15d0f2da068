/**
 * Reverse-mode automatic differentiation on a graph: gradient ops are emitted into the same graph, so the
 * forward pass, the loss and its gradients compile to one ONNX model.
 */
import { DifflowError } from '../core/validate.js';
import type { Builder } from './builder.js';
import type { Node, Shape, Tensor } from './graph.js';
import type { OpName } from './ops.js';

/** Gradients of a node's inputs from the gradient of its output; `needs(i)` says whether input i needs one. */
type Vjp = (g: Builder, node: Node, gy: Tensor, needs: (i: number) => boolean) => (Tensor | undefined)[];

/** Sums a broadcast gradient back to `shape`. */
export function unbroadcast(g: Builder, grad: Tensor, shape: Shape): Tensor {
  const lead = grad.shape.length - shape.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  return g.reshape(axes.length ? g.sum(grad, axes, true) : grad, shape);
}

const when = (need: boolean, f: () => Tensor): Tensor | undefined => (need ? f() : undefined);
const nonDifferentiable = (op: string): Vjp => () => {
  throw new DifflowError(`${op} has no gradient in difflow's autodiff`);
};

const VJP: Record<OpName, Vjp> = {
  Add: (g, { inputs: [a, b] }, gy, needs) => [when(needs(0), () => unbroadcast(g, gy, a.shape)), when(needs(1), () => unbroadcast(g, gy, b.shape))],
  Sub: (g, { inputs: [a, b] }, gy, needs) => [when(needs(0), () => unbroadcast(g, gy, a.shape)), when(needs(1), () => unbroadcast(g, g.neg(gy), b.shape))],
  Mul: (g, { inputs: [a, b] }, gy, needs) => [
    when(needs(0), () => unbroadcast(g, g.mul(gy, b), a.shape)),
    when(needs(1), () => unbroadcast(g, g.mul(gy, a), b.shape)),
  ],
  Div: (g, { inputs: [a, b], output: y }, gy, needs) => [
    when(needs(0), () => unbroadcast(g, g.div(gy, b), a.shape)),
    when(needs(1), () => unbroadcast(g, g.neg(g.div(g.mul(gy, y), b)), b.shape)),
  ],
  Max: nonDifferentiable('Max'),
  Min: nonDifferentiable('Min'),
  Neg: (g, _n, gy) => [g.neg(gy)],
  Sigmoid: (g, { output: y }, gy) => [g.mul(gy, g.mul(y, g.sub(1, y)))],
  // d/dx x·s(x) = s·(1 + x(1 − s))
  Silu: (g, { inputs: [x] }, gy) => {
    const s = g.sigmoid(x);
    return [g.mul(gy, g.mul(s, g.add(1, g.mul(x, g.sub(1, s)))))];
  },
  Sin: (g, { inputs: [x] }, gy) => [g.mul(gy, g.cos(x))],
  Cos: (g, { inputs: [x] }, gy) => [g.neg(g.mul(gy, g.sin(x)))],
  Exp: (g, { output: y }, gy) => [g.mul(gy, y)],
  Log: (g, { inputs: [x] }, gy) => [g.div(gy, x)],
  Sqrt: (g, { output: y }, gy) => [g.div(g.mul(gy, 0.5), y)],
  Tanh: (g, { output: y }, gy) => [g.mul(gy, g.sub(1, g.square(y)))],
  // C = op(A)·op(B): dA = G·op(B)ᵀ (or its transpose), dB = op(A)ᵀ·G (or its transpose).
  MatMul: (g, { inputs: [a, b], attrs }, gy, needs) => {
    const [tA, tB] = [attrs.transA === 1, attrs.transB === 1];
    return [
      when(needs(0), () => (tA ? g.matmul(b, gy, tB, true) : g.matmul(gy, b, false, !tB))),
      when(needs(1), () => (tB ? g.matmul(gy, a, true, tA) : g.matmul(a, gy, !tA, false))),
    ];
  },
  Concat: (g, { inputs, attrs }, gy, needs) => {
    const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + gy.shape.length : (attrs.axis as number);
    let start = 0;
    return inputs.map((x, i) => {
      const end = start + x.shape[axis];
      const part = when(needs(i), () => g.slice(gy, axis, start, end));
      start = end;
      return part;
    });
  },
  Slice: nonDifferentiable('Slice'),
  ReduceSum: (g, { inputs: [x], attrs }, gy) => {
    const axes = (attrs.axes as readonly number[]).map((a) => (a < 0 ? a + x.shape.length : a));
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    return [g.expand(g.reshape(gy, kept), x.shape)];
  },
  Reshape: (g, { inputs: [x] }, gy) => [g.reshape(gy, x.shape)],
  Expand: (g, { inputs: [x] }, gy) => [unbroadcast(g, gy, x.shape)],
  Transpose: (g, { attrs }, gy) => {
    const perm = attrs.perm as readonly number[];
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [g.transpose(gy, inverse)];
  },
};

/**
 * d loss / d wrt for a scalar `loss` (shape []), as new tensors of the same graph. A parameter that does not
 * reach the loss is an error (it would silently never train).
 */
export function gradients(g: Builder, loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (loss.shape.length !== 0) throw new DifflowError(`the loss must be a scalar, got shape [${loss.shape}]`);
  const forward = g.nodes.slice();
  const depends = new Set(wrt.map((t) => t.id));
  for (const node of forward) if (node.inputs.some((i) => depends.has(i.id))) depends.add(node.output.id);
  const grads = new Map<number, Tensor>([[loss.id, g.scalar(1)]]);
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const gy = grads.get(node.output.id);
    if (!gy || !depends.has(node.output.id)) continue;
    const gin = VJP[node.op](g, node, gy, (i) => depends.has(node.inputs[i].id));
    node.inputs.forEach((x, i) => {
      const gi = gin[i];
      if (!gi || !depends.has(x.id)) return;
      const prev = grads.get(x.id);
      grads.set(x.id, prev ? g.add(prev, gi) : gi);
    });
  }
  return wrt.map((w, i) => {
    const gw = grads.get(w.id);
    if (!gw) throw new DifflowError(`parameter ${i} (shape [${w.shape}]) does not affect the loss`);
    return gw;
  });
}
