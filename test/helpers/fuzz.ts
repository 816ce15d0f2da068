/** fast-check settings for the fuzz suites: seeded, and `DIFFLOW_FUZZ_RUNS` runs (`npm run fuzz` sets ~20×). */
export function fuzzRuns(defaultRuns: number): { seed: number; numRuns: number } {
  const given = Number(process.env.DIFFLOW_FUZZ_RUNS);
  return { seed: 20261206, numRuns: Number.isInteger(given) && given > 0 ? given : defaultRuns };
}
