/** The `difflow` command line. User mistakes print one line, never a stack trace. */
import { createRequire } from 'node:module';
import { Command, CommanderError, Help } from 'commander';
import { DifflowError, GRID_NAMES, SAMPLER_NAMES, SCHEDULE_NAMES, checkName, scheduleByName, type GridName } from '../core/index.js';
import { FIGURE_NAMES } from '../figures/index.js';
import { demo } from './demo.js';
import { writeFigures } from './figures.js';
import { run, setup } from './oracleRun.js';
import { fmt } from './table.js';
import { DENSITY_NAMES, WEIGHTING_NAMES } from '../core/index.js';
import { ALL_DATA_NAMES } from '../data/datasets.js';
import { DEFAULTS, DEFAULT_IMAGE_MODEL, MODEL_DEFAULTS, MODEL_NAMES, type TrainConfig } from '../training/config.js';
import { LR_SCHEDULE_NAMES } from '../training/learningRate.js';
import { trainCommand } from './trainCommand.js';
import { registerSchedulers } from './schedulers.js';
import { evalCommand, exportCommand } from './modelCommands.js';
import { FileError, checkOutputFolder } from '../io/files.js';
import {
  integerOption as int,
  numberOption as num,
  pathOption as path,
  pointsOption as points,
  seedOption as seed,
  stepsOption as steps,
} from './options.js';
import { checkSamplerFlags, readersOf } from './samplerFlags.js';
import { derivedSeed } from './seeds.js';
import { sampleOrOnnx } from './onnxSample.js';
import { TRAIN_RENAMES, addDeprecated, takeDeprecated } from './deprecated.js';
import { addExamples } from './examples.js';

/** The package's version (src/cli and dist/cli both sit two folders below package.json). */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Where the CLI writes: results (stdout) and the one-line error of a failed command (stderr). */
export interface Output {
  readonly log: (line: string) => void;
  readonly error: (text: string) => void;
}

/** A training setting's default as the help writes it, read from the config's defaults for each network. */
function trainDefault(key: keyof TrainConfig): string {
  const [mlp, unet, dit] = MODEL_NAMES.map((m) => String({ ...DEFAULTS, ...MODEL_DEFAULTS[m] }[key]));
  if (mlp === unet && unet === dit) return `(default: ${mlp})`;
  return unet === dit ? `(default: ${mlp}; images ${unet})` : `(default: ${mlp} for mlp, ${unet} for unet, ${dit} for dit)`;
}

/** The command tree; `exit` gets the code of a training run stopped by a signal. */
export function program(out: Output, exit: (code: number) => void): Command {
  const { log } = out;
  const p = new Command('difflow')
    .description('Diffusion models and flow matching as one framework.')
    .version(VERSION, '-V, --version', 'print the version')
    // Defaults as the hand-written ones read, (default: run) rather than commander's (default: "run").
    .configureHelp({ optionDescription: (option) => new Help().optionDescription(option).replace(/\(default: "(.*)"\)$/, '(default: $1)') })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: out.error,
      // Commander's own errors (unknown option, missing value) as one line, like every other mistake.
      outputError: (s, write) =>
        write(
          `difflow: ${s
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')
            .trim()}\n`,
        ),
    });

  p.command('figures')
    .description("compute the original post's five figures (SVG + JSON)")
    .option('--out <dir>', 'output folder', path('--out'), 'figures')
    .option('--only <names...>', `only these figures (${FIGURE_NAMES.join(', ')})`)
    .action(async (o: { out: string; only?: string[] }) => {
      for (const name of o.only ?? []) checkName('figure', name, FIGURE_NAMES);
      checkOutputFolder(o.out);
      log(`Writing figures to ${o.out}/`);
      await writeFigures(o.out, o.only, log);
    });

  p.command('demo')
    .description('train a 2-D model and sample it, run every sampler against an exact denoiser, write the figures')
    .option('--schedule <name>', `noise schedule (${SCHEDULE_NAMES.join(', ')})`, 'fm')
    .option('--grid <name>', `time grid (${GRID_NAMES.join(', ')})`, 'uniform')
    .option('--n <count>', 'samples for the exact-denoiser tables', points('--n'), 2000)
    .option('--no-train', 'skip the training part')
    .option('--seed <seed>', 'random seed, an integer in [0, 2^53)', seed, 0)
    .option('--out <dir>', 'output folder', path('--out'), 'demo')
    .option('--threads <count>', 'ONNX Runtime threads for the trained part (default: all cores)', int('--threads'))
    .action(async (o: { schedule: string; grid: string; n: number; seed: number; out: string; train: boolean; threads?: number }) => {
      const options = {
        schedule: scheduleByName(o.schedule),
        grid: checkName('grid', o.grid, GRID_NAMES),
        n: o.n,
        seed: o.seed,
        out: o.out,
        train: o.train,
        threads: o.threads,
      };
      checkOutputFolder(o.out);
      await demo(options, log);
    });

  p.command('oracle')
    .description('sample the 2-D ring mixture with its exact denoiser and report the error')
    .option('--schedule <name>', `noise schedule (${SCHEDULE_NAMES.join(', ')})`, 'fm')
    .option('--sampler <name>', `sampler (${SAMPLER_NAMES.join(', ')})`, 'ddim')
    .option('--grid <name>', `time grid (${GRID_NAMES.join(', ')})`, 'uniform')
    .option('--steps <count>', 'sampling steps', steps, 20)
    .option('--n <count>', 'number of samples', points('--n'), 4000)
    .option('--eta <value>', `η for ${readersOf('eta')}`, num('--eta'))
    .option('--churn <value>', `churn for ${readersOf('churn')}`, num('--churn'))
    .option('--seed <seed>', 'random seed, an integer in [0, 2^53)', seed, 0)
    .option('--json', 'print the samples as JSON')
    .action(
      async (o: {
        schedule: string;
        sampler: string;
        grid: string;
        steps: number;
        n: number;
        eta?: number;
        churn?: number;
        seed: number;
        json?: boolean;
      }) => {
        const schedule = scheduleByName(o.schedule);
        const sampler = checkName('sampler', o.sampler, SAMPLER_NAMES);
        const grid = checkName('grid', o.grid, GRID_NAMES) as GridName;
        checkSamplerFlags(sampler, o);
        const s = await setup(schedule, o.n, o.seed);
        const r = await run(s, sampler, o.steps, grid, { eta: o.eta, churn: o.churn }, derivedSeed(o.seed, 1));
        if (o.json) {
          log(JSON.stringify({ sampler, schedule: schedule.name, steps: o.steps, nfe: r.nfe, samples: Array.from(r.z) }));
          return;
        }
        const rmse = r.rmse !== undefined ? `, RMS distance to the exact ODE answer ${fmt(r.rmse ?? NaN)}` : '';
        log(`${sampler} on ${schedule.name}, ${o.steps} steps (${r.nfe} NFE): energy distance to data ${fmt(r.energy)}${rmse}`);
      },
    );
  addDeprecated(p.command('train'), TRAIN_RENAMES)
    .description(
      'train a model (2-D points or Fashion-MNIST images), compiled to ONNX and run by ONNX Runtime, or by PyTorch with --backend torch',
    )
    .option('--data <name>', `data set (${ALL_DATA_NAMES.join(', ')}, or a .json/.csv file of 2-D points) ${trainDefault('data')}`)
    .option('--network <name>', `network (${MODEL_NAMES.join(', ')}) (default: mlp for 2-D data, ${DEFAULT_IMAGE_MODEL} for images)`)
    .option('--schedule <name>', `noise schedule (${SCHEDULE_NAMES.join(', ')}) ${trainDefault('schedule')}`)
    .option('--prediction <kind>', `what the network predicts: eps, x, v or u ${trainDefault('output')}`)
    .option('--weighting <name>', `loss weighting w(λ) (${WEIGHTING_NAMES.join(', ')}) ${trainDefault('weighting')}`)
    .option('--bias <b>', `b of the sigmoid weighting ${trainDefault('bias')}`)
    .option('--density <name>', `training density of t (${DENSITY_NAMES.join(', ')}) ${trainDefault('density')}`)
    .option('--steps <count>', `optimisation steps ${trainDefault('steps')}`)
    .option('--batch <count>', `batch size ${trainDefault('batch')}`)
    .option('--lr <rate>', `learning rate ${trainDefault('lr')}`)
    .option('--weight-decay <wd>', `AdamW weight decay ${trainDefault('weightDecay')}`)
    .option('--warmup <steps>', `linear learning-rate warm-up steps ${trainDefault('warmup')}`)
    .option(
      '--lr-schedule <name>',
      `learning rate after the warm-up: ${LR_SCHEDULE_NAMES.join(' or ')} ` +
        `(cosine decays to 0 at the last step) ${trainDefault('lrSchedule')}`,
    )
    .option('--hidden <width>', `MLP width, U-Net channels or DiT width ${trainDefault('hidden')}`)
    .option('--layers <count>', `MLP hidden layers or DiT blocks ${trainDefault('layers')}`)
    .option('--fourier <count>', `MLP: Fourier features sin/cos(2^k·π/2·z) of z for k < count ${trainDefault('fourier')}`)
    .option('--label-dropout <p>', `image models: probability of dropping the class label, for guidance ${trainDefault('labelDropout')}`)
    .option('--ema-decay <d>', `EMA decay ${trainDefault('emaDecay')}`)
    .option('--seed <seed>', `random seed, an integer in [0, 2^53) ${trainDefault('seed')}`)
    .option('--checkpoint-every <steps>', `checkpoint interval ${trainDefault('checkpointEvery')}`)
    .option('--threads <count>', 'ONNX Runtime threads (default: all cores)')
    .option(
      '--spinning [when]',
      `ONNX Runtime's threads spin between ops: auto (when no other process is running), always or never ${trainDefault('spinning')}`,
    )
    .option('--out <dir>', 'run folder', path('--out'), 'run')
    .option(
      '--resume',
      'continue the run in --out from its checkpoint (only --steps, --lr, --checkpoint-every, --threads, --spinning may change)',
    )
    .option('--backend <name>', "onnx, or torch: PyTorch's torchrun + DDP, docs/scale-out.md (default: onnx)")
    .option('--nproc <count>', 'torch backend: processes per node (default: 1)')
    .option('--nnodes <count>', 'torch backend: nodes, more than one needs --rdzv-endpoint (default: 1)')
    .option('--rdzv-endpoint <host:port>', "torch backend: the nodes' rendezvous")
    .option('--device <name>', 'torch backend: cpu (gloo) or cuda (NCCL) (default: cpu)')
    .option('--python <path>', 'torch backend: the python3 with torch (default: $DIFFLOW_PYTHON, else the first on PATH)')
    .action(async (given: Record<string, string | boolean | undefined>) => {
      const { out: runDir, resume, network, prediction, ...rest } = takeDeprecated(given, TRAIN_RENAMES, out.error);
      // The config keeps its keys (model, output): run folders' config.json files name them so.
      const signal = await trainCommand(String(runDir), { ...rest, model: network, output: prediction }, resume === true, log);
      if (signal) exit(signal === 'SIGINT' ? 130 : 143);
    });

  p.command('sample')
    .description('sample a trained model with any sampler')
    .option('--model <dir>', 'run folder', path('--model'))
    .option(
      '--onnx <file>',
      'or an external ONNX denoiser (diffusers convention), with --scheduler-config; see docs/onnx-models.md',
      path('--onnx'),
    )
    .option(
      '--scheduler-config <file>',
      '--onnx: a diffusers scheduler_config.json (its sampler is used unless --sampler is given)',
      path('--scheduler-config'),
    )
    .option('--input <name=file.json...>', '--onnx: conditioning inputs, e.g. class_labels=labels.json ({"type", "dims", "data"})')
    .option('--shape <dims>', '--onnx: per-sample shape where the model leaves it open, e.g. 4,64,64')
    .option('--mu <value>', "--onnx: FlowMatchEulerDiscreteScheduler's dynamic shift (use_dynamic_shifting)", num('--mu'))
    .option('--sampler <name>', `sampler (${SAMPLER_NAMES.join(', ')}) (default: dpmpp2m; with --onnx, the config's own)`)
    .option('--steps <count>', 'sampling steps', steps, 20)
    .option('--grid <name>', `time grid (${GRID_NAMES.join(', ')})`, 'uniform')
    .option('--n <count>', "2-D models: number of samples (default: 5000; with --onnx, the model's fixed batch, else 16)", int('--n'))
    .option('--eta <value>', `η for ${readersOf('eta')}`, num('--eta'))
    .option('--churn <value>', `churn for ${readersOf('churn')}`, num('--churn'))
    .option('--seed <seed>', 'random seed, an integer in [0, 2^53)', seed, 0)
    .option(
      '--guidance <w>',
      'image models: classifier-free guidance scale, 1 = conditional, 0 = unconditional (default: 2)',
      num('--guidance'),
    )
    .option('--per-class <count>', 'image models: samples per class, one grid row per class (default: 10)', int('--per-class'))
    .option('--clip-x', 'image models: clip x̂ to the pixel range [−1, 1] at every step')
    .option('--no-ema', 'use the raw weights instead of the EMA')
    .option('--threads <count>', 'ONNX Runtime threads (default: all cores)', int('--threads'))
    .requiredOption('--out <file>', 'samples.json, samples.png or samples.svg (image models: a grid .png or .json)', path('--out'))
    .action((o: Parameters<typeof sampleOrOnnx>[0], command: Command) => sampleOrOnnx(o, command, log));

  p.command('eval')
    .description('2-D: energy distance, sliced Wasserstein and NLL; images: classifier accuracy and FD-FMNIST')
    .requiredOption('--model <dir>', 'run folder', path('--model'))
    .option('--n <count>', '2-D models: samples for the distances (default: 5000)', int('--n'))
    .option('--nll <count>', '2-D models: data points for the likelihood (default: 500)', int('--nll'))
    .option('--sampler <name>', `sampler (${SAMPLER_NAMES.join(', ')})`, 'dpmpp2m')
    .option('--steps <count>', 'sampling steps (default: 50; image models 20)', steps)
    .option('--guidance <w>', 'image models: classifier-free guidance scale (default: 2)', num('--guidance'))
    .option('--per-class <count>', 'image models: samples per class for the classifier metrics (default: 100)', int('--per-class'))
    .option('--clip-x', 'image models: clip x̂ to the pixel range [−1, 1] at every step')
    .option('--seed <seed>', 'random seed, an integer in [0, 2^53)', seed, 0)
    .option('--no-ema', 'use the raw weights instead of the EMA')
    .option('--threads <count>', 'ONNX Runtime threads (default: all cores)', int('--threads'))
    .action((o: Parameters<typeof evalCommand>[0]) => evalCommand(o, log));

  p.command('export')
    .description(
      'write a standalone ONNX denoiser (any batch size) that any ONNX Runtime can run, and/or its weights for the PyTorch mirror',
    )
    .requiredOption('--model <dir>', 'run folder', path('--model'))
    .option('--onnx <file>', 'output .onnx file', path('--onnx'))
    .option(
      '--safetensors <file>',
      'output .safetensors file: the weights with PyTorch names and shapes (docs/export.md)',
      path('--safetensors'),
    )
    .option('--no-ema', 'use the raw weights instead of the EMA')
    .action((o: Parameters<typeof exportCommand>[0]) => exportCommand(o, log));
  registerSchedulers(p, log);
  addExamples(p);
  return p;
}

/**
 * Runs the CLI; returns the exit code: 0 ok, 2 a user mistake (one line naming it), 1 a file-system failure
 * (one line with the path and the reason), 130 / 143 training stopped by SIGINT / SIGTERM after saving.
 * Anything else is a bug and keeps its stack trace.
 */
export async function main(
  argv: string[],
  log: (line: string) => void = (l) => console.log(l),
  error: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  let code = 0;
  try {
    await program({ log, error }, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof DifflowError || e instanceof FileError) {
      error(`difflow: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return e instanceof DifflowError ? 2 : 1;
    }
    throw e;
  }
}
