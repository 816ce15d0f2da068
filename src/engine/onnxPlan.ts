/**
 * Graph-level plans for the ONNX lowering (onnx.ts): which bias Adds fold into the op before them, which
 * LayerNormalization outputs standardisations share, and which axes carry the batch in an any-batch model.
 */
import { DifflowError } from '../core/validate.js';
import { size, type Graph, type Node, type Tensor } from './graph.js';

/** A bias Add folded into its producer: a MatMul (→ Gemm, bias [n] or [1, n]) or a Conv (its B input, bias [C, 1, 1] or [1, C, 1, 1]). */
export interface BiasFusion {
  readonly producer: Node;
  readonly bias: Tensor;
}

/** A bias of `out`'s trailing row ([B, n]) for a MatMul, or of its channels ([N, C, H, W]) for a Conv. */
function biasFits(producer: Node, bias: Tensor, out: Tensor): boolean {
  const b = bias.shape;
  if (producer.op === 'MatMul')
    return out.shape.length === 2 && b.length <= 2 && b.every((d, i) => d === 1 || (i === b.length - 1 && d === out.shape[1]));
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
      if (
        producer &&
        uses.get(producer.output.id) === 1 &&
        producer.output.shape.every((d, i) => d === add.output.shape[i]) &&
        biasFits(producer, bias, add.output)
      ) {
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
      if (earlier) {
        earlier.invStd ??= fresh('invstd');
        reuse.set(n.output.id, earlier.invStd);
      }
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

/** Tensor id → the axes whose size is the batch's (times a constant): the symbolic axes of an any-batch model. */
export type BatchAxes = ReadonlyMap<number, readonly number[]>;

/**
 * The batch axes of `graph`, found by comparing it with `probe`, the same network built at another batch size:
 * an axis is the batch's where the two sizes differ. Refuses graphs whose structure, constants or attributes
 * (other than Reshape's and Expand's target shapes) depend on the batch size: those cannot run at any batch.
 */
export function batchAxes(graph: Graph, probe: Graph): BatchAxes {
  const refuse = (why: string) => {
    throw new DifflowError(`cannot give this graph a symbolic batch: ${why}`);
  };
  const same =
    graph.nodes.length === probe.nodes.length &&
    graph.inputs.length === probe.inputs.length &&
    graph.outputs.length === probe.outputs.length &&
    graph.constants.length === probe.constants.length &&
    graph.nodes.every((n, i) => n.op === probe.nodes[i].op);
  if (!same) refuse('its nodes differ between batch sizes');
  const axes = new Map<number, readonly number[]>();
  const compare = (a: Tensor, b: Tensor) => {
    if (a.shape.length !== b.shape.length) refuse(`a tensor's rank depends on the batch ([${a.shape}] vs [${b.shape}])`);
    axes.set(
      a.id,
      a.shape.flatMap((d, i) => (d === b.shape[i] ? [] : [i])),
    );
  };
  graph.inputs.forEach((input, i) => compare(input.tensor, probe.inputs[i].tensor));
  graph.constants.forEach((c, i) => {
    const other = probe.constants[i];
    compare(c.tensor, other.tensor);
    if (axes.get(c.tensor.id)!.length > 0 || c.data.some((v, j) => !Object.is(v, other.data[j])))
      refuse(`a constant of shape [${c.tensor.shape}] depends on the batch`);
  });
  graph.nodes.forEach((n, i) => {
    const other = probe.nodes[i];
    compare(n.output, other.output);
    const varying = Object.keys(n.attrs).filter((k) => String(n.attrs[k]) !== String(other.attrs[k]));
    if (varying.some((k) => k !== 'shape' || (n.op !== 'Reshape' && n.op !== 'Expand')))
      refuse(`${n.op}'s ${varying.join(', ')} depend on the batch`);
  });
  return axes;
}
