/**
 * Every schedule the library makes, and every transform of each, with the properties a schedule promises
 * (docs/reliability.md ("The core maths")), for the property tests (src/core/schedule/properties.test.ts) and the fuzz
 * suite (src/core/fuzz/).
 */
import {
  BETA_TABLES,
  SCHEDULE_NAMES,
  cosine,
  ddpm,
  edm,
  flowMatching,
  fromLambda,
  linearVP,
  rescale,
  rescaleToward,
  scheduleByName,
  shifted,
  ve,
  vpRescaled,
  type Schedule,
} from '../../src/core/index.js';

/** λ of flow matching, of cosine and a finite-range line, given to `fromLambda` with and without λ'. */
const fmLambda = (t: number) => 2 * (Math.log1p(-t) - Math.log(t));
const cosLambda = (t: number) => (t < 0.5 ? -2 : 2) * Math.log(Math.tan((Math.PI * (t < 0.5 ? t : 1 - t)) / 2));
const line = (t: number) => 6 - 12 * t;

/** The base schedules: the registry, every DDPM table with and without zero terminal SNR, the makers. */
export function baseSchedules(): Schedule[] {
  return [
    ...SCHEDULE_NAMES.map(scheduleByName),
    ...BETA_TABLES.flatMap((table) => [ddpm({ table }), ddpm({ table, zeroTerminalSnr: true })]),
    flowMatching(),
    cosine(),
    linearVP(),
    linearVP({ beta0: 0.5, beta1: 5 }),
    edm(),
    edm({ sigmaMax: 5 }),
    ve(),
    ve({ sigmaMin: 0.5, sigmaMax: 3 }),
    fromLambda({ name: 'from-lambda(fm)', lambda: fmLambda }),
    fromLambda({ name: "from-lambda(fm, λ')", lambda: fmLambda, dLambda: (t) => -2 / (t * (1 - t)) }),
    fromLambda({ name: 'from-lambda(cosine)', lambda: cosLambda }),
    fromLambda({ name: 'from-lambda(6 − 12t)', lambda: line }),
    fromLambda({ name: "from-lambda(6 − 12t, λ')", lambda: line, dLambda: () => -12, tOfLambda: (l) => (6 - l) / 12 }),
  ];
}

/** The shifts every transform test uses: below and above 1. */
export const SHIFTS = [0.25, 0.5, 2, 3.7];

/** Every transform of a schedule: shifts, rescalings toward VP, the VP version and a smooth rescale c(t). */
export function transformsOf(base: Schedule): Schedule[] {
  return [
    ...SHIFTS.map((k) => shifted(base, k)),
    rescaleToward(base, 0.3),
    vpRescaled(base),
    rescale(
      base,
      (t) => 1 + t * t,
      (t) => 2 * t,
      `rescaled(${base.name}, 1 + t²)`,
    ),
    shifted(vpRescaled(base), 2),
  ];
}

/** Every schedule of the catalogue: the bases and all their transforms. */
export function allSchedules(): Schedule[] {
  return baseSchedules().flatMap((s) => [s, ...transformsOf(s)]);
}

/** Times at and near the ends, and inside. */
// biome-ignore lint/suspicious/noApproximativeNumericConstant: 0.7071 is a time to test, not √½
export const EDGE_TIMES = [0, 1e-12, 1e-9, 1e-6, 1e-3, 0.0123, 0.25, 0.5, 0.7071, 0.999, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12, 1];

/** Whether t is within `h` of a knot i/1000 of a DDPM table (where α is only piecewise smooth). */
function nearKnot(s: Schedule, t: number, h: number): boolean {
  if (!s.name.includes('ddpm')) return false;
  const k = Math.round(t * 1000) / 1000;
  return Math.abs(t - k) <= 2 * h;
}

/**
 * A central difference of f at t with step h and the rounding part of its error: f's own rounding, and the
 * change of f over a few ulps of its argument (a time near 1 is only known to ε).
 */
function difference(f: (t: number) => number, df: number, t: number, h: number): { value: number; rounding: number } {
  const lo = t - h;
  const hi = t + h;
  const a = f(lo);
  const b = f(hi);
  return { value: (b - a) / (hi - lo), rounding: (8 * Number.EPSILON * (Math.max(Math.abs(a), Math.abs(b)) + Math.abs(df))) / (hi - lo) };
}

/**
 * The properties of schedule `s` at time t, as a list of violations (empty when all hold):
 * α, σ finite and ≥ 0; λ = log α²/σ² (at a time within a few ulps of t), ±∞ exactly where σ or α is 0;
 * α', σ', λ' never NaN, finite inside (0, 1) and λ' finite at an end where λ is; λ' = 2(α'/α − σ'/σ); each
 * derivative within its error bound of a central difference; t(λ(t)) = t.
 */
export function violations(s: Schedule, t: number): string[] {
  const out: string[] = [];
  const fail = (what: string) => out.push(`${s.name} at t = ${t}: ${what}`);
  const alpha = s.alpha(t);
  const sigma = s.sigma(t);
  const lambda = s.lambda(t);
  const d = { alpha: s.dAlpha(t), sigma: s.dSigma(t), lambda: s.dLambda(t) };
  if (!(Number.isFinite(alpha) && alpha >= 0 && Number.isFinite(sigma) && sigma >= 0)) fail(`α = ${alpha}, σ = ${sigma}`);
  if (alpha === 0 || sigma === 0) {
    if (lambda !== (alpha === 0 ? -Infinity : Infinity)) fail(`λ = ${lambda} where α = ${alpha}, σ = ${sigma}`);
  } else {
    const exact = 2 * (Math.log(alpha) - Math.log(sigma));
    if (!(Math.abs(lambda - exact) <= 1e-9 * Math.max(1, Math.abs(exact)) + 8 * Number.EPSILON * Math.abs(d.lambda)))
      fail(`λ = ${lambda} but log α²/σ² = ${exact}`);
  }
  for (const [name, v] of Object.entries(d)) {
    if (Number.isNaN(v)) fail(`${name}' is NaN`);
    else if (t > 0 && t < 1 && !Number.isFinite(v)) fail(`${name}' = ${v} inside (0, 1)`);
  }
  if (Number.isFinite(lambda) !== Number.isFinite(d.lambda)) fail(`λ = ${lambda} but λ' = ${d.lambda}`);
  if (alpha > 0 && sigma > 0 && Number.isFinite(d.alpha) && Number.isFinite(d.sigma) && Number.isFinite(d.lambda)) {
    const terms = 2 * (d.alpha / alpha - d.sigma / sigma);
    const scale = 2 * (Math.abs(d.alpha / alpha) + Math.abs(d.sigma / sigma));
    if (!(Math.abs(d.lambda - terms) <= 1e-7 * scale + 1e-12)) fail(`λ' = ${d.lambda} but 2(α'/α − σ'/σ) = ${terms}`);
  }
  // A step of at least 1000 ulps of t, or no finite-difference check (within ~1e-13 of t = 1).
  const h = Math.min(1e-6, t / 100, (1 - t) / 100);
  if (h > 1e3 * Number.EPSILON * t && !nearKnot(s, t, h)) {
    for (const [name, f, df] of [
      ['α', s.alpha, d.alpha],
      ['σ', s.sigma, d.sigma],
      ['λ', s.lambda, d.lambda],
    ] as const) {
      const fd = difference(f, df, t, h);
      if (!(Math.abs(df - fd.value) <= 1e-4 * Math.abs(fd.value) + fd.rounding + 1e-12))
        fail(`${name}' = ${df} but the central difference is ${fd.value}`);
    }
  }
  const back = s.tOfLambda(lambda);
  const slack = Number.isFinite(lambda) ? (64 * Number.EPSILON * Math.max(1, Math.abs(lambda))) / Math.abs(d.lambda) : 0;
  if (!(Math.abs(back - t) <= 1e-10 * t + slack + 1e-15)) fail(`t(λ(t)) = ${back}`);
  return out;
}
