import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denoiserFromModel, onSchedule } from '../denoiser.js';
import { customGrid, karras, uniformLambda, uniformT } from '../grids.js';
import { gaussian, gaussianPath, mixtureOracle, ringMixture } from '../oracles/index.js';
import { OUTPUT_KINDS } from '../outputs.js';
import { rng } from '../rng.js';
import { cosine, flowMatching, rescaleToward, vpRescaled } from '../schedule/index.js';
import { ddim } from './ddim.js';
import { fmEuler } from './fmEuler.js';
import { pfEuler } from './pfEuler.js';

const maxRelDiff = (a: Float64Array, b: Float64Array) =>
  a.reduce((m, ai, i) => Math.max(m, Math.abs(ai - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, ai, i) => Math.max(m, Math.abs(ai - b[i])), 0);

test('DDIM on the flow-matching schedule equals flow-matching Euler, for any grid and any output kind', async () => {
  const fm = flowMatching();
  const oracle = mixtureOracle(ringMixture(8, 2, 0.2), fm);
  const g = rng(10);
  const z1 = g.normals(2 * 500);
  const randomGrid = customGrid([1, ...Array.from({ length: 9 }, () => g.uniform()).sort((a, b) => b - a), 0]);
  const grids = { uniform: uniformT(7), lambda: uniformLambda(fm, 12), karras: karras(fm, 10), random: randomGrid };
  let worst = 0;
  for (const [gridName, grid] of Object.entries(grids)) {
    for (const kind of OUTPUT_KINDS) {
      // An ε-model has no x̂ at t = 1 (α = 0): its grids start just below.
      const startGrid = kind === 'eps' && grid[0] === 1 ? Float64Array.from(grid, (t, i) => (i === 0 ? 1 - 1e-3 : t)) : grid;
      const model = denoiserFromModel(oracle.model(kind), kind, fm);
      const a = await ddim(model, z1, startGrid);
      const b = await fmEuler(model, z1, startGrid);
      // The textbook formula z_s = z_t + û (s − t), written out here, gives the same again.
      let z = Float64Array.from(z1);
      for (let i = 0; i + 1 < startGrid.length; i++) {
        const d = await model.denoise(z, startGrid[i]);
        z = z.map((zk, k) => zk + (d.eps[k] - d.x[k]) * (startGrid[i + 1] - startGrid[i]));
      }
      const diff = Math.max(maxRelDiff(a, b), maxRelDiff(a, z));
      worst = Math.max(worst, diff);
      assert.ok(diff <= 1e-6, `${gridName} grid, ${kind} output: ${diff}`);
    }
  }
  assert.ok(worst < 1e-10, `in float64 they agree to rounding: ${worst}`);
});

test('DDIM is unchanged when α and σ are rescaled by the same c(t); probability-flow Euler is not', async () => {
  const fm = flowMatching();
  const data = gaussian([0.3], 0.1);
  const model = mixtureOracle(data, fm);
  const z1 = Float64Array.from([-2, -1.2, -0.4, 0.4, 1.2, 2]);
  const grid = uniformT(5);
  for (const theta of [0.25, 0.5, 1]) {
    const rescaled = rescaleToward(fm, theta);
    const same = onSchedule(model, rescaled); // the same model, asked on the rescaled schedule
    // n(1) = n(0) = 1 for flow matching, so start and end points need no rescaling.
    assert.ok(maxAbsDiff(await ddim(same, z1, grid), await ddim(model, z1, grid)) < 1e-12, `DDIM, θ = ${theta}`);
    assert.ok(maxAbsDiff(await pfEuler(same, z1, grid), await pfEuler(model, z1, grid)) > 1e-2, `PF Euler moves, θ = ${theta}`);
  }
  // The same with an oracle built directly on the VP schedule (no adapter).
  const vp = vpRescaled(fm);
  assert.ok(maxAbsDiff(await ddim(mixtureOracle(data, vp), z1, grid), await ddim(model, z1, grid)) < 1e-12);
});

test('the worked example: N(0, 0.01) data, z₁ = −2, 5 uniform steps (FRAMEWORK.md §4)', async () => {
  const fm = flowMatching();
  const vp = vpRescaled(fm);
  const data = gaussian([0], 0.1);
  const z1 = Float64Array.from([-2]);
  const grid = uniformT(5);
  const exact = gaussianPath([0], 0.1, fm, z1, 1, 0)[0];
  assert.ok(Math.abs(exact - -0.2) < 1e-15, 'the exact answer is −0.2');
  const ddimFm = (await ddim(mixtureOracle(data, fm), z1, grid))[0];
  const ddimVp = (await ddim(mixtureOracle(data, vp), z1, grid))[0];
  const eulerFm = (await pfEuler(mixtureOracle(data, fm), z1, grid))[0];
  const eulerVp = (await pfEuler(mixtureOracle(data, vp), z1, grid))[0];
  assert.ok(Math.abs(ddimFm - ddimVp) < 1e-14, `DDIM is the same on both: ${ddimFm} vs ${ddimVp}`);
  assert.ok(Math.abs(eulerFm - ddimFm) < 1e-14, 'on flow matching, probability-flow Euler is DDIM');
  assert.ok(Math.abs(eulerVp - ddimVp) > 0.05, `Euler on the VP version lands elsewhere: ${eulerVp} vs ${ddimVp}`);
  // DDIM's own value, computed by hand: with s² = 0.01 every step maps z to z·sqrt((α_s² s² + σ_s²)/…) only
  // approximately; what matters is that it is close to the exact −0.2 and Euler-on-VP is farther.
  assert.ok(Math.abs(ddimFm - exact) < Math.abs(eulerVp - exact), `${ddimFm} vs ${eulerVp}`);
});

test('DDIM on any schedule reaches the same answer as on flow matching when the model is the same', async () => {
  const fm = flowMatching();
  const cos = cosine();
  const model = mixtureOracle(ringMixture(4, 1.5, 0.3), fm);
  const z1 = rng(3).normals(40);
  // The cosine grid with the same λ at every point as a uniform FM grid.
  const fmGrid = uniformT(10);
  const cosGrid = Float64Array.from(fmGrid, (t) => cos.tOfLambda(fm.lambda(t)));
  // Cosine's z at t = 1 is σ₁ ε = ε, as on FM, so the starting point is the same.
  assert.ok(maxAbsDiff(await ddim(onSchedule(model, cos), z1, cosGrid), await ddim(model, z1, fmGrid)) < 1e-12);
});
