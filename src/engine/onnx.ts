/**
 * Lowers a graph to an ONNX model (opset 17) with onnx-proto. Lean by construction: one ONNX node per op
 * except Silu (Sigmoid·x), GroupNorm and a ReduceSum over leading axes (ones·X, a MatMul) — the lowerings are
 * in onnxLowering.ts; a MatMul or Conv feeding only a bias Add takes the bias (Gemm with transposes as
 * attributes; Conv's B input); a standardisation and its gradient share one LayerNormalization; an exported
 * model may keep its batch symbolic (the plans are in onnxPlan.ts); int64 shape/axes tensors and float32
 * scale tensors are shared initializers.
 */
import onnxProto from 'onnx-proto';
import { DifflowError } from '../core/validate.js';
import type { Graph, Shape, Tensor } from './graph.js';
import { LOWER, type AttrValue, type Emitter } from './onnxLowering.js';
import { batchAxes, biasFusions, layerNormSharing, type BatchAxes } from './onnxPlan.js';

export { NCHWC_DOMAIN } from './onnxLowering.js';

const { onnx } = onnxProto;
const FLOAT = 1;
const INT64 = 7;
export const OPSET = 17;

function valueInfo(name: string, shape: Shape, batch: readonly number[], batchDim?: string) {
  const dim = shape.map((d, i) => (batch.includes(i) && batchDim ? { dimParam: batchDim } : { dimValue: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } });
}

function attribute(name: string, v: AttrValue) {
  if (typeof v === 'object' && 'float' in v)
    return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.float });
  if (typeof v === 'string')
    return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(v) });
  return typeof v === 'number'
    ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v })
    : onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v.slice() });
}

/**
 * The ONNX model for `graph`, encoded. `batchDim` names the batch dimension symbolically (a model any batch
 * size can run): `batchProbe`, the same graph built at another batch size, tells which axes carry the batch
 * (onnxPlan's batchAxes); every shape the lowering writes then has −1 there, and a sum over leading axes
 * stays a ReduceSum. Without a probe only the first axis of the inputs and outputs is symbolic, and a graph
 * whose lowering writes a shape is refused. `metadata` becomes the model's metadata_props. `convBlock` (from
 * `Runtime.convBlock()`, onnxruntime-node only) lowers convolutions whose channel counts it divides to ONNX
 * Runtime's blocked NCHWc kernels; the model then needs onnxruntime-node on a CPU with that block size, so
 * only training steps use it, never exported models.
 */
export function toOnnx(
  graph: Graph,
  options: {
    name?: string;
    docString?: string;
    batchDim?: string;
    batchProbe?: Graph;
    metadata?: Record<string, string>;
    convBlock?: number;
  } = {},
): Uint8Array {
  const { batchDim, batchProbe } = options;
  const axes: BatchAxes | undefined = batchDim !== undefined && batchProbe ? batchAxes(graph, batchProbe) : undefined;
  const inputNames = new Map(graph.inputs.map((i) => [i.tensor.id, i.name]));
  const outputNames = new Map(graph.outputs.map((o) => [o.tensor.id, o.name]));
  const nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  const initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  // A 1-D initializer per distinct list of values, named `${prefix}_${k}`.
  const shared = (prefix: string, dataType: number, field: 'int64Data' | 'floatData') => {
    const names = new Map<string, string>();
    return (values: readonly number[]) => {
      const key = values.join(',');
      let name = names.get(key);
      if (!name) {
        name = `${prefix}_${names.size}`;
        names.set(key, name);
        initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType, [field]: values.slice() }));
      }
      return name;
    };
  };
  let counter = 0;
  const domains = new Set<string>();
  const e: Emitter = {
    name: (t) => inputNames.get(t.id) ?? outputNames.get(t.id) ?? `t${t.id}`,
    fresh: (prefix) => `${prefix}_${counter++}`,
    int64: shared('i64', INT64, 'int64Data'),
    float32: shared('f32', FLOAT, 'floatData'),
    convBlock: options.convBlock,
    blocked: new Map(),
    symbolicBatch: batchDim !== undefined,
    batchOf(t) {
      if (batchDim === undefined) return [];
      const found = axes?.get(t.id);
      if (!found)
        throw new DifflowError("a symbolic batch through this graph needs toOnnx's batchProbe (the graph built at another batch size)");
      return found;
    },
    reshapeTo(shape, batch) {
      if (batch.length > 1)
        throw new DifflowError(`cannot give this graph a symbolic batch: a Reshape to [${shape}] spreads it over ${batch.length} axes`);
      return e.int64(shape.map((d, a) => (batch.includes(a) ? -1 : d)));
    },
    get layerNorms() {
      return layerNorms;
    },
    node(opType, inputs, outputs, attrs = {}, domain) {
      if (domain) domains.add(domain);
      nodes.push(
        onnx.NodeProto.create({
          name: `${opType}_${counter++}`,
          opType,
          input: inputs,
          output: outputs,
          ...(domain ? { domain } : {}),
          attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
        }),
      );
    },
  };
  for (const c of graph.constants) {
    const f32 = Float32Array.from(c.data);
    initializers.push(
      onnx.TensorProto.create({
        name: e.name(c.tensor),
        dims: c.tensor.shape.slice(),
        dataType: FLOAT,
        rawData: new Uint8Array(f32.buffer),
      }),
    );
  }
  const fused = biasFusions(graph);
  const layerNorms = layerNormSharing(graph, e.name, e.fresh);
  const skip = new Set([...fused.values()].map((f) => f.producer.output.id));
  for (const node of graph.nodes) {
    if (skip.has(node.output.id)) continue;
    const f = fused.get(node.output.id);
    if (f?.producer.op === 'Conv') {
      const bias = e.fresh('bias');
      e.node('Reshape', [e.name(f.bias), e.int64([f.producer.output.shape[1]])], [bias]);
      LOWER.Conv(e, f.producer, [...f.producer.inputs.map(e.name), bias], e.name(node.output));
      continue;
    }
    if (f) {
      const [a, b] = f.producer.inputs.map(e.name);
      e.node('Gemm', [a, b, e.name(f.bias)], [e.name(node.output)], {
        transA: f.producer.attrs.transA as number,
        transB: f.producer.attrs.transB as number,
      });
      continue;
    }
    LOWER[node.op](e, node, node.inputs.map(e.name), e.name(node.output));
  }
  // An output that is directly an input or constant needs an Identity node to carry its name.
  for (const o of graph.outputs) {
    if (!graph.producer(o.tensor)) e.node('Identity', [inputNames.get(o.tensor.id) ?? `t${o.tensor.id}`], [o.name]);
  }
  const ioBatch = (t: Tensor) => (axes ? axes.get(t.id)! : [0]);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }, ...[...domains].map((domain) => ({ domain, version: 1 }))],
    producerName: 'difflow',
    docString: options.docString ?? '',
    graph: onnx.GraphProto.create({
      name: options.name ?? 'difflow',
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((i) => valueInfo(i.name, i.tensor.shape, ioBatch(i.tensor), batchDim)),
      output: graph.outputs.map((o) => valueInfo(o.name, o.tensor.shape, ioBatch(o.tensor), batchDim)),
    }),
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * The ONNX model of the graph `build` makes, for any batch size: built at batch 2 and probed at batch 3
 * (toOnnx's batchProbe), the batch named `batchDim` (default 'batch') in the inputs and outputs.
 */
export function toOnnxAnyBatch(
  build: (batch: number) => Graph,
  options: Omit<Parameters<typeof toOnnx>[1] & object, 'batchProbe' | 'convBlock'> = {},
): Uint8Array {
  return toOnnx(build(2), { ...options, batchDim: options.batchDim ?? 'batch', batchProbe: build(3) });
}
