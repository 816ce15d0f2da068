/**
 * Reverse-mode automatic differentiation on a graph: gradient ops are emitted into the same graph, so the
 * forward pass, the loss and its gradients compile to one ONNX model.
 */
import { DifflowError } from '../core/validate.js';
import type { Builder } from './builder.js';
import { filterGradient } from './filterGradient.js';
import { size, type Node, type Shape, type Tensor } from './graph.js';
import type { OpName } from './ops.js';

/** Gradients of a node's inputs from the gradient of its output; `needs(i)` says whether input i needs one. */
type Vjp = (g: Builder, node: Node, gy: Tensor, needs: (i: number) => boolean) => (Tensor | undefined)[];

/**
 * Sums a broadcast gradient back to `shape`. The common case of a bias gradient — a [B, n] gradient summed
 * over its rows — is a [1, B]·[B, n] product with a ones vector: ONNX Runtime's ReduceSum over the leading
 * axis of a row-major matrix measured several times slower than the GEMM.
 */
export function unbroadcast(g: Builder, grad: Tensor, shape: Shape): Tensor {
  const lead = grad.shape.length - shape.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  if (grad.shape.length === 2 && axes.length === 1 && axes[0] === 0) {
    return g.reshape(g.matmul(g.ones([1, grad.shape[0]]), grad), shape);
  }
  return g.reshape(axes.length ? g.sum(grad, axes, true) : grad, shape);
}

const when = (need: boolean, f: () => Tensor): Tensor | undefined => (need ? f() : undefined);
const nonDifferentiable =
  (op: string): Vjp =>
  () => {
    throw new DifflowError(`${op} has no gradient in difflow's autodiff`);
  };

const convOptions = (attrs: Node['attrs']) => ({
  stride: attrs.stride as number,
  dilation: attrs.dilation as number,
  pad: attrs.pads as readonly number[],
});

const VJP: Record<OpName, Vjp> = {
  Add: (g, { inputs: [a, b] }, gy, needs) => [
    when(needs(0), () => unbroadcast(g, gy, a.shape)),
    when(needs(1), () => unbroadcast(g, gy, b.shape)),
  ],
  Sub: (g, { inputs: [a, b] }, gy, needs) => [
    when(needs(0), () => unbroadcast(g, gy, a.shape)),
    when(needs(1), () => unbroadcast(g, g.neg(gy), b.shape)),
  ],
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
  // d/dx x·s(x) = s + x·s·(1 − s) = s + y·(1 − s), with y = x·s the forward output.
  Silu: (g, { inputs: [x], output: y }, gy) => {
    const s = g.sigmoid(x);
    return [g.mul(gy, g.add(s, g.mul(y, g.sub(1, s))))];
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
  // The adjoint of taking [start, end) is putting the gradient back there with zeros around it, and vice versa.
  Slice: (g, { inputs: [x], attrs }, gy) => {
    const r = x.shape.length;
    const axis = ((attrs.axis as number) + r) % r;
    const pads = new Array<number>(2 * r).fill(0);
    pads[axis] = attrs.start as number;
    pads[axis + r] = x.shape[axis] - (attrs.end as number);
    return [g.pad(gy, pads)];
  },
  Pad: (g, { inputs: [x], attrs }, gy) => {
    const pads = attrs.pads as readonly number[];
    return [
      x.shape.reduce((t, d, axis) => (pads[axis] || pads[axis + x.shape.length] ? g.slice(t, axis, pads[axis], pads[axis] + d) : t), gy),
    ];
  },
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
  BatchMatMul: (g, { inputs: [a, b] }, gy, needs) => [
    when(needs(0), () => g.batchMatmul(gy, g.transpose(b, [0, 2, 1]))),
    when(needs(1), () => g.batchMatmul(g.transpose(a, [0, 2, 1]), gy)),
  ],
  // y = (x − μ)·r, r = 1/sqrt(var + eps): ∂x = r·(gy − mean(gy) − y·mean(gy·y)). r is InvStd(x), which ONNX
  // lowering takes from the forward's LayerNormalization (its InvStdDev output) instead of recomputing it.
  Standardize: (g, { inputs: [x], output: y, attrs }, gy) => [
    g.mul(g.sub(g.sub(gy, g.mean(gy, [-1], true)), g.mul(y, g.mean(g.mul(gy, y), [-1], true))), g.invStd(x, attrs.eps as number)),
  ],
  // out = γ·x̂ + β, x̂ = (x − μ_g)·r_g per group g of each example (M values). With A = Σ_space ∂out·x̂ and
  // B = Σ_space ∂out per example and channel: ∂γ = Σ_n A, ∂β = Σ_n B, and Standardize's rule with ∂x̂ = γ·∂out,
  // its two group means m1 = Σ_{c∈g} γ_c·B/M and m2 = Σ_{c∈g} γ_c·A/M read off A and B:
  //   ∂x = (r·γ)·∂out − (r·m2)·x̂ − r·m1,
  // three passes over the activations and two reductions, where Mul, Add and Standardize's rules take eleven.
  // x̂ and r come from the forward's LayerNormalization (ONNX lowering shares it).
  GroupNorm: (g, { inputs: [x, gamma], attrs }, gy, needs) => {
    const [N, C] = x.shape;
    const G = attrs.groups as number;
    const Cg = C / G;
    const M = size(x.shape) / (N * G);
    const space = x.shape.slice(2).map((_, i) => i + 2);
    const perChannel = [N, C, ...space.map(() => 1)];
    const xr = g.reshape(x, [N, G, M]);
    const xhat = g.reshape(g.standardize(xr, attrs.eps as number), x.shape);
    const A = g.sum(g.mul(gy, xhat), space); // [N, C]
    const B = g.sum(gy, space);
    const dx = () => {
      const r = g.invStd(xr, attrs.eps as number); // [N, G, 1]
      const gammaG = g.reshape(gamma, [1, G, Cg]);
      const groupMean = (t: Tensor) => g.mul(g.sum(g.mul(g.reshape(t, [N, G, Cg]), gammaG), [2], true), 1 / M); // [N, G, 1]
      const perGroup = (t: Tensor) => g.reshape(g.expand(t, [N, G, Cg]), perChannel);
      const scaled = g.mul(gy, g.reshape(g.mul(r, gammaG), perChannel));
      return g.add(g.sub(scaled, g.mul(xhat, perGroup(g.mul(r, groupMean(A))))), perGroup(g.neg(g.mul(r, groupMean(B)))));
    };
    return [when(needs(0), dx), when(needs(1), () => g.sum(A, [0])), when(needs(2), () => g.sum(B, [0]))];
  },
  // r = (var + eps)^(−1/2) with var = mean((x − μ)²): ∂r/∂x_k = −r³·(x_k − μ)/d (the μ terms sum to zero).
  InvStd: (g, { inputs: [x], output: r }, gy) => {
    const d = x.shape[x.shape.length - 1];
    return [g.mul(g.sub(x, g.mean(x, [-1], true)), g.mul(g.mul(gy, g.mul(r, g.square(r))), -1 / d))];
  },
  // ∂x = y·(g − Σ g·y) along the last axis.
  Softmax: (g, { output: y }, gy) => [g.mul(y, g.sub(gy, g.sum(g.mul(gy, y), [-1], true)))],
  Flip: (g, { attrs }, gy) => [g.flip(gy, attrs.axes as readonly number[])],
  // ∂x at stride 1: a Conv of gy with the flipped, transposed filter and pads d·(k − 1) − pad. Otherwise the
  // adjoint ConvTranspose with the forward's stride, pads and dilation, outputPadding restoring the rows/columns
  // the forward's floor division dropped. In ORT (CPU, N = 64, C = 32…64, one thread) the flipped Conv ran 7–24%
  // faster than ConvTranspose at stride 1; at stride 2 ConvTranspose ran 3–4× faster than the flipped Conv over a
  // zero-inserted gradient and 1.5–2.4× faster than its polyphase form (four sub-filters + DepthToSpace).
  // ∂w is filterGradient.
  Conv: (g, { inputs: [x, w], output: y, attrs }, gy, needs) => {
    const { stride: s, dilation: d } = convOptions(attrs);
    const pads = attrs.pads as readonly number[];
    const [kh, kw] = [w.shape[2], w.shape[3]];
    const dx = () => {
      const flippedPads = [d * (kh - 1) - pads[0], d * (kw - 1) - pads[1], d * (kh - 1) - pads[2], d * (kw - 1) - pads[3]];
      if (s === 1 && flippedPads.every((p) => p >= 0)) {
        const wT = g.transpose(w, [1, 0, 2, 3]);
        return g.conv(gy, kh * kw > 1 ? g.flip(wT, [2, 3]) : wT, { dilation: d, pad: flippedPads });
      }
      const dropped = (axis: 2 | 3) => x.shape[axis] + pads[axis - 2] + pads[axis] - d * (w.shape[axis] - 1) - 1 - s * (y.shape[axis] - 1);
      return g.convTranspose(gy, w, { ...convOptions(attrs), outputPadding: [dropped(2), dropped(3)] });
    };
    return [when(needs(0), dx), when(needs(1), () => filterGradient(g, x, gy, kh, kw, attrs))];
  },
  // y = convᵀ(x, w) ⇔ ⟨y, gy⟩ = ⟨x, conv(gy, w)⟩: ∂x = conv(gy, w), ∂w = filterGradient with gy as the input.
  ConvTranspose: (g, { inputs: [x, w], attrs }, gy, needs) => [
    when(needs(0), () => g.conv(gy, w, convOptions(attrs))),
    when(needs(1), () => filterGradient(g, gy, x, w.shape[2], w.shape[3], attrs)),
  ],
  // Each input feeds f² outputs with weight 1/f².
  AveragePool: (g, { attrs }, gy) => {
    const f = attrs.factor as number;
    return [g.mul(g.upsample(gy, f), 1 / (f * f))];
  },
  // Each input feeds its f×f block: the block sum, f²·AveragePool.
  Upsample: (g, { attrs }, gy) => {
    const f = attrs.factor as number;
    return [g.mul(g.avgPool(gy, f), f * f)];
  },
};

/**
 * d loss / d wrt for a scalar `loss` (shape []), as new tensors of the same graph. A parameter that does not
 * reach the loss is an error (it would silently never train).
 */
export function gradients(g: Builder, loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (loss.shape.length !== 0) throw new DifflowError(`the loss must be a scalar, got shape [${loss.shape}]`);
  const forward = g.nodes.slice();
  const leaves = new Set(wrt.map((t) => t.id));
  const depends = new Set(leaves);
  for (const node of forward) if (node.inputs.some((i) => depends.has(i.id))) depends.add(node.output.id);
  const grads = new Map<number, Tensor>([[loss.id, g.scalar(1)]]);
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const gy = grads.get(node.output.id);
    // The wrt tensors are leaves: nothing upstream of them is differentiated.
    if (!gy || !depends.has(node.output.id) || leaves.has(node.output.id)) continue;
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
