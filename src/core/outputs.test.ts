import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTPUT_KINDS, convert, fromXEps, mseWeight, toXEps } from './outputs.js';
import { rng } from './rng.js';
import { cosine, flowMatching, linearVP, edm, vpRescaled } from './schedule/index.js';
import { clipDenoised, denoiserFromModel } from './denoiser.js';

const schedules = [flowMatching(), cosine(), linearVP(), edm(), vpRescaled(flowMatching())];

test('every output converts to every other and back to 1e-12 in float64', () => {
  const g = rng(0);
  for (const s of schedules) {
    for (const t of [0.01, 0.3, 0.7, 0.98]) {
      const z = g.normals(64);
      for (const from of OUTPUT_KINDS) {
        const out = g.normals(64);
        for (const to of OUTPUT_KINDS) {
          const back = convert(to, from, convert(from, to, out, z, s.alpha(t), s.sigma(t)), z, s.alpha(t), s.sigma(t));
          for (let i = 0; i < 64; i++)
            assert.ok(
              Math.abs(back[i] - out[i]) < 1e-12 * (1 + Math.abs(out[i])) * (s.name === 'edm' ? 100 : 1),
              `${s.name} ${from}→${to}→${from} at t=${t}`,
            );
        }
      }
    }
  }
});

test('the conversions agree with the definitions v = αε − σx and u = ε − x on true (x, ε)', () => {
  const g = rng(1);
  const s = cosine();
  const t = 0.4;
  const [a, sg] = [s.alpha(t), s.sigma(t)];
  const x = g.normals(10);
  const eps = g.normals(10);
  const z = x.map((xi, i) => a * xi + sg * eps[i]);
  const v = fromXEps('v', x, eps, a, sg);
  const u = fromXEps('u', x, eps, a, sg);
  for (let i = 0; i < 10; i++) {
    assert.ok(Math.abs(v[i] - (a * eps[i] - sg * x[i])) < 1e-15);
    assert.ok(Math.abs(u[i] - (eps[i] - x[i])) < 1e-15);
  }
  for (const kind of OUTPUT_KINDS) {
    const back = toXEps(kind, fromXEps(kind, x, eps, a, sg), z, a, sg);
    for (let i = 0; i < 10; i++) {
      assert.ok(Math.abs(back.x[i] - x[i]) < 1e-13 && Math.abs(back.eps[i] - eps[i]) < 1e-13, kind);
    }
  }
});

test('the MSE of each output is its weight times the ε-MSE (FRAMEWORK.md §3 table), on random data', () => {
  const g = rng(2);
  for (const s of schedules) {
    for (const t of [0.05, 0.5, 0.95]) {
      const [a, sg] = [s.alpha(t), s.sigma(t)];
      const lam = s.lambda(t);
      const x = g.normals(200);
      const eps = g.normals(200);
      const z = x.map((xi, i) => a * xi + sg * eps[i]);
      // Any prediction: an arbitrary ε̂, with x̂ implied by z.
      const epsHat = eps.map((e) => e + 0.3 * g.normal());
      const xHat = z.map((zi, i) => (zi - sg * epsHat[i]) / a);
      const sq = (p: Float64Array, q: Float64Array) => p.reduce((acc, pi, i) => acc + (pi - q[i]) ** 2, 0);
      const epsMse = sq(epsHat, eps);
      for (const kind of OUTPUT_KINDS) {
        const predicted = fromXEps(kind, xHat, epsHat, a, sg);
        const truth = fromXEps(kind, x, eps, a, sg);
        const ratio = sq(predicted, truth) / epsMse;
        assert.ok(Math.abs(ratio / mseWeight(kind, a, sg) - 1) < 1e-9, `${s.name} ${kind} t=${t}`);
      }
      // The table's λ forms.
      assert.ok(Math.abs(mseWeight('x', a, sg) / Math.exp(-lam) - 1) < 1e-12);
      assert.ok(Math.abs(mseWeight('v', a, sg) / (a * a * (Math.exp(-lam) + 1) ** 2) - 1) < 1e-12);
      assert.ok(Math.abs(mseWeight('u', a, sg) / (Math.exp(-lam / 2) + 1) ** 2 - 1) < 1e-12);
    }
  }
});

test('an ε-model refuses t where α = 0 and an x-model t where σ = 0, with a clear error', () => {
  const fm = flowMatching();
  const eps = denoiserFromModel((z) => z, 'eps', fm);
  assert.throws(() => eps.denoise(new Float64Array([1]), 1), /ε-prediction determines no x̂ where α = 0/);
  const x = denoiserFromModel((z) => z, 'x', fm);
  assert.throws(() => x.denoise(new Float64Array([1]), 0), /x-prediction determines no ε̂ where σ = 0/);
  assert.throws(() => x.denoise(new Float64Array([1]), 2), /t must be a time in \[0, 1\]/);
});

test('denoiserFromModel answers synchronously for a synchronous model and with a Promise for an asynchronous one', async () => {
  const fm = flowMatching();
  const model = (z: Float64Array) => z.map((v) => 0.5 * v);
  const z = new Float64Array([0.3, -1.2]);
  for (const kind of OUTPUT_KINDS) {
    const sync = denoiserFromModel(model, kind, fm).denoise(z, 0.4);
    assert.ok(!(sync instanceof Promise), kind);
    const pending = denoiserFromModel(async (zz: Float64Array) => model(zz), kind, fm).denoise(z, 0.4);
    assert.ok(pending instanceof Promise, kind);
    assert.deepEqual(await pending, sync, kind);
  }
});

test('clipDenoised keeps x̂ in the data range, leaves values inside it alone, and keeps z = αx̂ + σε̂', async () => {
  const schedule = flowMatching();
  // An ε-model whose ε̂ is off by 0.05: near t = 1 its x̂ = (z − σε̂)/α is far outside [−1, 1].
  const model = (z: Float64Array) => z.map((v) => v + 0.05);
  const raw = denoiserFromModel(model, 'eps', schedule);
  const clipped = clipDenoised(raw);
  const z = rng(3).normals(400);
  for (const t of [0.999, 0.5, 0.01]) {
    const a = await raw.denoise(z, t);
    const b = await clipped.denoise(z, t);
    const [alpha, sigma] = [schedule.alpha(t), schedule.sigma(t)];
    for (let i = 0; i < z.length; i++) {
      assert.ok(b.x[i] >= -1 && b.x[i] <= 1, `x̂ ${b.x[i]} at t = ${t}`);
      if (Math.abs(a.x[i]) <= 1) assert.equal(b.x[i], a.x[i]);
      assert.ok(Math.abs(alpha * b.x[i] + sigma * b.eps[i] - z[i]) < 1e-12);
    }
    if (t === 0.999)
      assert.ok(
        a.x.some((v) => Math.abs(v) > 10),
        'the raw x̂ does blow up near α = 0',
      );
  }
  assert.throws(() => clipDenoised(raw, 1, -1), /empty/);
});

test('convert refuses, with the reason, to turn ε̂ into anything where α = 0 or x̂ where σ = 0, and converts v̂, û there', () => {
  const z = new Float64Array([0.7, -1.1]);
  const out = new Float64Array([0.2, 0.4]);
  for (const to of ['x', 'v', 'u'] as const) {
    assert.throws(() => convert('eps', to, out, z, 0, 1), /ε-prediction determines no x̂ where α = 0 .*use an x, v or u output/);
  }
  for (const to of ['eps', 'v', 'u'] as const) {
    assert.throws(() => convert('x', to, out, z, 1, 0), /x-prediction determines no ε̂ where σ = 0/);
  }
  assert.deepEqual(convert('eps', 'eps', out, z, 0, 1), out, 'the identity needs no x̂');
  for (const [alpha, sigma] of [
    [0, 1],
    [1, 0],
  ]) {
    for (const from of ['v', 'u'] as const) {
      for (const to of OUTPUT_KINDS)
        assert.ok(convert(from, to, out, z, alpha, sigma).every(Number.isFinite), `${from}→${to} at α = ${alpha}`);
    }
  }
  assert.throws(() => convert('v', 'x', out, z, 0, 0), /α and σ must be finite, ≥ 0 and not both 0/);
  assert.throws(() => toXEps('v', new Float64Array(3), z, 0.6, 0.8), /the v output and z must have the same length, got 3 and 2/);
});
