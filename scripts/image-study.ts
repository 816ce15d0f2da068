/**
 * The evidence tables of the image issue, on Fashion-MNIST (each part resumable: finished runs are reused).
 *
 *   npx tsx scripts/image-study.ts outputs [--steps 500]   U-Net with u / ε / v outputs (natural weightings) and
 *                                                          the DiT with u, same steps, batch and seed; train CPU
 *                                                          time and the classifier metrics of 1000 samples each
 *   npx tsx scripts/image-study.ts samplers --model DIR    DDIM vs Heun vs DPM-Solver++ 2M at 10 / 20 / 50 NFE
 *
 * Results go to runs/study/*.json and print as Markdown tables. Sampling: guidance 2, EMA weights.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputKind, SamplerName } from '../src/core/index.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import { evaluateImages } from '../src/cli/imageCommands.js';
import { loadModel } from '../src/cli/modelCommands.js';
import { formatTable } from '../src/cli/table.js';
import { checkpointPath, loadTrainState } from '../src/train/checkpointing.js';
import { NATURAL_WEIGHTING, type ModelName } from '../src/train/config.js';
import { trainRun } from '../src/train/loop.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const root = 'runs/study';
mkdirSync(root, { recursive: true });
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function outputs(steps: number): Promise<void> {
  const cases: { model: ModelName; output: OutputKind }[] = [
    { model: 'unet', output: 'u' }, { model: 'unet', output: 'eps' }, { model: 'unet', output: 'v' }, { model: 'dit', output: 'u' },
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const runDir = join(root, `${c.model}-${c.output}-${steps}`);
    const resultFile = `${runDir}.json`;
    if (!existsSync(resultFile)) {
      let train = { wall: 0, cpu: 0 };
      if (!existsSync(checkpointPath(runDir)) || loadTrainState(runDir).state.step < steps) {
        const [w0, c0] = [performance.now(), cpuSeconds()];
        await trainRun({
          runDir, runtime: nodeRuntime, resume: existsSync(checkpointPath(runDir)),
          config: { data: 'fashion-mnist', model: c.model, schedule: 'fm', output: c.output, weighting: NATURAL_WEIGHTING[c.output], steps, threads: 2, seed: 0 },
          onProgress: (p) => p.step % 50 === 0 && console.error(`${runDir}: step ${p.step} loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} steps/s`),
        });
        train = { wall: (performance.now() - w0) / 1000, cpu: cpuSeconds() - c0 };
      }
      const model = loadModel(runDir);
      const r = await evaluateImages(model, 100, { sampler: 'dpmpp2m', steps: 20, grid: 'uniform', guidance: 2, seed: 0 });
      writeFileSync(resultFile, JSON.stringify({ ...c, steps, weighting: NATURAL_WEIGHTING[c.output], train, ...r }, null, 2));
    }
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    rows.push([r.model, `${r.output} (${r.weighting})`, String(r.steps), `${(r.train.wall / 60).toFixed(1)} min`, `${(r.train.cpu / 60).toFixed(1)} min`, `${(100 * r.accuracy).toFixed(1)} %`, r.fd.toFixed(2)]);
    console.error(`${runDir}: accuracy ${r.accuracy}, FD ${r.fd}`);
  }
  console.log(formatTable(['model', 'output (weighting)', 'steps', 'train wall', 'train CPU', 'accuracy', 'FD-FMNIST'], rows, { markdown: true }));
}

async function samplers(runDir: string, perClass: number): Promise<void> {
  const model = loadModel(runDir);
  const rows: string[][] = [];
  const nfes = [10, 20, 50];
  const plan: { name: string; sampler: SamplerName; steps: (nfe: number) => number; nfe: (steps: number) => number }[] = [
    { name: 'DDIM', sampler: 'ddim', steps: (n) => n, nfe: (s) => s },
    { name: 'Heun (EDM)', sampler: 'heun', steps: (n) => Math.floor((n + 1) / 2), nfe: (s) => 2 * s - 1 },
    { name: 'DPM-Solver++ 2M', sampler: 'dpmpp2m', steps: (n) => n, nfe: (s) => s },
  ];
  for (const p of plan) {
    const row = [p.name];
    for (const target of nfes) {
      const steps = p.steps(target);
      const file = join(root, `samplers-${p.sampler}-${steps}-${perClass}.json`);
      if (!existsSync(file)) {
        const r = await evaluateImages(model, perClass, { sampler: p.sampler, steps, grid: 'uniform', guidance: 2, seed: 0 });
        writeFileSync(file, JSON.stringify({ sampler: p.sampler, steps, nfe: p.nfe(steps), ...r }, null, 2));
      }
      const r = JSON.parse(readFileSync(file, 'utf8'));
      row.push(`${(100 * r.accuracy).toFixed(1)} % / ${r.fd.toFixed(2)} (${r.nfe})`);
      console.error(`${p.name} ${steps} steps: accuracy ${r.accuracy}, FD ${r.fd}, ${r.seconds.toFixed(0)} s`);
    }
    rows.push(row);
  }
  console.log(`${runDir}, ${10 * perClass} samples, guidance 2; cells: accuracy / FD-FMNIST (NFE)`);
  console.log(formatTable(['sampler', 'NFE ≈ 10', 'NFE ≈ 20', 'NFE ≈ 50'], rows, { markdown: true }));
}

if (args[0] === 'outputs') await outputs(Number(flag('--steps', '500')));
else if (args[0] === 'samplers') await samplers(flag('--model', 'runs/fmnist-unet'), Number(flag('--per-class', '50')));
else throw new Error('usage: image-study.ts outputs [--steps N] | samplers --model DIR [--per-class N]');
