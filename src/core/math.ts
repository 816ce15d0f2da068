/** Numerically stable scalar primitives used near the end points t → 0 and t → 1. */

/**
 * sigmoid(x) = 1 / (1 + e^{−x}), exact 0/1 only at ∓∞.
 * @example
 * ```ts
 * import { sigmoid } from 'difflow';
 * sigmoid(0); // → 0.5
 * sigmoid(2); // → 0.8808
 * ```
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * log(1 + e^x) without overflow.
 * @example
 * ```ts
 * import { softplus } from 'difflow';
 * softplus(0); // → 0.6931
 * softplus(1000); // → 1000
 * ```
 */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * log sigmoid(x) = −softplus(−x).
 * @example
 * ```ts
 * import { logSigmoid } from 'difflow';
 * logSigmoid(0); // → -0.6931
 * logSigmoid(-1000); // → -1000
 * ```
 */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/**
 * logit(p) = log(p / (1 − p)).
 * @example
 * ```ts
 * import { logit, sigmoid } from 'difflow';
 * logit(0.5); // → 0
 * logit(sigmoid(3)); // → 3
 * ```
 */
export function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

/**
 * Standard normal density.
 * @example
 * ```ts
 * import { normalPdf } from 'difflow';
 * normalPdf(0); // → 0.3989
 * normalPdf(3, 1, 2); // → 0.121
 * ```
 */
export function normalPdf(x: number, mean = 0, std = 1): number {
  const u = (x - mean) / std;
  return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
}

/**
 * Complementary error function, to ~1e-15: for |x| < 2.5 the positive series
 * erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); beyond, the continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated by Lentz's method.
 * @example
 * ```ts
 * import { erfc } from 'difflow';
 * erfc(0); // → 1
 * erfc(3); // → 0.00002209
 * ```
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * ax * ax) / (2 * n + 1);
      sum += term;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum;
    return x < 0 ? 1 + erf : 1 - erf;
  }
  // Lentz: f = b0 + a1/(b1 + a2/(b2 + …)) with b = x, a_k = k/2.
  const tiny = 1e-300;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = ax + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = ax + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const r = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return x < 0 ? 2 - r : r;
}

/**
 * Standard normal CDF Φ(x).
 * @example
 * ```ts
 * import { normalCdf } from 'difflow';
 * normalCdf(0); // → 0.5
 * normalCdf(1.96); // → 0.975
 * ```
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Clamp x into [lo, hi].
 * @example
 * ```ts
 * import { clamp } from 'difflow';
 * clamp(1.5, 0, 1); // → 1
 * clamp(0.25, 0, 1); // → 0.25
 * ```
 */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
