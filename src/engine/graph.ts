/**
 * A small static-shape tensor graph: the form in which difflow writes networks, their losses and whole
 * training steps before compiling them to ONNX. Every node has one output; shapes are known when a node is
 * made, so mistakes surface where the graph is built, with the op's name.
 */
import { DifflowError } from '../core/validate.js';
import { OPS, type Attrs, type OpName } from './ops.js';

export type Shape = readonly number[];

/** A value in a graph: an input, a constant or a node's output. */
export interface Tensor {
  readonly id: number;
  readonly shape: Shape;
}

export interface Node {
  readonly op: OpName;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: Attrs;
}

/** A constant, kept in float64 (the reference interpreter's precision) and stored as float32 in ONNX. */
export interface Constant {
  readonly tensor: Tensor;
  readonly data: Float64Array;
}

export const size = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: { name: string; tensor: Tensor }[] = [];
  readonly outputs: { name: string; tensor: Tensor }[] = [];
  readonly constants: Constant[] = [];
  private nextId = 0;
  private readonly scalars = new Map<number, Tensor>();
  private readonly onesByShape = new Map<string, Tensor>();
  private readonly producers = new Map<number, Node>();

  private tensor(shape: Shape): Tensor {
    if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new DifflowError(`invalid shape [${shape.join(', ')}]`);
    return { id: this.nextId++, shape: Object.freeze([...shape]) };
  }

  /** A named graph input (float32). */
  input(name: string, shape: Shape): Tensor {
    if (this.inputs.some((i) => i.name === name)) throw new DifflowError(`duplicate graph input '${name}'`);
    const t = this.tensor(shape);
    this.inputs.push({ name, tensor: t });
    return t;
  }

  /** A constant (an ONNX float32 initializer). */
  constant(data: ArrayLike<number>, shape: Shape): Tensor {
    if (data.length !== size(shape)) throw new DifflowError(`constant of shape [${shape}] needs ${size(shape)} values, got ${data.length}`);
    const t = this.tensor(shape);
    this.constants.push({ tensor: t, data: Float64Array.from(data) });
    return t;
  }

  /** A shared constant of ones (one per shape). */
  ones(shape: Shape): Tensor {
    const key = shape.join('x');
    let t = this.onesByShape.get(key);
    if (!t) {
      t = this.constant(new Float64Array(size(shape)).fill(1), shape);
      this.onesByShape.set(key, t);
    }
    return t;
  }

  /** A shared scalar constant of shape [] (one per value). */
  scalar(value: number): Tensor {
    let t = this.scalars.get(value);
    if (!t) {
      t = this.tensor([]);
      this.constants.push({ tensor: t, data: Float64Array.of(value) });
      this.scalars.set(value, t);
    }
    return t;
  }

  /** Applies an op; its output shape comes from the op's shape rule. */
  apply(op: OpName, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
    const def = OPS[op];
    const output = this.tensor(
      def.shape(
        inputs.map((i) => i.shape),
        attrs,
        op,
      ),
    );
    const node: Node = { op, inputs, output, attrs };
    this.nodes.push(node);
    this.producers.set(output.id, node);
    return output;
  }

  /** Marks a tensor as a named graph output. */
  output(name: string, tensor: Tensor): void {
    if (this.outputs.some((o) => o.name === name)) throw new DifflowError(`duplicate graph output '${name}'`);
    this.outputs.push({ name, tensor });
  }

  /** The node that computes `t`, if any (inputs and constants have none). */
  producer(t: Tensor): Node | undefined {
    return this.producers.get(t.id);
  }
}
