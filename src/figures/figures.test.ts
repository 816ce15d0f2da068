import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURES, FIGURE_NAMES } from './index.js';
import { computeRescaling, computeStraightness } from './twoSides.js';
import { computeWeightings } from './weightings.js';
import { computeChurn } from './churn.js';
import { computeParticles } from './particles.js';

test('figure 1: DDIM ends in the same place for every rescaling θ, probability-flow Euler does not', async () => {
  const { frames } = await computeRescaling();
  const ddimEnds = frames.map((f) => f.ends.ddim);
  const eulerEnds = frames.map((f) => f.ends.euler);
  for (const ends of ddimEnds) ends.forEach((z, k) => assert.ok(Math.abs(z - ddimEnds[0][k]) < 1e-12));
  assert.ok(Math.abs(eulerEnds[4][0] - eulerEnds[0][0]) > 0.05, `${eulerEnds[4][0]} vs ${eulerEnds[0][0]}`);
  // The exact end of z₁ = −2 under N(0, 0.01) is −0.2 on every frame.
  for (const f of frames) assert.ok(Math.abs(f.ends.exact[0] + 0.2) < 1e-12);
});

test('figure 2: the exact path is a straight line on flow matching only for narrow data, on VP only for unit variance', async () => {
  const { rows } = await computeStraightness();
  const curvature = (path: number[]) =>
    Math.max(...path.map((z, i) => Math.abs(z - (path[0] + (path[path.length - 1] - path[0]) * (i / (path.length - 1))))));
  const fm = rows[0].panels;
  const vp = rows[1].panels;
  assert.ok(curvature(fm[0].exact[0]) < 0.15 && curvature(fm[4].exact[0]) > 0.5, 'FM: nearly straight at 0.01, curved at 1');
  assert.ok(curvature(vp[4].exact[0]) < 1e-12 && curvature(vp[0].exact[0]) > 0.3, 'VP: straight at 1, curved at 0.01');
});

test('figure 3: every weighting is normalised to a maximum of 1 on [−10, 10], and FM equals v-MSE on cosine', () => {
  const { lambda, curves } = computeWeightings();
  assert.equal(lambda[0], -10);
  assert.equal(lambda[lambda.length - 1], 10);
  for (const c of curves) assert.equal(Math.max(...c.w), 1, c.name);
  const byName = Object.fromEntries(curves.map((c) => [c.name, c.w]));
  byName.fm.forEach((w, i) => assert.ok(Math.abs(w - byName['v-cosine'][i]) < 1e-12));
});

test('figure 4: without churn every step counts equally; with churn ½ the first steps are nearly forgotten', () => {
  const { curves } = computeChurn();
  const flat = curves[0].weight;
  assert.ok(Math.max(...flat) / Math.min(...flat) < 1.02);
  const half = curves[curves.length - 1].weight;
  assert.ok(half[0] < 0.05 * Math.max(...half));
});

test("figure 5: both moves reach the distribution of z at t' (energy distance at the noise floor)", () => {
  const d = computeParticles({ n: 2000 });
  const floor = Math.abs(d.energyToFresh.freshVsFresh) + 3e-3;
  assert.ok(Math.abs(d.energyToFresh.ddimUp) < floor, `${d.energyToFresh.ddimUp}`);
  assert.ok(Math.abs(d.energyToFresh.diffused) < floor, `${d.energyToFresh.diffused}`);
  // Different motion: the deterministic and the random move send particles to different places.
  const moved = d.ddimUp.reduce((acc, v, i) => acc + (v - d.diffused[i]) ** 2, 0) / d.n;
  assert.ok(moved > 0.05, `${moved}`);
});

test('every figure renders to an SVG document without NaN', async () => {
  for (const name of FIGURE_NAMES) {
    const fig = FIGURES[name] as { compute(): Promise<unknown>; render(d: unknown): string };
    const svg = fig.render(await fig.compute());
    assert.ok(svg.startsWith('<svg') || svg.startsWith('<?xml'), name);
    assert.ok(!/NaN|Infinity/.test(svg), name);
  }
});
