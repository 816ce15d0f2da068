import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DifflowError } from '../core/validate.js';
import { interpret } from './interpret.js';
import {
  buildOptimizerStep,
  OPTIMIZER_IO,
  optimizerFeeds,
  optimizerOutputs,
  takeOptimizerOutputs,
  type OptimizerState,
} from './optimizer.js';
import type { ParamSpec } from './params.js';

const SPECS: ParamSpec[] = [
  { name: 'a', shape: [2], init: { kind: 'zeros' } },
  { name: 'b', shape: [1, 3], init: { kind: 'zeros' } },
];
/** L = Σ (a·x)² + Σ b², with a batch input x [2]. */
const step = () => buildOptimizerStep(SPECS, (g, p) => g.add(g.sumAll(g.square(g.mul(p.a, g.input('x', [2])))), g.sumAll(g.square(p.b))));

test('the optimiser graph declares exactly the inputs and outputs named in OPTIMIZER_IO, the batch inputs after them', () => {
  const g = step();
  const state = Object.values(OPTIMIZER_IO.state);
  assert.deepEqual(
    g.inputs.map((i) => i.name),
    [...state.map((s) => s.input), ...Object.values(OPTIMIZER_IO.scalars), 'x'],
  );
  assert.deepEqual(
    g.outputs.map((o) => o.name),
    [...state.map((s) => s.output), OPTIMIZER_IO.loss, OPTIMIZER_IO.gradNorm],
  );
});

test('optimizerFeeds and optimizerOutputs carry a step through the graph by the table alone', () => {
  const state: OptimizerState = {
    params: Float32Array.of(1, 2, 3, 4, 5),
    m: new Float32Array(5),
    v: new Float32Array(5),
    ema: Float32Array.of(1, 2, 3, 4, 5),
  };
  const feeds = optimizerFeeds(state, 1, { lr: 0.1, eps: 1e-8, weightDecay: 0, emaDecay: 0.999 });
  const raw = interpret(step(), { ...Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.data as Float32Array])), x: [1, 1] });
  const session = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, { data: Float32Array.from(v) }]));
  const out = optimizerOutputs(session);
  assert.ok(Math.abs(out.loss - (1 + 4 + 9 + 16 + 25)) < 1e-5, `loss ${out.loss}`);
  assert.ok(Math.abs(out.gradNorm - 2 * Math.sqrt(55)) < 1e-4, `gradient norm ${out.gradNorm}`);
  takeOptimizerOutputs(state, session);
  // Adam's first step moves every parameter by lr against the sign of its gradient.
  assert.deepEqual(
    Array.from(state.params, (p) => Math.round(p * 1e4) / 1e4),
    [0.9, 1.9, 2.9, 3.9, 4.9],
  );
});

test('a loss that reads an undeclared parameter fails where the step is built, naming it and its owner', () => {
  assert.throws(
    () => buildOptimizerStep(SPECS, (g, p) => g.sumAll(p.c), undefined, 'the toy loss'),
    (e: unknown) => e instanceof DifflowError && e.message === "the toy loss reads a parameter 'c' that it does not declare (its 2: a, b)",
  );
});
