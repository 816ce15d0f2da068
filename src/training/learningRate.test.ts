import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeConfig } from './config.js';
import { LR_SCHEDULE_NAMES, learningRate, type LrRecipe } from './learningRate.js';

const constant: LrRecipe = { lr: 3e-3, warmup: 100, steps: 4000, lrSchedule: 'constant' };
const cosine: LrRecipe = { ...constant, lrSchedule: 'cosine' };

test('the constant schedule is the linear warm-up then lr, bit for bit the formula every earlier run used', () => {
  for (const warmup of [0, 1, 100]) {
    for (const k of [1, 2, 50, 99, 100, 101, 3999, 4000, 5000]) {
      assert.equal(learningRate(k, { ...constant, warmup }), constant.lr * Math.min(1, k / Math.max(1, warmup)));
    }
  }
});

test('the cosine schedule warms up as the constant one, then falls from lr through lr/2 at mid-way to 0 at the last step', () => {
  for (const k of [1, 50, 100]) assert.equal(learningRate(k, cosine), learningRate(k, constant));
  assert.equal(learningRate(cosine.warmup + (cosine.steps - cosine.warmup) / 2, cosine), cosine.lr / 2);
  assert.equal(learningRate(cosine.steps, cosine), 0);
  assert.equal(learningRate(cosine.steps + 10, cosine), 0, 'after the last step it stays 0');
  const quarter = cosine.warmup + (cosine.steps - cosine.warmup) / 4;
  assert.ok(Math.abs(learningRate(quarter, cosine) - (cosine.lr * (1 + Math.SQRT1_2)) / 2) < 1e-18);
  for (let k = cosine.warmup; k < cosine.steps; k++)
    assert.ok(learningRate(k + 1, cosine) < learningRate(k, cosine), `not decreasing at step ${k}`);
  // No warm-up, or a run no longer than it: still finite, and 0 at the end.
  assert.equal(learningRate(1, { ...cosine, warmup: 0, steps: 1 }), 0);
  assert.equal(learningRate(5, { ...cosine, warmup: 10, steps: 5 }), cosine.lr / 2);
});

test('--lr-schedule is constant unless asked, and a bad name is refused in one line naming the valid ones', () => {
  assert.equal(makeConfig({}).lrSchedule, 'constant');
  assert.equal(makeConfig({ lrSchedule: 'cosine' }).lrSchedule, 'cosine');
  assert.throws(
    () => makeConfig({ lrSchedule: 'linear' }),
    /^DifflowError: unknown learning-rate schedule 'linear'; valid: constant, cosine$/,
  );
});

// python/difflow_torch/lr_schedule.py needs no torch: checked wherever a python3 is found.
const PYTHON = process.env.DIFFLOW_PYTHON ?? 'python3';
const noPython = spawnSync(PYTHON, ['-c', 'pass'], { stdio: 'ignore' }).status === 0 ? false : `no ${PYTHON}`;

test("the torch backend's learning rate (python/difflow_torch/lr_schedule.py) is difflow's at every step", { skip: noPython }, () => {
  const recipes = LR_SCHEDULE_NAMES.flatMap((lrSchedule) => [0, 1, 7].map((warmup) => ({ lr: 1e-2, warmup, steps: 40, lrSchedule })));
  const ks = Array.from({ length: 45 }, (_, i) => i + 1);
  const script =
    'import json, sys\nfrom difflow_torch.lr_schedule import learning_rate\n' +
    'rs, ks = json.load(sys.stdin)\nprint(json.dumps([[learning_rate(k, r) for k in ks] for r in rs]))';
  const r = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify([recipes, ks]),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: fileURLToPath(new URL('../../python', import.meta.url)) },
  });
  assert.equal(r.status, 0, r.stderr);
  const python = JSON.parse(r.stdout) as number[][];
  recipes.forEach((recipe, i) =>
    ks.forEach((k, j) => {
      const ours = learningRate(k, recipe);
      assert.ok(
        Math.abs(python[i][j] - ours) <= 1e-16 * recipe.lr,
        `${JSON.stringify(recipe)} step ${k}: python ${python[i][j]}, difflow ${ours}`,
      );
    }),
  );
});
