/**
 * A denoiser network's graphs: the forward pass (sampling, export) and the training step — the weighted
 * output-MSE over a batch (z, t, target, per-example weight) fed to the engine's optimiser step. The
 * diffusion maths (schedule, output kind, weighting, p(t)) stays in the core and arrives as z, target and
 * weight.
 */
import { Builder } from '../engine/builder.js';
import type { Tensor } from '../engine/graph.js';
import { buildOptimizerStep, DEFAULT_OPTIMIZER, type OptimizerSpec } from '../engine/optimizer.js';
import { checkedParams, type Params } from '../engine/params.js';
import type { Network } from './network.js';

/** The label input of a class-conditional network: one-hot [B, K + 1], the last column the null class. */
function labelInput(g: Builder, net: Network, batch: number): Tensor | undefined {
  return net.classes === undefined ? undefined : g.input('label', [batch, net.classes + 1]);
}

/** How errors name a network: "the unet network". */
const ownerOf = (net: Network): string => `the ${net.describe.kind ?? 'denoiser'} network`;

/**
 * The forward graph alone (sampling/export): params as inputs, or baked in as initializers when given.
 * Inputs z [B, dim], t [B, 1] and, for class-conditional networks, label [B, K + 1]; output 'out' [B, dim].
 */
export function buildForward(net: Network, batch: number, weights?: Readonly<Record<string, Float32Array>>): Builder {
  const g = new Builder();
  const z = g.input('z', [batch, net.dim]);
  const t = g.input('t', [batch, 1]);
  const label = labelInput(g, net, batch);
  const p: Record<string, Tensor> = {};
  for (const spec of net.params) p[spec.name] = weights ? g.constant(weights[spec.name], spec.shape) : g.input(spec.name, spec.shape);
  g.output('out', net.forward(g, checkedParams(ownerOf(net), p), z, t, label));
  return g;
}

/** The loss L = Σ_b w_b Σ_j (o_bj − y_bj)² / (B·dim). */
function weightedMse(g: Builder, out: Tensor, target: Tensor, weight: Tensor): Tensor {
  const [batch, dim] = out.shape;
  return g.mul(g.sumAll(g.mul(g.square(g.sub(out, target)), weight)), 1 / (batch * dim));
}

/**
 * The denoiser's training step: batch inputs z [B, dim], t [B, 1], target [B, dim], per-example weight
 * [B, 1] (and label [B, K + 1] for class-conditional networks); the weighted output-MSE; the engine's
 * `buildOptimizerStep` (gradients, clipping, AdamW, EMA).
 */
export function buildTrainStep(net: Network, batch: number, opt: OptimizerSpec = DEFAULT_OPTIMIZER): Builder {
  return buildOptimizerStep(
    net.params,
    (g, p: Params) => {
      const z = g.input('z', [batch, net.dim]);
      const t = g.input('t', [batch, 1]);
      const label = labelInput(g, net, batch);
      const target = g.input('target', [batch, net.dim]);
      const weight = g.input('weight', [batch, 1]);
      return weightedMse(g, net.forward(g, p, z, t, label), target, weight);
    },
    opt,
    ownerOf(net),
  );
}
