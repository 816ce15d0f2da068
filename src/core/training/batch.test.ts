import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toXEps, OUTPUT_KINDS } from '../outputs.js';
import { Rng } from '../rng.js';
import { cosine, edm, flowMatching } from '../schedule/index.js';
import { trainingTime } from '../timeRange.js';
import { batchFromDraws, meanLossWeight, rawLossWeight, trainingBatch, type BatchRecipe, type ExampleSource } from './batch.js';
import { edmDensity, logitNormalDensity, uniformDensity } from './density.js';
import { weighting } from './weighting.js';

/** Known examples: row b of dimension 3 is (b, −b, 0.5) / 10, with label b mod 4. */
const KNOWN: ExampleSource = {
  name: 'known',
  dim: 3,
  sample: (n) => Float64Array.from({ length: 3 * n }, (_, i) => [Math.floor(i / 3), -Math.floor(i / 3), 0.5][i % 3] / 10),
  sampleLabelled(n, rng) {
    return { x: this.sample(n, rng), labels: Int32Array.from({ length: n }, (_, b) => b % 4) };
  },
};

const recipe = (over: Partial<BatchRecipe> = {}): BatchRecipe => ({
  schedule: cosine(),
  output: 'v',
  weighting: weighting('sigmoid', { bias: 2 }),
  density: logitNormalDensity(),
  batch: 64,
  weightScale: 1,
  labelDropout: 0,
  ...over,
});

test('each example of a batch is z = α_t x + σ_t ε with the target of its output kind: converted back, the target gives the data x', () => {
  for (const output of OUTPUT_KINDS) {
    for (const schedule of [cosine(), flowMatching(), edm()]) {
      const b = trainingBatch(recipe({ output, schedule, density: uniformDensity() }), KNOWN, Rng.seeded(7));
      const x = KNOWN.sample(64, Rng.seeded(0));
      for (let i = 0; i < 64; i++) {
        const t = b.t[i];
        const [alpha, sigma] = [schedule.alpha(t), schedule.sigma(t)];
        const z = Float64Array.from(b.z.subarray(3 * i, 3 * i + 3));
        const back = toXEps(output, Float64Array.from(b.target.subarray(3 * i, 3 * i + 3)), z, alpha, sigma);
        // float32 rounding of z and the target, amplified by 1/α or 1/σ near the ends.
        const tol = 1e-6 * (1 + Math.abs(sigma / alpha) + Math.abs(alpha / sigma)) * (1 + sigma);
        for (let j = 0; j < 3; j++)
          assert.ok(
            Math.abs(back.x[j] - x[3 * i + j]) <= tol,
            `${output} on ${schedule.name}, t = ${t}: x̂ ${back.x[j]} vs ${x[3 * i + j]}`,
          );
      }
    }
  }
});

test('a batch draws the examples, ε and then t from the generator and nothing else: its state afterwards is that of those draws', () => {
  const r = recipe({ density: edmDensity(), schedule: edm(), output: 'x', weighting: weighting('edm') });
  const rng = Rng.seeded(11);
  const b = trainingBatch(r, KNOWN, rng);
  const replay = Rng.seeded(11);
  KNOWN.sample(64, replay);
  const eps = replay.normals(64 * 3);
  const t = Array.from({ length: 64 }, () => trainingTime(r.density.sampleT(replay, r.schedule)));
  assert.deepEqual([...rng.state()], [...replay.state()]);
  assert.deepEqual([...b.t], [...Float32Array.from(t)]);
  const alpha = r.schedule.alpha(t[5]);
  const sigma = r.schedule.sigma(t[5]);
  assert.equal(b.z[15], Math.fround(alpha * 0.5 + sigma * eps[15]), 'z of example 5, coordinate 0');
});

test('a batch is a function of (recipe, data, generator state): the same state gives the same batch, bit for bit', () => {
  const saved = Rng.seeded(3);
  saved.normals(5);
  const state = saved.state();
  const a = trainingBatch(recipe({ classes: 4, labelDropout: 0.3 }), KNOWN, Rng.fromState(state));
  const b = trainingBatch(recipe({ classes: 4, labelDropout: 0.3 }), KNOWN, Rng.fromState(state));
  assert.deepEqual(a, b);
});

test('labels are one-hot over K + 1 columns, and dropout sends a fraction labelDropout of them to the null class K', () => {
  const kept = trainingBatch(recipe({ classes: 4, labelDropout: 0, batch: 8 }), KNOWN, Rng.seeded(1));
  assert.deepEqual(
    [...(kept.label as Float32Array)].map((v, i) => (v === 1 ? i % 5 : -1)).filter((c) => c >= 0),
    [0, 1, 2, 3, 0, 1, 2, 3],
  );
  const dropped = trainingBatch(recipe({ classes: 4, labelDropout: 1, batch: 8 }), KNOWN, Rng.seeded(1));
  assert.deepEqual(
    [...(dropped.label as Float32Array)].map((v, i) => (v === 1 ? i % 5 : -1)).filter((c) => c >= 0),
    new Array(8).fill(4),
  );
  const B = 20_000;
  const some = trainingBatch(recipe({ classes: 4, labelDropout: 0.1, batch: B }), KNOWN, Rng.seeded(2)).label as Float32Array;
  let nulls = 0;
  for (let b = 0; b < B; b++) nulls += some[5 * b + 4];
  const sd = Math.sqrt((0.1 * 0.9) / B);
  assert.ok(Math.abs(nulls / B - 0.1) < 5 * sd, `null fraction ${nulls / B}`);
  for (let b = 0; b < B; b++)
    assert.equal(
      some.subarray(5 * b, 5 * b + 5).reduce((s, v) => s + v, 0),
      1,
    );
});

test('the weights are the raw loss weights over the normaliser, whose mean under p(t) is the normaliser itself', () => {
  const r = recipe({ batch: 40_000, weighting: weighting('eps-cosine'), output: 'eps' });
  const scale = meanLossWeight(r);
  const b = trainingBatch({ ...r, weightScale: scale }, KNOWN, Rng.seeded(9));
  for (const i of [0, 17, 39_999]) assert.ok(Math.abs(b.weight[i] - rawLossWeight(r, b.t[i]) / scale) <= 1e-6 * b.weight[i]);
  const mean = b.weight.reduce((s, w) => s + w, 0) / b.weight.length;
  assert.ok(Math.abs(mean - 1) < 0.03, `mean weight ${mean}`);
});

test("the normaliser estimates the mean raw weight under uniform t: within 4 standard errors of Simpson's rule on [0, 1]", () => {
  for (const [output, name] of [
    ['eps', 'eps-cosine'],
    ['v', 'sigmoid'],
    ['x', 'v-cosine'],
    ['u', 'sd3'],
  ] as const) {
    const r = recipe({ output, weighting: weighting(name), density: uniformDensity(), schedule: cosine() });
    const n = 20_000;
    const h = 1 / n;
    let integral = 0;
    let square = 0;
    for (let i = 0; i <= n; i++) {
      const w = rawLossWeight(r, i * h);
      const c = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
      integral += (c * h * w) / 3;
      square += (c * h * w * w) / 3;
    }
    const stdError = Math.sqrt((square - integral * integral) / 10_000);
    const estimate = meanLossWeight(r);
    assert.ok(
      Math.abs(estimate - integral) < 4 * stdError,
      `${output}/${name}: ${estimate} vs ∫ = ${integral} (standard error ${stdError})`,
    );
  }
});

test('the normaliser is a fixed estimate (10,000 draws, seed 12345) unless a generator is given', () => {
  const r = recipe();
  assert.equal(meanLossWeight(r), meanLossWeight(r, { rng: Rng.seeded(12345), draws: 10_000 }));
  assert.notEqual(meanLossWeight(r), meanLossWeight(r, { rng: Rng.seeded(1) }));
  assert.equal(meanLossWeight({ ...r, output: 'u', schedule: flowMatching(), weighting: weighting('fm'), density: uniformDensity() }), 1);
});

test('a recipe without finite weights, non-finite data and a labelled recipe on unlabelled data are refused with the reason', () => {
  const zeroWeight = { ...weighting('fm'), w: () => 0 };
  assert.throws(
    () => meanLossWeight(recipe({ weighting: zeroWeight })),
    /the weighting 'fm' with density 'logit-normal' and output 'v' gives no finite loss weights on 'cosine'/,
  );
  const bad: ExampleSource = { name: 'broken', dim: 3, sample: (n) => new Float64Array(3 * n).fill(Number.NaN) };
  assert.throws(
    () => trainingBatch(recipe(), bad, Rng.seeded(0)),
    /the data set 'broken' produced a non-finite value \(NaN\) in example 0/,
  );
  const unlabelled: ExampleSource = { name: 'plain', dim: 3, sample: KNOWN.sample };
  assert.throws(
    () => trainingBatch(recipe({ classes: 4 }), unlabelled, Rng.seeded(0)),
    /conditioned on 4 classes, but the data set 'plain' has no labels/,
  );
  const short: ExampleSource = { name: 'short', dim: 3, sample: (n) => new Float64Array(n) };
  assert.throws(() => trainingBatch(recipe(), short, Rng.seeded(0)), /gave 64 values for 64 examples of dimension 3/);
});

test('batchFromDraws keeps t inside the training range and gives exact EDM numbers for the x output', () => {
  const r = { schedule: edm(), output: 'x' as const, weighting: weighting('edm'), density: edmDensity(), weightScale: 2 };
  const b = batchFromDraws(r, { x: Float64Array.of(0.5), t: [0], eps: Float64Array.of(1) });
  assert.equal(b.t[0], Math.fround(trainingTime(0)));
  const t = trainingTime(0);
  assert.equal(b.z[0], Math.fround(edm().alpha(t) * 0.5 + edm().sigma(t)));
  assert.equal(b.target[0], 0.5);
  assert.equal(b.weight[0], Math.fround(rawLossWeight(r, t) / 2));
});
