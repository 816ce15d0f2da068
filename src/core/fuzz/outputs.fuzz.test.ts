import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzParameters } from '../../../test/helpers/fuzz.js';
import { OUTPUT_KINDS, convert, undetermined } from '../outputs.js';
import { DifflowError } from '../validate.js';

/** α or σ: exactly 0 or 1 at the ends, else anywhere in [1e-8, 1]. */
const scale = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 1e-8, max: 1, noNaN: true }));
const kind = fc.constantFrom(...OUTPUT_KINDS);
const values = (n: number) => fc.float64Array({ minLength: n, maxLength: n, min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const pair = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(values(n), values(n)));

test('every conversion at any (α, σ), the ends included, is finite and round-trips, or is refused with the reason', () => {
  fc.assert(
    fc.property(scale, scale, kind, kind, pair, (alpha, sigma, from, to, [out, z]) => {
      fc.pre(alpha + sigma > 0);
      if (from !== to && undetermined(from, alpha, sigma)) {
        assert.throws(
          () => convert(from, to, out, z, alpha, sigma),
          (e: unknown) => e instanceof DifflowError && /determines no/.test(e.message),
        );
        return;
      }
      const there = convert(from, to, out, z, alpha, sigma);
      assert.ok(there.every(Number.isFinite), `${from} → ${to} at α = ${alpha}, σ = ${sigma}`);
      if (undetermined(to, alpha, sigma)) return;
      const back = convert(to, from, there, z, alpha, sigma);
      // Each conversion divides by α, σ, α + σ or α² + σ²: the error grows with the ratio of the larger to the
      // smaller and with |z| over the smaller.
      const positive = [alpha, sigma].filter((v) => v > 0);
      const condition = Math.max(...positive) / Math.min(...positive);
      const size = 1 + Math.max(...Array.from(out, Math.abs)) + Math.max(...Array.from(z, Math.abs)) / Math.min(...positive);
      for (let i = 0; i < out.length; i++) {
        assert.ok(
          Math.abs(back[i] - out[i]) <= 1e-13 * condition * size,
          `${from} → ${to} → ${from} at α = ${alpha}, σ = ${sigma}: ${back[i]} vs ${out[i]}`,
        );
      }
    }),
    fuzzParameters(10),
  );
});
