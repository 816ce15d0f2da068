import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../rng.js';
import { cosine, edm, flowMatching, linearVP } from '../schedule/index.js';
import { cosineDensity, densityByName, DENSITY_NAMES, edmDensity, logitNormalDensity, uniformDensity } from './density.js';
import { epsLossWeight, outputLossWeight } from './lossWeight.js';
import { weighting, WEIGHTING_NAMES } from './weighting.js';

/** ∫ f over [a, b] by composite Simpson with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n = 4000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

test('each training recipe is plain MSE on its own output: its weight is constant in t', () => {
  const cases = [
    { what: 'û-MSE, t ~ U, flow matching', w: 'fm', density: uniformDensity(), schedule: flowMatching(), output: 'u' },
    { what: 'ε-MSE, t ~ U, cosine', w: 'eps-cosine', density: uniformDensity(), schedule: cosine(), output: 'eps' },
    { what: 'v-MSE, t ~ U, cosine', w: 'v-cosine', density: uniformDensity(), schedule: cosine(), output: 'v' },
    { what: 'û-MSE, logit-normal t, flow matching (SD3)', w: 'sd3', density: logitNormalDensity(), schedule: flowMatching(), output: 'u' },
  ] as const;
  for (const c of cases) {
    const values = [0.03, 0.2, 0.5, 0.8, 0.97].map((t) => outputLossWeight(weighting(c.w), c.density, c.schedule, c.output, t));
    for (const v of values) assert.ok(Math.abs(v / values[0] - 1) < 1e-9, `${c.what}: ${values}`);
  }
  // EDM: x-MSE with λ(σ) = (σ² + σ_data²)/(σ σ_data)² on its log-normal σ (σ here is σ̃ = σ/α).
  for (const schedule of [edm(), flowMatching(), cosine()]) {
    const ratios = [0.1, 0.4, 0.7].map((t) => {
      const sigma = schedule.sigma(t) / schedule.alpha(t);
      return outputLossWeight(weighting('edm'), edmDensity(), schedule, 'x', t) / ((sigma ** 2 + 0.25) / (sigma * 0.5) ** 2);
    });
    for (const r of ratios) assert.ok(Math.abs(r / ratios[0] - 1) < 1e-9, `EDM on ${schedule.name}: ${ratios}`);
  }
});

test('the weightings match FRAMEWORK.md §6 at known points', () => {
  assert.equal(weighting('fm').w(0), 0.5);
  assert.ok(Math.abs(weighting('v-cosine').w(0) - 1 / Math.PI) < 1e-15);
  assert.ok(Math.abs(weighting('eps-cosine').w(0) - 1 / (2 * Math.PI)) < 1e-15);
  assert.equal(weighting('sigmoid', { bias: 2 }).w(2), 0.5);
  assert.equal(weighting('elbo').w(-7), 1);
  // flow matching's weighting is v-MSE on cosine, up to a constant (π/2).
  for (const l of [-8, -1, 3]) assert.ok(Math.abs(weighting('fm').w(l) / weighting('v-cosine').w(l) - Math.PI / 2) < 1e-12);
  assert.throws(() => weighting('fmm'), /unknown weighting 'fmm'; valid: fm, eps-cosine/);
});

test('every density of λ integrates to 1 and matches a histogram of its samples', () => {
  const g = rng(3);
  for (const schedule of [flowMatching(), cosine(), linearVP()]) {
    for (const name of DENSITY_NAMES) {
      const d = densityByName(name);
      const [lo, hi] = [Math.max(schedule.lambdaRange[0], -30), Math.min(schedule.lambdaRange[1], 30)];
      const mass = simpson((l) => d.pdfLambda(l, schedule), lo, hi, 20000);
      // Densities that are cut at the schedule's ends lose the mass beyond (linear VP has λ(1) ≈ −10).
      if (schedule.name !== 'linear-vp' || name === 'uniform') assert.ok(Math.abs(mass - 1) < 2e-3, `${name} on ${schedule.name}: ${mass}`);
      // Histogram check in 8 λ bins between the 5% and 95% quantiles of the samples.
      const n = 40_000;
      const lambdas = Float64Array.from({ length: n }, () => schedule.lambda(d.sampleT(g, schedule))).sort();
      const [a, b] = [lambdas[Math.floor(0.05 * n)], lambdas[Math.floor(0.95 * n)]];
      for (let k = 0; k < 8; k++) {
        const [x0, x1] = [a + ((b - a) * k) / 8, a + ((b - a) * (k + 1)) / 8];
        const observed = lambdas.filter((l) => l >= x0 && l < x1).length / n;
        const expected = simpson((l) => d.pdfLambda(l, schedule), x0, x1, 200);
        assert.ok(
          Math.abs(observed - expected) < 5 * Math.sqrt(expected / n) + 1e-3,
          `${name} on ${schedule.name}, bin ${k}: ${observed} vs ${expected}`,
        );
      }
    }
  }
});

test('drawing t from another density and weighting by w/p(λ) estimates the same loss (importance sampling)', () => {
  // A stand-in for E‖ε̂ − ε‖² at each λ that decays at both ends, so every density covers its support.
  const error = (l: number) => 1 / Math.cosh(l / 3);
  const w = weighting('sigmoid', { bias: 1 });
  const exact = simpson((l) => w.w(l) * error(l), -60, 60, 40000);
  const schedule = flowMatching();
  const g = rng(4);
  for (const density of [uniformDensity(), logitNormalDensity({ std: 1.5 }), cosineDensity({ lambdaMin: -40, lambdaMax: 40 })]) {
    const n = 200_000;
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < n; i++) {
      const t = density.sampleT(g, schedule);
      if (t === 0 || t === 1) continue;
      const v = epsLossWeight(w, density, schedule, t) * error(schedule.lambda(t));
      sum += v;
      sum2 += v * v;
    }
    const mean = sum / n;
    const se = Math.sqrt((sum2 / n - mean * mean) / n);
    assert.ok(Math.abs(mean - exact) < 5 * se, `${density.name}: ${mean} ± ${se} vs ${exact}`);
  }
});

test('bad densities and names are refused', () => {
  assert.throws(() => densityByName('gaussian'), /unknown time density 'gaussian'; valid: uniform, logit-normal/);
  assert.throws(() => logitNormalDensity({ std: 0 }), /std must be a finite number > 0/);
  assert.throws(() => cosineDensity({ lambdaMin: 3, lambdaMax: 1 }), /lambdaMin must be below lambdaMax/);
  assert.ok(WEIGHTING_NAMES.length === 7);
});
