import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniformLambda, uniformT, type TimeGrid } from '../grids.js';
import { gaussian, gaussianPath, mixtureOracle } from '../oracles/index.js';
import { rng } from '../rng.js';
import { cosine, flowMatching, linearVP, type Schedule } from '../schedule/index.js';
import { ddim } from './ddim.js';
import { dpmpp2m } from './dpmSolver.js';
import { fmEuler } from './fmEuler.js';
import { heun } from './heun.js';
import { pfEuler } from './pfEuler.js';
import type { Sampler } from './sampler.js';

const mean = [0.5, -0.3];
const std = 0.6;
const steps = [32, 64, 128, 256];

/** Least-squares slope of log(error) against log(steps): −order. */
function order(errors: number[]): number {
  const xs = steps.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  const slope = xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i] - my), 0) / xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  return -slope;
}

/** Max error at the grid's end against the exact probability-flow path of Gaussian data. */
async function errors(sampler: Sampler, schedule: Schedule, makeGrid: (n: number) => TimeGrid): Promise<number[]> {
  const oracle = mixtureOracle(gaussian(mean, std), schedule);
  const first = makeGrid(steps[0]);
  const [tStart, tEnd] = [first[0], first[first.length - 1]];
  const z = rng(1)
    .normals(2 * 100)
    .map((v) => v * Math.hypot(schedule.alpha(tStart) * std, schedule.sigma(tStart)));
  const exact = gaussianPath(mean, std, schedule, z, tStart, tEnd);
  const out: number[] = [];
  for (const n of steps) out.push((await sampler(oracle, z, makeGrid(n))).reduce((m, v, i) => Math.max(m, Math.abs(v - exact[i])), 0));
  return out;
}

const grids = {
  'uniform t': (s: Schedule) => (n: number) => uniformT(n, { tMax: s.tOfLambda(-5), tMin: s.tOfLambda(5) }),
  'uniform λ': (s: Schedule) => (n: number) => uniformLambda(s, n, { lambdaMin: -5, lambdaMax: 5, toZero: false }),
};
const expected: [string, Sampler, number][] = [
  ['DDIM', ddim, 1],
  ['flow-matching Euler', fmEuler, 1],
  ['probability-flow Euler', pfEuler, 1],
  ['Heun', heun, 2],
  ['DPM-Solver++ 2M', dpmpp2m, 2],
];

for (const schedule of [flowMatching(), cosine(), linearVP()]) {
  for (const [gridName, grid] of Object.entries(grids)) {
    test(`on ${schedule.name} with a ${gridName} grid, Euler/DDIM converge at order 1 and Heun/DPM-Solver++ 2M at order 2`, async () => {
      for (const [name, sampler, want] of expected) {
        const errs = await errors(sampler, schedule, grid(schedule));
        const p = order(errs);
        assert.ok(Math.abs(p - want) < 0.15, `${name}: order ${p.toFixed(3)} (errors ${errs.map((e) => e.toExponential(2)).join(', ')})`);
      }
    });
  }
}

test('on a uniform-λ grid DDIM, Heun and DPM-Solver++ give the same answer on every schedule (they see only λ)', async () => {
  const z = rng(2).normals(20);
  const fm = flowMatching();
  for (const sampler of [ddim, heun, dpmpp2m]) {
    const reference = await sampler(
      mixtureOracle(gaussian(mean, std), fm),
      z,
      uniformLambda(fm, 12, { lambdaMin: -6, lambdaMax: 6, toZero: false }),
    );
    for (const s of [cosine(), linearVP()]) {
      const grid = uniformLambda(s, 12, { lambdaMin: -6, lambdaMax: 6, toZero: false });
      // Same normalised start: z_s = z_fm · (α_s + σ_s)/(α_fm + σ_fm) at the first grid point.
      const k = (t: number, sch: Schedule) => sch.alpha(t) + sch.sigma(t);
      const tFm = fm.tOfLambda(-6);
      const zs = z.map((v) => (v * k(grid[0], s)) / k(tFm, fm));
      const out = await sampler(mixtureOracle(gaussian(mean, std), s), zs, grid);
      const tEnd = grid[grid.length - 1];
      const scale = k(tEnd, s) / k(fm.tOfLambda(6), fm);
      for (let i = 0; i < z.length; i++) assert.ok(Math.abs(out[i] / scale - reference[i]) < 1e-9, `${s.name}`);
    }
  }
});
