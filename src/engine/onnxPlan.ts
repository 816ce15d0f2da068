/**
 * Graph-level plans for the ONNX lowering (onnx.ts): which bias Adds fold into the op before them, and which
 * LayerNormalization outputs standardisations share.
 */
import { size, type Graph, type Node, type Tensor } from './graph.js';

/** A bias Add folded into its producer: a MatMul (→ Gemm, bias [n] or [1, n]) or a Conv (its B input, bias [C, 1, 1] or [1, C, 1, 1]). */
export interface BiasFusion {
  readonly producer: Node;
  readonly bias: Tensor;
}

/** A bias of `out`'s trailing row ([B, n]) for a MatMul, or of its channels ([N, C, H, W]) for a Conv. */
function biasFits(producer: Node, bias: Tensor, out: Tensor): boolean {
  const b = bias.shape;
  if (producer.op === 'MatMul') return out.shape.length === 2 && b.length <= 2 && b.every((d, i) => d === 1 || (i === b.length - 1 && d === out.shape[1]));
  if (producer.op === 'Conv') return b.length >= 3 && b.length <= 4 && b.every((d, i) => d === (i === b.length - 3 ? out.shape[1] : 1));
  return false;
}

/**
 * Add output id → the MatMul or Conv whose only consumer it is, and the bias it adds (one ONNX node, one pass
 * over the output fewer).
 */
export function biasFusions(graph: Graph): Map<number, BiasFusion> {
  const uses = new Map<number, number>();
  for (const n of graph.nodes) for (const i of n.inputs) uses.set(i.id, (uses.get(i.id) ?? 0) + 1);
  for (const o of graph.outputs) uses.set(o.tensor.id, (uses.get(o.tensor.id) ?? 0) + 1);
  const fused = new Map<number, BiasFusion>();
  for (const add of graph.nodes) {
    if (add.op !== 'Add') continue;
    for (const k of [0, 1]) {
      const producer = graph.producer(add.inputs[k]);
      const bias = add.inputs[1 - k];
      if (producer && uses.get(producer.output.id) === 1 && producer.output.shape.every((d, i) => d === add.output.shape[i]) && biasFits(producer, bias, add.output)) {
        fused.set(add.output.id, { producer, bias });
        break;
      }
    }
  }
  return fused;
}

/**
 * One LayerNormalization per standardised tensor. `source`: Standardize or GroupNorm output id → the names its
 * LayerNormalization writes: the standardised values y (a Standardize's own output; a GroupNorm's inner x̂)
 * and, when a later InvStd asks for it, InvStdDev. `reuse`: a later Standardize or InvStd of the same values
 * (through Reshapes) with the same eps → the name of the output it reads instead of computing it again.
 */
export interface LayerNormSharing {
  readonly source: Map<number, { y: string; invStd?: string }>;
  readonly reuse: Map<number, string>;
}

/**
 * Plans the LayerNormalization sharing: the gradients of Standardize and GroupNorm ask for the standardised
 * values and their InvStd again (autodiff.ts), which the forward's LayerNormalization already computes.
 */
export function layerNormSharing(graph: Graph, name: (t: Tensor) => string, fresh: (prefix: string) => string): LayerNormSharing {
  const source = new Map<number, { y: string; invStd?: string }>();
  const reuse = new Map<number, string>();
  const first = new Map<string, { y: string; invStd?: string }>();
  // The values standardised, looking through Reshapes, their row length and eps.
  const key = (t: Tensor, row: number, eps: unknown) => {
    let p = graph.producer(t);
    while (p?.op === 'Reshape') {
      t = p.inputs[0];
      p = graph.producer(t);
    }
    return `${t.id}:${row}:${eps}`;
  };
  for (const n of graph.nodes) {
    if (n.op !== 'Standardize' && n.op !== 'GroupNorm' && n.op !== 'InvStd') continue;
    const [x] = n.inputs;
    const row = n.op === 'GroupNorm' ? size(x.shape) / (x.shape[0] * (n.attrs.groups as number)) : x.shape[x.shape.length - 1];
    const k = key(x, row, n.attrs.eps);
    const earlier = first.get(k);
    if (n.op === 'InvStd') {
      if (earlier) reuse.set(n.output.id, (earlier.invStd ??= fresh('invstd')));
    } else if (!earlier) {
      const entry = { y: n.op === 'Standardize' ? name(n.output) : fresh('xhat') };
      first.set(k, entry);
      source.set(n.output.id, entry);
    } else if (n.op === 'Standardize') {
      reuse.set(n.output.id, earlier.y);
    }
  }
  return { source, reuse };
}

