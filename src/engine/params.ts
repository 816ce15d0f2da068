/**
 * Parameters: how a graph declares them (`ParamSpec`), their flat layout (the order in which the optimiser
 * step and checkpoints store them), fresh values, and a checked table for reading them by name while a graph
 * is built.
 */
import type { Rng } from '../core/rng.js';
import { DifflowError } from '../core/validate.js';
import type { Tensor } from './graph.js';

/**
 * A parameter: its name, shape and initialisation — uniform ±1/sqrt(fanIn) as PyTorch's Linear and Conv2d,
 * zeros, ones (norm scales) or normal with a given standard deviation (embeddings).
 */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init:
    | { readonly kind: 'uniform'; readonly fanIn: number }
    | { readonly kind: 'zeros' }
    | { readonly kind: 'ones' }
    | { readonly kind: 'normal'; readonly std: number };
}

/** Anything that declares parameters (a network, a classifier's parameter list wrapped as `{ params }`). */
export interface HasParams {
  readonly params: readonly ParamSpec[];
}

/** Where each parameter lives in the flat parameter vector. */
export interface ParamSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The flat layout of a network's parameters (in declaration order) and its total size P. */
export function paramLayout(net: HasParams): { slots: ParamSlot[]; total: number } {
  let offset = 0;
  const slots = net.params.map((p) => {
    const size = sizeOf(p.shape);
    const slot = { name: p.name, shape: p.shape, offset, size };
    offset += size;
    return slot;
  });
  return { slots, total: offset };
}

/** Per-name views (no copies) into a flat parameter vector. */
export function unflatten(net: HasParams, flat: Float32Array): Record<string, Float32Array> {
  return Object.fromEntries(paramLayout(net).slots.map((s) => [s.name, flat.subarray(s.offset, s.offset + s.size)]));
}

/** A flat parameter vector from per-name arrays. */
export function flatten(net: HasParams, weights: Readonly<Record<string, Float32Array>>): Float32Array {
  const { slots, total } = paramLayout(net);
  const flat = new Float32Array(total);
  for (const s of slots) flat.set(weights[s.name], s.offset);
  return flat;
}

/** Fresh parameters for a network, from a seeded generator. */
export function initParams(net: HasParams, rng: Rng): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const p of net.params) {
    const n = sizeOf(p.shape);
    const data = new Float32Array(n);
    const init = p.init;
    if (init.kind === 'uniform') {
      const bound = 1 / Math.sqrt(init.fanIn);
      for (let i = 0; i < n; i++) data[i] = (2 * rng.uniform() - 1) * bound;
    } else if (init.kind === 'ones') data.fill(1);
    else if (init.kind === 'normal') data.set(rng.normals(n).map((v) => v * init.std));
    out[p.name] = data;
  }
  return out;
}

/** The number of scalar parameters. */
export function parameterCount(net: HasParams): number {
  return net.params.reduce((acc, p) => acc + sizeOf(p.shape), 0);
}

/** Parameter tensors by name, as a graph's builder reads them. */
export type Params = Readonly<Record<string, Tensor>>;

/**
 * `params` with checked lookups: reading a name that `owner` did not declare throws a DifflowError naming
 * the parameter and the owner, where the graph is built (instead of an `undefined` deep in `Graph.apply`).
 */
export function checkedParams(owner: string, params: Params): Params {
  return new Proxy(params, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !Object.hasOwn(target, key)) {
        const names = Object.keys(target);
        const some = names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '');
        throw new DifflowError(`${owner} reads a parameter '${key}' that it does not declare (its ${names.length}: ${some})`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
