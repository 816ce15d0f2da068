import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplingGrid } from './grids.js';
import { OUTPUT_KINDS } from './outputs.js';
import { cosine, ddpm, flowMatching } from './schedule/index.js';
import { safeTimeRange, trainingTime } from './timeRange.js';
import { EDM_P_MEAN, EDM_P_STD, edmDensity } from './training/density.js';
import { weighting } from './training/weighting.js';

test(
  'an ε-model stops short of t = 1 where α(1) = 0, by 1e-3 to sample ' + 'and 1e-4 for the likelihood; other outputs and schedules do not',
  () => {
    for (const schedule of [flowMatching(), cosine()]) {
      assert.deepEqual(safeTimeRange(schedule, 'eps', 'sampling'), { tMin: 0, tMax: 0.999 });
      assert.deepEqual(safeTimeRange(schedule, 'eps', 'likelihood'), { tMin: 1e-5, tMax: 0.9999 });
      for (const output of OUTPUT_KINDS.filter((k) => k !== 'eps'))
        assert.equal(safeTimeRange(schedule, output, 'sampling').tMax, 1, output);
    }
    assert.equal(safeTimeRange(ddpm(), 'eps', 'sampling').tMax, 1, 'α(1) > 0 on the DDPM table');
  },
);

test('sampling grids start where safeTimeRange says', () => {
  for (const grid of ['uniform', 'lambda', 'karras', 'edm'] as const) {
    for (const output of OUTPUT_KINDS) {
      const g = samplingGrid(grid, flowMatching(), output, 6);
      assert.ok(g[0] <= safeTimeRange(flowMatching(), output, 'sampling').tMax, `${grid}, ${output}`);
    }
  }
  assert.equal(samplingGrid('uniform', flowMatching(), 'eps', 4)[0], 0.999);
});

test('training keeps every t 1e-5 inside [0, 1] for every output', () => {
  assert.deepEqual([trainingTime(0), trainingTime(0.5), trainingTime(1)], [1e-5, 0.5, 1 - 1e-5]);
  for (const output of OUTPUT_KINDS) assert.deepEqual(safeTimeRange(flowMatching(), output, 'training'), { tMin: 1e-5, tMax: 1 - 1e-5 });
});

test("the EDM weighting's Gaussian in λ is the EDM density's, from the same P_mean and P_std", () => {
  assert.deepEqual([EDM_P_MEAN, EDM_P_STD], [-1.2, 1.2]);
  const density = edmDensity();
  const edm = weighting('edm');
  for (const l of [-6, -1, 0, 2.4, 5, 9]) {
    assert.ok(Math.abs(edm.w(l) / (density.pdfLambda(l, flowMatching()) * (Math.exp(-l) + 0.25)) - 1) < 1e-14, `λ = ${l}`);
  }
});
