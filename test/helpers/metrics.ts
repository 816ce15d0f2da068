/** Shared test helpers for the metrics (independent reference computations, not used by the library). */
import assert from 'node:assert/strict';

export const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected} (tolerance ${tolerance})`);

/** ∫ f(F(x) − G(x)) dx for the empirical CDFs F, G of two 1-D samples, integrated piece by piece. */
export function integrateCdfGap(a: Float64Array, b: Float64Array, f: (gap: number) => number): number {
  const points = Float64Array.from([...a, ...b]).sort();
  const sortedA = a.slice().sort();
  const sortedB = b.slice().sort();
  let i = 0;
  let j = 0;
  let integral = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    while (i < sortedA.length && sortedA[i] <= points[k]) i++;
    while (j < sortedB.length && sortedB[j] <= points[k]) j++;
    integral += f(i / a.length - j / b.length) * (points[k + 1] - points[k]);
  }
  return integral;
}
