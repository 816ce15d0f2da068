import { ddim, mixtureOracle, priorSample, ringMixture, rng, flowMatching, uniformT } from '../../src/core/index.js';

/** The parity run shared by the page and the Node test: DDPM (η = 1), 10 steps, 64 points, seed 7. */
export async function parityRun(): Promise<number[]> {
  const schedule = flowMatching();
  const oracle = mixtureOracle(ringMixture(8, 2, 0.15), schedule);
  const z1 = priorSample(schedule, 64, 2, rng(7));
  return Array.from(await ddim(oracle, z1, uniformT(10), { eta: 1, rng: rng(8) }));
}
