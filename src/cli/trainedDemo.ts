/**
 * The trained half of `difflow demo`: trains an MLP on two moons in well under a minute, samples it with DDIM
 * and flow-matching Euler from the same noise (the post's claim: they agree to float precision), and draws
 * data vs samples with a few trajectories.
 */
import { join } from 'node:path';
import { ddim, evaluationCount, fmEuler, heun, priorSample, rng, uniformT } from '../core/index.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { panelGrid, scatterChart, type LineSeries } from '../figures/plot/index.js';
import { writeAtomic } from '../io/atomic.js';
import { trainRun } from '../node/loop.js';
import { loadModel } from './loadModel.js';
import { rmSync } from 'node:fs';

export async function trainedDemo(out: string, log: (line: string) => void, threads?: number): Promise<void> {
  const runDir = join(out, 'demo-run');
  rmSync(runDir, { recursive: true, force: true });
  const steps = 3000;
  log(`Training an MLP (18→256→256→256→2) on two moons: flow matching, û-output, ${steps} steps of 512, ONNX Runtime…`);
  const started = performance.now();
  let last = 0;
  const { losses } = await trainRun({
    runDir,
    config: { data: 'moons', schedule: 'fm', output: 'u', weighting: 'fm', steps, batch: 512, lr: 3e-3, checkpointEvery: 1000, threads },
    runtime: nodeRuntime,
    onProgress: (p) => {
      if (p.step - last >= 500 || p.step === p.steps) {
        last = p.step;
        log(`  step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  ${p.stepsPerSecond.toFixed(0)} steps/s`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  log(
    `  trained in ${seconds.toFixed(1)} s; mean loss of the last 100 steps ` +
      `${(losses.slice(-100).reduce((a, b) => a + b, 0) / 100).toFixed(4)}`,
  );

  const model = loadModel(runDir, true, threads);
  try {
    const n = 3000;
    const z1 = priorSample(model.schedule, n, 2, rng(1));
    const paths: number[][] = [];
    const a = await ddim(model.denoiser, z1, uniformT(20), { onStep: ({ z }) => paths.push(Array.from(z.subarray(0, 80))) });
    const b = await fmEuler(model.denoiser, z1, uniformT(20));
    const heunGrid = uniformT(10);
    const c = await heun(model.denoiser, z1, heunGrid);
    const diff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    log(
      `DDIM vs flow-matching Euler on the trained model, same noise, 20 ` +
        `steps: max |difference| = ${diff.toExponential(2)} (float32 network)`,
    );
    const data = model.dataset.sample(n, rng(2));
    const xs = (p: ArrayLike<number>) => Array.from(p).filter((_, i) => i % 2 === 0);
    const ys = (p: ArrayLike<number>) => Array.from(p).filter((_, i) => i % 2 === 1);
    const trajectories: LineSeries[] = Array.from({ length: 40 }, (_, k) => ({
      x: [z1[2 * k], ...paths.map((p) => p[2 * k])],
      y: [z1[2 * k + 1], ...paths.map((p) => p[2 * k + 1])],
      color: '#555555',
      width: 1,
      opacity: 0.6,
    }));
    const common = { width: 400, height: 400, equalAspect: true, xDomain: [-3.5, 3.5] as const, yDomain: [-3.5, 3.5] as const };
    const svg = panelGrid(
      [
        scatterChart({
          ...common,
          title: 'Data (two moons)',
          points: [{ x: xs(data), y: ys(data), radius: 1.5, opacity: 0.5, color: '#777777' }],
        }),
        scatterChart({
          ...common,
          title: 'DDIM, 20 steps, with trajectories',
          lines: trajectories,
          points: [{ x: xs(a), y: ys(a), radius: 1.5, opacity: 0.5 }],
        }),
        scatterChart({
          ...common,
          title: `Heun, 10 steps (${evaluationCount('heun', model.denoiser.schedule, heunGrid)} NFE)`,
          points: [{ x: xs(c), y: ys(c), radius: 1.5, opacity: 0.5, color: '#D55E00' }],
        }),
      ],
      3,
      { title: `A flow-matching MLP trained in ${seconds.toFixed(0)} s; DDIM = flow-matching Euler to ${diff.toExponential(0)}` },
    );
    writeAtomic(join(out, 'demo-samples.svg'), svg);
    log(`  → ${join(out, 'demo-samples.svg')}, loss curve ${join(runDir, 'loss.svg')}`);
  } finally {
    await model.denoiser.release();
  }
}
