/**
 * The evidence tables of the image issue, on Fashion-MNIST (each part resumable: finished runs are reused).
 *
 *   npx tsx scripts/image-study.ts case --case unet-u [--cpu-minutes 10] [--threads 1]
 *       one of unet-u / unet-eps / unet-v (natural weightings) and dit-u, trained for the same CPU time
 *       (process CPU, so runs may share the machine), then 1000 samples scored by the classifier
 *   npx tsx scripts/image-study.ts table [--cpu-minutes 10]   the table of the finished cases
 *   npx tsx scripts/image-study.ts samplers --model DIR    DDIM vs Heun vs DPM-Solver++ 2M at 10 / 20 / 50 NFE
 *   npx tsx scripts/image-study.ts guidance --model DIR    classifier-free guidance w = 0 … 4
 *
 * Results go to runs/study/*.json and print as Markdown tables. Sampling: guidance 2, EMA weights.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkName, evaluationCount, type OutputKind, type SamplerName } from '../src/core/index.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import { evaluateImages } from '../src/cli/imageCommands.js';
import { gridFor, loadModel } from '../src/cli/loadModel.js';
import { formatTable } from '../src/cli/table.js';
import { NATURAL_WEIGHTING, type ModelName } from '../src/training/config.js';
import { trainRun } from '../src/node/loop.js';
import { numberArg, refuse, scriptArgs } from './args.js';

const USAGE =
  'image-study.ts case --case unet-u|unet-eps|unet-v|dit-u [--cpu-minutes 10] [--threads ' +
  '1] | table [--cpu-minutes 10] | samplers|guidance --model DIR [--per-class N]';
const { values: args, positionals } = scriptArgs(
  USAGE,
  {
    case: { type: 'string', default: 'unet-u' },
    'cpu-minutes': { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
    model: { type: 'string', default: 'runs/fmnist-unet' },
    'per-class': { type: 'string' },
  },
  true,
);
const perClass = (fallback: number) => (args['per-class'] === undefined ? fallback : numberArg('per-class', args['per-class']));
const cpuMinutes = () => numberArg('cpu-minutes', args['cpu-minutes']);
const root = 'runs/study';
mkdirSync(root, { recursive: true });
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const CASES = ['unet-u', 'unet-eps', 'unet-v', 'dit-u'] as const;

/** Trains one case (model-output) for a budget of CPU minutes, then evaluates it; reuses finished parts. */
async function runCase(name: string, cpuMinutes: number, threads: number): Promise<void> {
  const [model, output] = name.split('-') as [ModelName, OutputKind];
  const runDir = join(root, `${name}-${cpuMinutes}cpumin`);
  const trainFile = join(runDir, 'train.json');
  if (!existsSync(trainFile)) {
    const [w0, c0] = [performance.now(), cpuSeconds()];
    const result = await trainRun({
      runDir,
      runtime: nodeRuntime,
      config: {
        data: 'fashion-mnist',
        model,
        schedule: 'fm',
        output,
        weighting: NATURAL_WEIGHTING[output],
        steps: 100_000,
        checkpointEvery: 100,
        threads,
        seed: 0,
      },
      shouldStop: () => cpuSeconds() - c0 >= 60 * cpuMinutes,
      onProgress: (p) =>
        p.step % 50 === 0 &&
        console.error(
          `${name}: step ${p.step} loss ${p.loss.toFixed(4)} ${p.stepsPerSecond.toFixed(2)} ` +
            `steps/s, ${((cpuSeconds() - c0) / 60).toFixed(1)} CPU-min`,
        ),
    });
    writeFileSync(
      trainFile,
      JSON.stringify({ steps: result.step, wall: (performance.now() - w0) / 1000, cpu: cpuSeconds() - c0, threads }),
    );
  }
  const resultFile = `${runDir}.json`;
  if (!existsSync(resultFile)) {
    const loaded = loadModel(runDir);
    const r = await evaluateImages(loaded, 100, { sampler: 'dpmpp2m', steps: 20, grid: 'uniform', guidance: 2, seed: 0 });
    writeFileSync(
      resultFile,
      JSON.stringify(
        { model, output, weighting: NATURAL_WEIGHTING[output], cpuMinutes, train: JSON.parse(readFileSync(trainFile, 'utf8')), ...r },
        null,
        2,
      ),
    );
  }
}

function outputsTable(cpuMinutes: number): void {
  const rows = CASES.filter((c) => existsSync(join(root, `${c}-${cpuMinutes}cpumin.json`))).map((c) => {
    const r = JSON.parse(readFileSync(join(root, `${c}-${cpuMinutes}cpumin.json`), 'utf8'));
    return [
      r.model,
      `${r.output} (${r.weighting})`,
      String(r.train.steps),
      `${(r.train.cpu / 60).toFixed(1)} min`,
      `${(r.train.wall / 60).toFixed(1)} min`,
      `${(100 * r.accuracy).toFixed(1)} %`,
      r.fd.toFixed(2),
    ];
  });
  console.log(
    `Fashion-MNIST, flow-matching schedule, batch 64, seed 0, ${cpuMinutes} CPU-minutes ` +
      `of training each; EMA weights, DPM-Solver++ 2M 20 steps, guidance 2, 1000 samples`,
  );
  console.log(
    formatTable(['model', 'output (weighting)', 'steps', 'train CPU', 'train wall', 'accuracy', 'FD-FMNIST'], rows, { markdown: true }),
  );
}

async function samplers(runDir: string, perClass: number): Promise<void> {
  const model = loadModel(runDir);
  const rows: string[][] = [];
  const nfes = [10, 20, 50];
  const plan: { name: string; sampler: SamplerName; steps: (nfe: number) => number }[] = [
    { name: 'DDIM', sampler: 'ddim', steps: (n) => n },
    { name: 'Heun (EDM)', sampler: 'heun', steps: (n) => Math.floor((n + 1) / 2) },
    { name: 'DPM-Solver++ 2M', sampler: 'dpmpp2m', steps: (n) => n },
  ];
  for (const p of plan) {
    const row = [p.name];
    for (const target of nfes) {
      const steps = p.steps(target);
      const nfe = evaluationCount(p.sampler, model.schedule, gridFor('uniform', model, steps));
      const file = join(root, `samplers-${p.sampler}-${steps}-${perClass}.json`);
      if (!existsSync(file)) {
        const r = await evaluateImages(model, perClass, { sampler: p.sampler, steps, grid: 'uniform', guidance: 2, seed: 0 });
        writeFileSync(file, JSON.stringify({ sampler: p.sampler, steps, nfe, ...r }, null, 2));
      }
      const r = JSON.parse(readFileSync(file, 'utf8'));
      row.push(`${(100 * r.accuracy).toFixed(1)} % / ${r.fd.toFixed(2)} (${nfe})`);
      console.error(`${p.name} ${steps} steps: accuracy ${r.accuracy}, FD ${r.fd}, ${r.seconds.toFixed(0)} s`);
    }
    rows.push(row);
  }
  console.log(`${runDir}, ${10 * perClass} samples, guidance 2; cells: accuracy / FD-FMNIST (NFE)`);
  console.log(formatTable(['sampler', 'NFE ≈ 10', 'NFE ≈ 20', 'NFE ≈ 50'], rows, { markdown: true }));
}

/** Classifier-free guidance: accuracy and FD-FMNIST for w = 0 (unconditional) … 4. */
async function guidance(runDir: string, perClass: number): Promise<void> {
  const model = loadModel(runDir);
  const rows: string[][] = [];
  for (const w of [0, 1, 1.5, 2, 3, 4]) {
    const file = join(root, `guidance-${w}-${perClass}.json`);
    if (!existsSync(file))
      writeFileSync(
        file,
        JSON.stringify(
          {
            guidance: w,
            ...(await evaluateImages(model, perClass, { sampler: 'dpmpp2m', steps: 20, grid: 'uniform', guidance: w, seed: 0 })),
          },
          null,
          2,
        ),
      );
    const r = JSON.parse(readFileSync(file, 'utf8'));
    rows.push([String(w), `${(100 * r.accuracy).toFixed(1)} %`, r.fd.toFixed(2), `${r.seconds.toFixed(0)} s`]);
    console.error(`guidance ${w}: accuracy ${r.accuracy}, FD ${r.fd}`);
  }
  console.log(`${runDir}, ${10 * perClass} samples, DPM-Solver++ 2M 20 steps`);
  console.log(formatTable(['guidance w', 'accuracy', 'FD-FMNIST', 'sampling time'], rows, { markdown: true }));
}

const part = positionals.length === 1 ? positionals[0] : undefined;
if (part === 'guidance') await guidance(args.model, perClass(100));
else if (part === 'case') await runCase(checkName('case', args.case, CASES), cpuMinutes(), numberArg('threads', args.threads));
else if (part === 'table') outputsTable(cpuMinutes());
else if (part === 'samplers') await samplers(args.model, perClass(50));
else refuse(`usage: ${USAGE}`);
