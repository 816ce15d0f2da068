import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  betas,
  cosine,
  ddpm,
  edm,
  flowMatching,
  fromLambda,
  linearVP,
  rescaleToward,
  shifted,
  ve,
  vpRescaled,
  scheduleByName,
  SCHEDULE_NAMES,
  type Schedule,
} from './index.js';

const all: Schedule[] = [
  flowMatching(),
  cosine(),
  linearVP(),
  ddpm({ table: 'linear' }),
  ddpm({ table: 'scaled_linear' }),
  ddpm({ table: 'squaredcos_cap_v2' }),
  ddpm({ table: 'linear', zeroTerminalSnr: true }),
  edm(),
  ve(),
  vpRescaled(flowMatching()),
  rescaleToward(flowMatching(), 0.4),
  shifted(flowMatching(), 3),
  shifted(cosine(), 0.5),
  fromLambda({ name: 'vp-from-fm-lambda', lambda: (t) => 2 * (Math.log1p(-t) - Math.log(t)) }),
];
const interior = [1e-9, 1e-6, 1e-3, 0.01, 0.1, 0.25, 0.37, 0.5, 0.63, 0.8, 0.99, 0.999, 1 - 1e-6];
const ends = [0, 1e-12, 1 - 1e-12, 1];

for (const s of all) {
  test(`${s.name}: t → λ → t round-trips to 1e-12`, () => {
    for (const t of interior) {
      if (s.name.startsWith('ddpm') && t < 1e-3) continue; // piecewise-linear tables: checked below
      const back = s.tOfLambda(s.lambda(t));
      assert.ok(Math.abs(back - t) <= 1e-12 * Math.max(1, 1 / (t * 1e3)), `${t} → ${s.lambda(t)} → ${back}`);
    }
  });

  test(`${s.name}: λ = log(α²/σ²) and the derivatives match central differences`, () => {
    for (const t of [0.0512, 0.2034, 0.3707, 0.5049, 0.7113, 0.9021]) {
      // off the DDPM knots
      const lam = 2 * Math.log(s.alpha(t) / s.sigma(t));
      assert.ok(Math.abs(s.lambda(t) - lam) < 1e-10 * Math.max(1, Math.abs(lam)), `λ(${t})`);
      const h = 1e-6;
      for (const [f, df, name] of [
        [s.alpha, s.dAlpha, 'α'],
        [s.sigma, s.dSigma, 'σ'],
        [s.lambda, s.dLambda, 'λ'],
      ] as const) {
        const fd = (f(t + h) - f(t - h)) / (2 * h);
        assert.ok(Math.abs(df(t) - fd) < 1e-5 * Math.max(1, Math.abs(fd)), `${name}'(${t}) = ${df(t)} vs ${fd}`);
      }
    }
  });

  test(`${s.name}: nothing is NaN at or near the end points, and α, σ are finite`, () => {
    for (const t of [...ends, ...interior]) {
      for (const f of [s.alpha, s.sigma]) assert.ok(Number.isFinite(f(t)), `${t}`);
      for (const f of [s.dAlpha, s.dSigma, s.lambda, s.dLambda]) assert.ok(!Number.isNaN(f(t)), `NaN at t = ${t}`);
      assert.ok(!Number.isNaN(s.tOfLambda(s.lambda(t))));
    }
    assert.equal(s.lambda(0), s.lambdaRange[1]);
    assert.equal(s.lambda(1), s.lambdaRange[0]);
    assert.equal(s.tOfLambda(Infinity), 0);
    assert.equal(s.tOfLambda(-Infinity), 1);
  });

  test(`${s.name}: λ decreases in t`, () => {
    let prev = Infinity;
    for (let i = 0; i <= 200; i++) {
      const l = s.lambda(i / 200);
      assert.ok(l < prev || (l === prev && !Number.isFinite(l)), `at t = ${i / 200}`);
      prev = l;
    }
  });
}

test('flow matching has α = 1 − t, σ = t and infinite λ exactly at the ends', () => {
  const s = flowMatching();
  assert.equal(s.alpha(0.3), 0.7);
  assert.equal(s.sigma(0.3), 0.3);
  assert.deepEqual(s.lambdaRange, [-Infinity, Infinity]);
  assert.equal(s.dLambda(0), -Infinity);
});

test('VP schedules keep α² + σ² = 1', () => {
  for (const s of [cosine(), linearVP(), ddpm(), vpRescaled(flowMatching()), fromLambda({ lambda: (t) => 6 - 12 * t })]) {
    for (const t of [0, 1e-7, 0.3, 0.9, 1]) assert.ok(Math.abs(s.alpha(t) ** 2 + s.sigma(t) ** 2 - 1) < 1e-12, `${s.name} ${t}`);
  }
});

test('the VP version of flow matching is ((1−t)/n, t/n) and keeps λ', () => {
  const fm = flowMatching();
  const vp = vpRescaled(fm);
  for (const t of [0, 0.2, 0.5, 0.9, 1]) {
    const n = Math.hypot(1 - t, t);
    assert.ok(Math.abs(vp.alpha(t) - (1 - t) / n) < 1e-15);
    assert.ok(Math.abs(vp.sigma(t) - t / n) < 1e-15);
    assert.equal(vp.lambda(t), fm.lambda(t));
  }
});

test("the log-SNR shift of flow matching is SD3's σ' = sσ/(1 + (s−1)σ)", () => {
  const s = 3;
  const sh = shifted(flowMatching(), s);
  for (const t of [0, 0.1, 0.5, 0.9, 1]) {
    const expected = (s * t) / (1 + (s - 1) * t);
    assert.ok(Math.abs(sh.sigma(t) - expected) < 1e-12, `t = ${t}`);
    assert.ok(Math.abs(sh.alpha(t) + sh.sigma(t) - 1) < 1e-12);
    if (t > 0 && t < 1) assert.ok(Math.abs(sh.lambda(t) - (flowMatching().lambda(t) - 2 * Math.log(s))) < 1e-12);
    assert.ok(Math.abs(sh.dSigma(t) - s / (1 + (s - 1) * t) ** 2) < 1e-6, `σ'(${t})`);
  }
});

test('DDPM tables reproduce ᾱ = Π(1 − β) at the knots and zero-terminal-SNR ends at α = 0', () => {
  const T = 1000;
  const b = betas('linear', T);
  const s = ddpm({ table: 'linear', steps: T });
  let abar = 1;
  for (let i = 1; i <= T; i++) {
    abar *= 1 - b[i - 1];
    if (i % 97 === 0 || i === 1 || i === T) assert.ok(Math.abs(s.alpha(i / T) ** 2 - abar) < 1e-12 * Math.max(1, 1 / abar), `knot ${i}`);
  }
  // Near t = 0, σ² = 1 − ᾱ₁ ≈ β₁ is exact to full relative precision.
  assert.ok(Math.abs(s.sigma(1 / T) ** 2 / b[0] - 1) < 1e-9);
  const z = ddpm({ table: 'linear', zeroTerminalSnr: true });
  assert.equal(z.alpha(1), 0);
  assert.equal(z.lambda(1), -Infinity);
  assert.ok(Math.abs(z.alpha(1 / T) - s.alpha(1 / T)) < 1e-15, 'the first knot is unchanged');
  for (const t of [2e-4, 5e-4, 0.0123, 0.5, 0.999]) {
    assert.ok(Math.abs(s.tOfLambda(s.lambda(t)) - t) < 1e-12, `round trip at ${t}`);
  }
});

test('squaredcos_cap_v2 follows the cosine ᾱ curve with β capped at 0.999', () => {
  const b = betas('squaredcos_cap_v2', 1000);
  assert.ok(Math.max(...b) <= 0.999);
  const s = ddpm({ table: 'squaredcos_cap_v2' });
  const f = (u: number) => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  assert.ok(Math.abs(s.alpha(0.5) ** 2 - f(0.5) / f(0)) < 1e-9);
});

test("linear-β VP has log α = −½(β₀t + ½(β₁−β₀)t²) and an infinite σ'(0)", () => {
  const s = linearVP({ beta0: 0.1, beta1: 20 });
  const t = 0.4;
  assert.ok(Math.abs(Math.log(s.alpha(t)) + 0.5 * (0.1 * t + 0.5 * 19.9 * t * t)) < 1e-14);
  assert.equal(s.dSigma(0), Infinity);
});

test('EDM and VE are σ-only schedules with α = 1', () => {
  const e = edm({ sigmaMax: 80 });
  assert.equal(e.sigma(0.5), 40);
  assert.equal(e.alpha(0.5), 1);
  assert.ok(Math.abs(e.tOfLambda(-2 * Math.log(40)) - 0.5) < 1e-15);
  const v = ve({ sigmaMin: 0.01, sigmaMax: 50 });
  assert.ok(Math.abs(v.sigma(1) - 50) < 1e-12);
  assert.ok(Math.abs(v.sigma(0) - 0.01) < 1e-15);
  assert.equal(v.tOfLambda(100), 0, 'λ above the range maps to t = 0');
});

test('bad input is refused with an error naming the argument', () => {
  const s = flowMatching();
  assert.throws(() => s.alpha(1.5), /t must be a time in \[0, 1\], got 1.5/);
  assert.throws(() => s.lambda(-0.1), /t must be a time/);
  assert.throws(() => s.tOfLambda(NaN), /lambda must not be NaN/);
  assert.throws(() => shifted(s, 0), /shift must be a finite number > 0/);
  assert.throws(() => scheduleByName('cosinus'), /unknown schedule 'cosinus'; valid: fm, /);
  assert.ok(SCHEDULE_NAMES.every((n) => scheduleByName(n).name.length > 0));
});
