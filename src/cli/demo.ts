import { join } from 'node:path';
import { ddim, energyDistance, fmEuler, gridByName, rng, type GridName, type Schedule } from '../core/index.js';
import { writeFigures } from './figures.js';
import { trainedDemo } from './trainedDemo.js';
import { DETERMINISTIC, STOCHASTIC_ROWS, maxDifference, run, setup } from './oracleRun.js';
import { fmt, formatTable } from './table.js';

/**
 * `difflow demo`: trains a 2-D model and samples it (trainedDemo.ts), runs every sampler on a 2-D mixture with
 * its exact denoiser, then writes the post's figures.
 */
export async function demo(
  options: { schedule: Schedule; grid: GridName; n: number; seed: number; out: string; train: boolean; threads?: number },
  log: (line: string) => void,
): Promise<void> {
  if (options.train) {
    await trainedDemo(options.out, log, options.threads);
    log('');
  }
  const { schedule, grid } = options;
  log(`Exact denoiser — 8-Gaussian ring in 2-D, exact denoiser, ${options.n} samples, schedule '${schedule.name}', ${grid} grid`);
  const started = performance.now();
  const s = await setup(schedule, options.n, options.seed);
  const steps = [5, 10, 20, 50, 100];
  log(
    "\nDeterministic samplers: RMS distance to the exact ODE answer from the grid's first time " +
      '(Dormand–Prince, rtol 1e-9), by steps (NFE):',
  );
  const rows: string[][] = [];
  for (const name of DETERMINISTIC) {
    const row: string[] = [name];
    for (const n of steps) {
      const r = await run(s, name, n, grid);
      row.push(`${fmt(r.rmse ?? NaN)} (${r.nfe})`);
    }
    rows.push(row);
  }
  log(formatTable(['sampler', ...steps.map((n) => `${n} steps`)], rows));
  const floor = energyDistance(s.oracle.sample(options.n, rng(options.seed + 99)), s.data, 2);
  log(`\nAll samplers: energy distance of the samples to fresh data (noise floor, data vs data: ${fmt(floor)}):`);
  const allRows = [...DETERMINISTIC.map((sampler) => ({ label: sampler, sampler, options: {} })), ...STOCHASTIC_ROWS];
  const energies: string[][] = [];
  for (const { label, sampler, options: sampling } of allRows) {
    const row: string[] = [label];
    for (const n of steps) row.push(fmt((await run(s, sampler, n, grid, sampling)).energy));
    energies.push(row);
  }
  log(formatTable(['sampler', ...steps.map((n) => `${n} steps`)], energies));
  const ddpm = await run(s, 'ddpm', 10, grid);
  const churnHalf = await run(s, 'churn', 10, grid, { churn: 0.5 });
  log(
    `churn ½ vs ddpm (η = 1), same noise, 10 steps: max |difference| = ` +
      `${maxDifference(ddpm.z, churnHalf.z).toExponential(2)} (one sampler)`,
  );
  // The post's claim, on this problem.
  const g = gridByName(grid, schedule, 10);
  const a = await ddim(s.oracle, s.z1, g);
  const b = await fmEuler(s.oracle, s.z1, g);
  const diff = maxDifference(a, b);
  log(
    `\nDDIM vs flow-matching Euler, 10 steps: max |difference| = ` +
      `${diff.toExponential(2)}${schedule.name === 'fm' ? ' (the same sampler on flow matching)' : ''}`,
  );
  log(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  log(`Figures of the post → ${join(options.out, 'figures')}/`);
  await writeFigures(join(options.out, 'figures'), undefined, log);
}
