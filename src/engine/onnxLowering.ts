/**
 * How each graph op becomes ONNX nodes (used by toOnnx in onnx.ts): one node per op except Silu
 * (Sigmoid·x), GroupNorm (a LayerNormalization over its groups, then γ and β) and a ReduceSum over leading
 * axes (ones·X, a MatMul); convolutions optionally through ONNX Runtime's blocked NCHWc kernels. With a
 * symbolic batch every shape a lowering writes has −1 on the batch's axis, and what cannot is refused.
 */
import { DifflowError } from '../core/validate.js';
import { size, type Node, type Shape, type Tensor } from './graph.js';
import type { LayerNormSharing } from './onnxPlan.js';
import type { OpName } from './ops.js';

/** What a lowering writes through: names, shared initializers, nodes, and the plans it follows. */
export interface Emitter {
  name(t: Tensor): string;
  int64(values: readonly number[]): string;
  float32(values: readonly number[]): string;
  node(opType: string, inputs: string[], outputs: string[], attrs?: Record<string, AttrValue>, domain?: string): void;
  fresh(prefix: string): string;
  /** Channel block of ONNX Runtime's NCHWc kernels, when convolutions are to use them (toOnnx's convBlock). */
  readonly convBlock?: number;
  /** Which LayerNormalization outputs are shared between standardisations (layerNormSharing). */
  readonly layerNorms: LayerNormSharing;
  /** Blocked (NCHWc) copies already made, by tensor name: a tensor two convs read is reordered once. */
  readonly blocked: Map<string, string>;
  /** The batch dimension is symbolic (toOnnx's batchDim): no lowering may write a batch size into the model. */
  readonly symbolicBatch: boolean;
  /** The axes of `t` that carry the batch (none unless it is symbolic; refused where they are unknown). */
  batchOf(t: Tensor): readonly number[];
  /** A Reshape's target: `shape` with its axes `batch` (at most one) written −1, so that ONNX infers them. */
  reshapeTo(shape: Shape, batch: readonly number[]): string;
}

/** ONNX Runtime's blocked-layout (NCHWc) kernels: CPU only, the block size is the CPU's (16 with AVX-512, 8 with AVX2). */
export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Attribute values: integers, integer lists, strings, and floats written as { float: x }. */
export type AttrValue = number | readonly number[] | string | { readonly float: number };
type Lowering = (e: Emitter, node: Node, inputs: string[], output: string) => void;

const same =
  (opType: string): Lowering =>
  (e, _n, inputs, output) =>
    e.node(opType, inputs, [output]);
const axesOf = (node: Node) => (node.attrs.axes as readonly number[]).slice();
const convAttrs = ({ attrs, inputs }: Node) => ({
  kernel_shape: inputs[1].shape.slice(2),
  strides: [attrs.stride as number, attrs.stride as number],
  dilations: [attrs.dilation as number, attrs.dilation as number],
  pads: (attrs.pads as readonly number[]).slice(),
});

/** LayerNormalization's scale 1 and bias 0 for the last axis of `t`. */
const unitAffine = (e: Emitter, t: Tensor) => {
  const d = t.shape[t.shape.length - 1];
  return [e.float32(new Array<number>(d).fill(1)), e.float32(new Array<number>(d).fill(0))];
};

/** LayerNormalization of the last axis of `x` (`t` its tensor) into `y` and, when named, InvStdDev. */
function layerNorm(e: Emitter, t: Tensor, x: string, eps: number, y: string, invStd?: string): void {
  e.node('LayerNormalization', [x, ...unitAffine(e, t)], invStd ? [y, '', invStd] : [y], { axis: -1, epsilon: { float: eps } });
}

/** A standardisation whose value an earlier LayerNormalization computed: a Reshape of that output, if any. */
function reused(e: Emitter, node: Node, output: string): boolean {
  const from = e.layerNorms.reuse.get(node.output.id);
  if (from) e.node('Reshape', [from, e.reshapeTo(node.output.shape, e.batchOf(node.output))], [output]);
  return from !== undefined;
}

/** Refuses a symbolic batch on `axes` of `t`, whose sizes `op`'s lowering writes into the model. */
function fixedAxes(e: Emitter, op: string, t: Tensor, axes: readonly number[]): void {
  const batch = e.batchOf(t).filter((a) => axes.includes(a < 0 ? a + t.shape.length : a));
  if (batch.length > 0) throw new DifflowError(`cannot give this graph a symbolic batch: a ${op} over its batch axis [${t.shape}]`);
}

export const LOWER: Record<OpName, Lowering> = {
  Add: same('Add'),
  Sub: same('Sub'),
  Mul: same('Mul'),
  Div: same('Div'),
  Max: same('Max'),
  Min: same('Min'),
  Neg: same('Neg'),
  Sigmoid: same('Sigmoid'),
  Sin: same('Sin'),
  Cos: same('Cos'),
  Exp: same('Exp'),
  Log: same('Log'),
  Sqrt: same('Sqrt'),
  Tanh: same('Tanh'),
  Silu: (e, _n, [x], output) => {
    const s = e.fresh('sigmoid');
    e.node('Sigmoid', [x], [s]);
    e.node('Mul', [x, s], [output]);
  },
  MatMul: (e, { attrs }, inputs, output) =>
    attrs.transA || attrs.transB
      ? e.node('Gemm', inputs, [output], { transA: attrs.transA as number, transB: attrs.transB as number })
      : e.node('MatMul', inputs, [output]),
  Concat: (e, { attrs }, inputs, output) => e.node('Concat', inputs, [output], { axis: attrs.axis as number }),
  Slice: (e, { attrs, inputs: [t] }, [x], output) => {
    fixedAxes(e, 'Slice', t, [attrs.axis as number]);
    e.node('Slice', [x, e.int64([attrs.start as number]), e.int64([attrs.end as number]), e.int64([attrs.axis as number])], [output]);
  },
  Pad: (e, { attrs }, [x], output) => e.node('Pad', [x, e.int64(attrs.pads as readonly number[])], [output]),
  // A sum over leading axes (the per-image products of filter gradients, bias gradients) as ones·X: ORT's
  // ReduceSum over a leading axis ran 1.1–14× slower than the MatMul ([16…64, 96…576, 32…192], 2 threads).
  ReduceSum: (e, node, [x], output) => {
    const { shape } = node.inputs[0];
    const axes = axesOf(node)
      .map((a) => (a < 0 ? a + shape.length : a))
      .sort((a, b) => a - b);
    const leading = !e.symbolicBatch && axes.length < shape.length && axes.every((a, i) => a === i);
    if (!leading) return e.node('ReduceSum', [x, e.int64(axes)], [output], { keepdims: node.attrs.keepdims as number });
    const P = size(shape.slice(0, axes.length));
    const rows = e.fresh('rows');
    const summed = e.fresh('summed');
    e.node('Reshape', [x, e.int64([P, size(shape.slice(axes.length))])], [rows]);
    e.node('MatMul', [e.float32(new Array<number>(P).fill(1)), rows], [summed]);
    e.node('Reshape', [summed, e.int64(node.output.shape)], [output]);
  },
  Reshape: (e, node, [x], output) => e.node('Reshape', [x, e.reshapeTo(node.output.shape, e.batchOf(node.output))], [output]),
  // A batch axis the input already has expands by broadcasting a 1 (ONNX's Expand is bidirectional).
  Expand: (e, { inputs: [t], output: y }, [x], output) => {
    const batch = e.batchOf(y);
    const offset = y.shape.length - t.shape.length;
    if (batch.some((a) => !e.batchOf(t).includes(a - offset)))
      throw new DifflowError(`cannot give this graph a symbolic batch: an Expand to [${y.shape}] creates a batch axis`);
    e.node('Expand', [x, e.int64(y.shape.map((d, a) => (batch.includes(a) ? 1 : d)))], [output]);
  },
  Transpose: (e, { attrs }, [x], output) => e.node('Transpose', [x], [output], { perm: attrs.perm as readonly number[] }),
  BatchMatMul: same('MatMul'),
  Softmax: (e, _n, [x], output) => e.node('Softmax', [x], [output], { axis: -1 }),
  // LayerNormalization with unit scale and zero bias: one fused kernel in ORT instead of seven elementwise ops
  // and two reductions. Its optional InvStdDev output serves InvStd (the gradient's scale) when one follows.
  Standardize: (e, node, [x], output) => {
    if (reused(e, node, output)) return;
    layerNorm(e, node.inputs[0], x, node.attrs.eps as number, output, e.layerNorms.source.get(node.output.id)?.invStd);
  },
  InvStd: (e, node, [x], output) => {
    if (!reused(e, node, output)) layerNorm(e, node.inputs[0], x, node.attrs.eps as number, e.fresh('standardized'), output);
  },
  // LayerNormalization over [N, G, C/G·…], then γ and β per channel.
  GroupNorm: (e, node, [x, gamma, beta], output) => {
    const [t] = node.inputs;
    const [N, C] = t.shape;
    const G = node.attrs.groups as number;
    const grouped = e.fresh('grouped');
    const rows = [N, G, size(t.shape) / (N * G)];
    const batch = e.batchOf(t);
    fixedAxes(e, 'GroupNorm', t, t.shape.map((_, a) => a).slice(1));
    e.node('Reshape', [x, e.reshapeTo(rows, batch)], [grouped]);
    const shared = e.layerNorms.source.get(node.output.id);
    const xhat = shared?.y ?? e.fresh('xhat');
    layerNorm(e, { ...t, shape: rows }, grouped, node.attrs.eps as number, xhat, shared?.invStd);
    const perChannel = t.shape.map((_, i) => (i === 1 ? C : 1)).slice(1);
    const [back, scaled, g, b] = [e.fresh('xhat'), e.fresh('scaled'), e.fresh('gamma'), e.fresh('beta')];
    e.node('Reshape', [xhat, e.reshapeTo(t.shape, batch)], [back]);
    e.node('Reshape', [gamma, e.int64(perChannel)], [g]);
    e.node('Reshape', [beta, e.int64(perChannel)], [b]);
    e.node('Mul', [back, g], [scaled]);
    e.node('Add', [scaled, b], [output]);
  },
  // One Slice with step −1 per axis; ends = −(size + 1) reach past the first element.
  Flip: (e, { attrs, inputs: [t] }, [x], output) => {
    const axes = (attrs.axes as readonly number[]).map((a) => (a < 0 ? a + t.shape.length : a));
    fixedAxes(e, 'Flip', t, axes);
    e.node(
      'Slice',
      [x, e.int64(axes.map(() => -1)), e.int64(axes.map((a) => -t.shape[a] - 1)), e.int64(axes), e.int64(axes.map(() => -1))],
      [output],
    );
  },
  // inputs[2], when present, is a per-channel bias [O] folded in by biasFusions (onnxPlan.ts).
  Conv: (e, node, inputs, output) => {
    const [x, w] = node.inputs;
    const b = e.convBlock;
    // (Dilated convolutions stay plain: not checked against the blocked kernels.)
    if (!b || x.shape[1] % b !== 0 || w.shape[0] % b !== 0 || node.attrs.dilation !== 1)
      return e.node('Conv', inputs, [output], convAttrs(node));
    // The blocked kernels, with the filter (a graph input in a training step) reordered here into their
    // layout [O/b, C/b, kh, kw, b(C), b(O)]; ORT's own NCHWc rewrite only applies to constant filters.
    const [O, C, kh, kw] = w.shape;
    const w6 = e.fresh('w6');
    const wt = e.fresh('wt');
    const wb = e.fresh('wb');
    e.node('Reshape', [inputs[1], e.int64([O / b, b, C / b, b, kh, kw])], [w6]);
    e.node('Transpose', [w6], [wt], { perm: [0, 2, 4, 5, 3, 1] });
    e.node('Reshape', [wt, e.int64([O, C, kh, kw])], [wb]);
    let xb = e.blocked.get(inputs[0]);
    if (!xb) {
      xb = e.fresh('xb');
      e.blocked.set(inputs[0], xb);
      e.node('ReorderInput', [inputs[0]], [xb], { channels_last: 0 }, NCHWC_DOMAIN);
    }
    const yb = e.fresh('yb');
    e.node('Conv', [xb, wb, ...inputs.slice(2)], [yb], convAttrs(node), NCHWC_DOMAIN);
    e.node('ReorderOutput', [yb], [output], { channels: O, channels_last: 0 }, NCHWC_DOMAIN);
  },
  ConvTranspose: (e, node, inputs, output) =>
    e.node('ConvTranspose', inputs, [output], {
      ...convAttrs(node),
      output_padding: (node.attrs.outputPadding as readonly number[]).slice(),
    }),
  AveragePool: (e, { attrs }, [x], output) => {
    const f = attrs.factor as number;
    e.node('AveragePool', [x], [output], { kernel_shape: [f, f], strides: [f, f] });
  },
  // Resize, not Reshape→Expand→Reshape: in ORT (CPU, [64, 64, 7…14, 7…14]) it ran 6–19× faster.
  Upsample: (e, { attrs }, [x], output) => {
    const f = attrs.factor as number;
    e.node('Resize', [x, '', e.float32([1, 1, f, f])], [output], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
  },
};
