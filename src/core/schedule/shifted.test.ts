import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussian, gaussianPath, mixtureOracle, ringMixture } from '../oracles/index.js';
import { ddim, dpmpp2m, pfEuler } from '../samplers/index.js';
import { customGrid, uniformT } from '../grids.js';
import { priorSample } from '../prior.js';
import { rng } from '../rng.js';
import { cosine, edm, flowMatching, fromLambda, linearVP, shifted, ve } from './index.js';

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('a shift of a σ-only schedule multiplies σ by s at every t, past the end of the base range too', () => {
  const e = shifted(edm(), 2);
  for (const t of [0, 0.3, 0.5, 0.75, 1]) {
    assert.equal(e.alpha(t), 1);
    assert.ok(Math.abs(e.sigma(t) - 160 * t) < 1e-12, `σ(${t}) = ${e.sigma(t)}`);
    if (t > 0) assert.ok(Math.abs(e.lambda(t) + 2 * Math.log(160 * t)) < 1e-12);
  }
  const v = shifted(ve(), 0.5);
  assert.ok(Math.abs(v.sigma(0) - 0.005) < 1e-15 && Math.abs(v.sigma(1) - 25) < 1e-12);
});

test('a shift of a VP schedule stays VP: the shifted linear-β VP keeps α² + σ² = 1 beyond λ(1) of the base', () => {
  for (const k of [0.5, 3]) {
    const s = shifted(linearVP(), k);
    for (const t of [0, 1e-6, 0.5, 0.99, 1]) {
      assert.ok(Math.abs(s.alpha(t) ** 2 + s.sigma(t) ** 2 - 1) < 1e-12, `k = ${k}, t = ${t}`);
      if (t > 0) assert.ok(Math.abs(s.lambda(t) - 2 * Math.log(s.alpha(t) / s.sigma(t))) < 1e-9);
    }
  }
  const c = shifted(cosine(), 2); // Hoogeboom et al.'s shifted cosine: α² = sigmoid(λ − 2 log s)
  assert.ok(Math.abs(c.alpha(0.4) ** 2 - 1 / (1 + Math.exp(-(cosine().lambda(0.4) - 2 * Math.log(2))))) < 1e-14);
});

test('on shifted(ve(), 2) DDIM and DPM-Solver++ converge to the same samples as steps grow (the 1.1 gap is gone)', async () => {
  const s = shifted(ve(), 2);
  const oracle = mixtureOracle(ringMixture(8, 2, 0.15), s);
  const z1 = priorSample(s, 100, 2, rng(1));
  const gap = async (n: number) => maxDiff(await ddim(oracle, z1, uniformT(n)), await dpmpp2m(oracle, z1, uniformT(n)));
  const [g100, g400] = [await gap(100), await gap(400)];
  assert.ok(g400 < 0.02, `gap at 400 steps ${g400}`);
  assert.ok(g100 / g400 > 3, `first order: ${g100} → ${g400}`);
});

test("fromLambda without λ' has finite derivatives within 1e-12 of the ends, equal to the exact ones", () => {
  const fmLambda = (t: number) => 2 * (Math.log1p(-t) - Math.log(t));
  const s = fromLambda({ lambda: fmLambda });
  // The VP version of flow matching: α = (1−t)/n, σ = t/n, n = sqrt((1−t)² + t²); α' = −t/n³, σ' = (1−t)/n³.
  for (const t of [1e-12, 1e-9, 1e-7, 0.3, 1 - 1e-7, 1 - 1e-9, 1 - 1e-12]) {
    const n = Math.hypot(1 - t, t);
    for (const [got, exact, what] of [
      [s.dAlpha(t), -t / n ** 3, 'α'],
      [s.dSigma(t), (1 - t) / n ** 3, 'σ'],
      [s.dLambda(t), -2 / (t * (1 - t)), 'λ'],
    ] as const) {
      assert.ok(Math.abs(got - exact) <= 1e-4 * Math.abs(exact) + 1e-15, `${what}'(${t}) = ${got}, exact ${exact}`);
    }
  }
  assert.equal(s.dLambda(0), -Infinity);
  assert.equal(s.dLambda(1), -Infinity);
});

test("PF-Euler runs through 1e-9 of both ends on fromLambda without λ' and lands on the exact Gaussian answer", async () => {
  const s = fromLambda({ lambda: (t) => 2 * (Math.log1p(-t) - Math.log(t)) });
  const oracle = mixtureOracle(gaussian([0.5], 0.3), s);
  const z1 = Float64Array.from([-1.5, 0.2, 2]);
  const inner = Array.from(uniformT(2000).subarray(1, 2000));
  const grid = customGrid([1, 1 - 1e-9, 1 - 1e-6, ...inner, 1e-6, 1e-9, 0]);
  const z = await pfEuler(oracle, z1, grid);
  assert.ok(maxDiff(z, gaussianPath([0.5], 0.3, s, z1, 1, 0)) < 5e-3);
});

test("fromLambda keeps σ representable where sigmoid(−λ) underflows, and λ' finite within a few ulps of t = 1", () => {
  const s = fromLambda({ lambda: (t) => 2 * (Math.log1p(-t) - Math.log(t)) });
  assert.ok(Math.abs(s.sigma(1e-300) / 1e-300 - 1) < 1e-12, `σ(1e-300) = ${s.sigma(1e-300)}`);
  const t = 1 - 5 * 2 ** -53;
  const exact = -2 / (t * (1 - t));
  assert.ok(Math.abs(s.dLambda(t) / exact - 1) < 0.5, `λ'(${t}) = ${s.dLambda(t)}, exact ${exact}`);
});

test("shifted(fm, 2) at the last double below t = 1 has SD3's α = (1 − t)/(1 + t) and α' = −2/(1 + t)², not 0", () => {
  const s = shifted(flowMatching(), 2);
  const t = 1 - 2 ** -53;
  assert.ok(Math.abs(s.alpha(t) / ((1 - t) / (1 + t)) - 1) < 1e-12, `α = ${s.alpha(t)}`);
  assert.ok(Math.abs(s.dAlpha(t) + 2 / (1 + t) ** 2) < 1e-12, `α' = ${s.dAlpha(t)}`);
  assert.ok(Math.abs(s.dSigma(t) - 2 / (1 + t) ** 2) < 1e-12, `σ' = ${s.dSigma(t)}`);
});
