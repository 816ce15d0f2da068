/**
 * Settings of the fuzz suite (*.fuzz.test.ts): runs per property from DIFFLOW_FUZZ_RUNS (default 100; `npm run
 * fuzz` sets it higher), a fixed seed (DIFFLOW_FUZZ_SEED to replay another), and the times it draws.
 */
import fc from 'fast-check';
import { EDGE_TIMES } from './schedules.js';

const runs = Number(process.env.DIFFLOW_FUZZ_RUNS ?? 100);
const seed = Number(process.env.DIFFLOW_FUZZ_SEED ?? 20261206);
if (!(Number.isInteger(runs) && runs > 0))
  throw new Error(`DIFFLOW_FUZZ_RUNS must be an integer > 0, got ${process.env.DIFFLOW_FUZZ_RUNS}`);
if (!Number.isInteger(seed)) throw new Error(`DIFFLOW_FUZZ_SEED must be an integer, got ${process.env.DIFFLOW_FUZZ_SEED}`);

/** fast-check parameters: `share` scales the runs of a costly property down (at least 10). */
export function fuzzParameters(share = 1): { numRuns: number; seed: number } {
  return { numRuns: Math.max(10, Math.round(runs * share)), seed };
}

/**
 * A time in [0, 1], half of the draws within 1e-3 of an end, down to `closest` from it (default 1e-300: closer, a
 * true derivative such as 2/t exceeds the double range), and the fixed times at and near the ends.
 */
export const time = (closest = 1e-300): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(...EDGE_TIMES),
    fc.double({ min: 0, max: 1, noNaN: true }).map((t) => (t < closest ? 0 : t > 1 - closest ? 1 : t)),
    fc.double({ min: closest, max: 1e-3, noNaN: true }),
    fc.double({ min: closest, max: 1e-3, noNaN: true }).map((d) => 1 - d),
  );

/**
 * fast-check parameters for a property that makes `defaultRuns` runs at the default setting, scaled with
 * DIFFLOW_FUZZ_RUNS like every other (e.g. 2 real processes at 100, 40 at 2000).
 */
export function fuzzRuns(defaultRuns: number): { numRuns: number; seed: number } {
  return { numRuns: Math.max(1, Math.round((defaultRuns * runs) / 100)), seed };
}
