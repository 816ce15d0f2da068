/**
 * bench/samplers: every sampler on the 8-Gaussian ring in 2-D with its exact denoiser, 10,000 points.
 * Prints error vs NFE (RMS distance to the exact ODE answer for deterministic samplers, energy distance to
 * data for all) and each sampler's overhead per step: wall time outside the denoiser, median of 5 runs.
 *   npm run bench:samplers [-- --n 10000 --schedule fm --markdown]
 */
import { SAMPLERS, energyDistance, rng, scheduleByName, gridByName, type SamplerName } from '../src/core/index.js';
import { DETERMINISTIC, STOCHASTIC, counting, run, setup } from '../src/cli/oracleRun.js';
import { fmt, formatTable } from '../src/cli/table.js';
import { numberArg, scriptArgs } from '../scripts/args.js';

const { values: args } = scriptArgs('npm run bench:samplers [-- --n 10000 --schedule fm --markdown]', {
  n: { type: 'string', default: '10000' },
  schedule: { type: 'string', default: 'fm' },
  markdown: { type: 'boolean', default: false },
});
const n = numberArg('n', args.n);
const schedule = scheduleByName(args.schedule);
const markdown = args.markdown;
const steps = [5, 10, 20, 50, 100];
const all: SamplerName[] = [...DETERMINISTIC, ...STOCHASTIC];

console.log(`bench/samplers — 8-Gaussian ring, 2-D, ${n} points, exact denoiser, schedule '${schedule.name}', uniform t grid`);
const t0 = performance.now();
const s = await setup(schedule, n, 0);
console.log(`reference: Dormand–Prince rtol 1e-9 (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);

const errorRows: string[][] = [];
for (const name of all) {
  const cells: string[] = [];
  for (const k of steps) {
    const r = await run(s, name, k, 'uniform');
    const err = r.rmse !== undefined ? `rmse ${fmt(r.rmse)}` : `ED ${fmt(r.energy)}`;
    cells.push(`${err} @${r.nfe}`);
  }
  errorRows.push([name, ...cells]);
}
console.log('Error vs NFE (rmse: RMS distance to the exact ODE answer; ED: energy distance to 10k fresh data points):');
console.log(formatTable(['sampler', ...steps.map((k) => `${k} steps`)], errorRows, { markdown }));
const floor = energyDistance(s.oracle.sample(n, rng(99)), s.data, 2);
console.log(`(energy-distance noise floor at this n, data vs fresh data: ${fmt(floor)})\n`);

/** Wall time of a run split into time inside the denoiser (the oracle answers synchronously) and outside it. */
async function timed(name: SamplerName, k: number): Promise<{ total: number; inside: number; nfe: number }> {
  const d = counting(s.oracle);
  let inside = 0;
  const timedDenoiser = {
    schedule: d.schedule,
    denoise(z: Float64Array, t: number) {
      const a = performance.now();
      const out = d.denoise(z, t);
      inside += performance.now() - a;
      return out;
    },
  };
  const a = performance.now();
  await SAMPLERS[name](timedDenoiser, s.z1, gridByName('uniform', schedule, k), { rng: rng(1) });
  return { total: performance.now() - a, inside, nfe: d.calls };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = 50;
const overheadRows: string[][] = [];
for (const name of all) {
  await timed(name, k); // warm-up
  const runs: { total: number; inside: number; nfe: number }[] = [];
  for (let i = 0; i < 5; i++) runs.push(await timed(name, k));
  const outside = median(runs.map((r) => r.total - r.inside)) / k;
  const denoiser = median(runs.map((r) => r.inside / r.nfe));
  overheadRows.push([
    name,
    `${(outside * 1000).toFixed(0)} µs`,
    `${((outside * 1e6) / n).toFixed(1)} ns`,
    `${denoiser.toFixed(2)} ms`,
    `${((100 * outside) / denoiser).toFixed(1)} %`,
  ]);
}
console.log(`Sampler overhead per step (time outside the denoiser, ${k} steps, median of 5 runs):`);
console.log(formatTable(['sampler', 'per step', 'per point', 'oracle call', 'overhead / oracle call'], overheadRows, { markdown }));
