/** Op methods over a Graph: `g.silu(g.linear(x, W, b))`. Numbers become shared scalar constants. */
import { Graph, type Tensor } from './graph.js';

type Operand = Tensor | number;

/** Convolution options: `pad` is symmetric (one number) or [top, left, bottom, right]. */
export interface ConvOptions {
  readonly stride?: number;
  readonly pad?: number | readonly number[];
  readonly dilation?: number;
}

const convAttrs = ({ stride = 1, pad = 0, dilation = 1 }: ConvOptions) => ({
  stride,
  dilation,
  pads: typeof pad === 'number' ? [pad, pad, pad, pad] : pad.slice(),
});

export class Builder extends Graph {
  private t(v: Operand): Tensor {
    return typeof v === 'number' ? this.scalar(v) : v;
  }
  add(a: Operand, b: Operand): Tensor {
    return this.apply('Add', [this.t(a), this.t(b)]);
  }
  sub(a: Operand, b: Operand): Tensor {
    return this.apply('Sub', [this.t(a), this.t(b)]);
  }
  mul(a: Operand, b: Operand): Tensor {
    return this.apply('Mul', [this.t(a), this.t(b)]);
  }
  div(a: Operand, b: Operand): Tensor {
    return this.apply('Div', [this.t(a), this.t(b)]);
  }
  max(a: Operand, b: Operand): Tensor {
    return this.apply('Max', [this.t(a), this.t(b)]);
  }
  min(a: Operand, b: Operand): Tensor {
    return this.apply('Min', [this.t(a), this.t(b)]);
  }
  neg(a: Tensor): Tensor {
    return this.apply('Neg', [a]);
  }
  sigmoid(a: Tensor): Tensor {
    return this.apply('Sigmoid', [a]);
  }
  /** x·sigmoid(x) */
  silu(a: Tensor): Tensor {
    return this.apply('Silu', [a]);
  }
  sin(a: Tensor): Tensor {
    return this.apply('Sin', [a]);
  }
  cos(a: Tensor): Tensor {
    return this.apply('Cos', [a]);
  }
  exp(a: Tensor): Tensor {
    return this.apply('Exp', [a]);
  }
  log(a: Tensor): Tensor {
    return this.apply('Log', [a]);
  }
  sqrt(a: Tensor): Tensor {
    return this.apply('Sqrt', [a]);
  }
  tanh(a: Tensor): Tensor {
    return this.apply('Tanh', [a]);
  }
  square(a: Tensor): Tensor {
    return this.mul(a, a);
  }
  /** op(a)·op(b) for 2-D tensors. */
  matmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
    return this.apply('MatMul', [a, b], { transA: transA ? 1 : 0, transB: transB ? 1 : 0 });
  }
  /** x W + b with W [in, out], b [out]. */
  linear(x: Tensor, W: Tensor, b?: Tensor): Tensor {
    const y = this.matmul(x, W);
    return b ? this.add(y, b) : y;
  }
  concat(parts: readonly Tensor[], axis: number): Tensor {
    return this.apply('Concat', parts, { axis });
  }
  slice(a: Tensor, axis: number, start: number, end: number): Tensor {
    return this.apply('Slice', [a], { axis, start, end });
  }
  /** Zeros around `a`: pads = [before₀, before₁, …, after₀, after₁, …]. */
  pad(a: Tensor, pads: readonly number[]): Tensor {
    return pads.every((p) => p === 0) ? a : this.apply('Pad', [a], { pads });
  }
  sum(a: Tensor, axes: readonly number[], keepdims = false): Tensor {
    return this.apply('ReduceSum', [a], { axes, keepdims: keepdims ? 1 : 0 });
  }
  /** Sum of all elements, shape []. */
  sumAll(a: Tensor): Tensor {
    return a.shape.length === 0
      ? a
      : this.sum(
          a,
          a.shape.map((_, i) => i),
        );
  }
  mean(a: Tensor, axes: readonly number[], keepdims = false): Tensor {
    const n = axes.reduce((acc, ax) => acc * a.shape[ax < 0 ? ax + a.shape.length : ax], 1);
    return this.mul(this.sum(a, axes, keepdims), 1 / n);
  }
  reshape(a: Tensor, shape: readonly number[]): Tensor {
    return a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]) ? a : this.apply('Reshape', [a], { shape });
  }
  transpose(a: Tensor, perm: readonly number[]): Tensor {
    return this.apply('Transpose', [a], { perm });
  }
  expand(a: Tensor, shape: readonly number[]): Tensor {
    return a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]) ? a : this.apply('Expand', [a], { shape });
  }
  /** [B, m, k]·[B, k, n] → [B, m, n]. */
  batchMatmul(a: Tensor, b: Tensor): Tensor {
    return this.apply('BatchMatMul', [a, b]);
  }
  /** (a − mean)/sqrt(var + eps) along the last axis (biased variance, as PyTorch's norms). */
  standardize(a: Tensor, eps: number): Tensor {
    return this.apply('Standardize', [a], { eps });
  }
  /** 1/sqrt(var + eps) along the last axis, shape [..., 1]: the scale `standardize` applies. */
  invStd(a: Tensor, eps: number): Tensor {
    return this.apply('InvStd', [a], { eps });
  }
  /** Group normalisation of x [N, C, …] in `groups` groups, then γ [C]·x̂ + β [C] (PyTorch's GroupNorm). */
  groupNorm(x: Tensor, gamma: Tensor, beta: Tensor, groups: number, eps = 1e-5): Tensor {
    return this.apply('GroupNorm', [x, gamma, beta], { groups, eps });
  }
  /** Softmax along the last axis. */
  softmax(a: Tensor): Tensor {
    return this.apply('Softmax', [a]);
  }
  /** Reverses the order of elements along each of `axes`. */
  flip(a: Tensor, axes: readonly number[]): Tensor {
    return this.apply('Flip', [a], { axes });
  }
  /** 2-D convolution (cross-correlation), x [N, C, H, W], w [Cout, C, kh, kw] → [N, Cout, Ho, Wo]. */
  conv(x: Tensor, w: Tensor, options: ConvOptions = {}): Tensor {
    return this.apply('Conv', [x, w], convAttrs(options));
  }
  /** The adjoint of `conv` with the same options, x [N, C, H, W], w [C, Cout, kh, kw]; `outputPadding` rows/columns end the output. */
  convTranspose(x: Tensor, w: Tensor, options: ConvOptions & { readonly outputPadding?: readonly [number, number] } = {}): Tensor {
    return this.apply('ConvTranspose', [x, w], { ...convAttrs(options), outputPadding: (options.outputPadding ?? [0, 0]).slice() });
  }
  /** Mean over non-overlapping factor×factor blocks, [N, C, H, W] → [N, C, H/f, W/f]. */
  avgPool(x: Tensor, factor = 2): Tensor {
    return this.apply('AveragePool', [x], { factor });
  }
  /** Nearest-neighbour upsampling, [N, C, H, W] → [N, C, f·H, f·W]. */
  upsample(x: Tensor, factor = 2): Tensor {
    return this.apply('Upsample', [x], { factor });
  }
}
