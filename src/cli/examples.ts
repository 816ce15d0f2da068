/** The "Examples:" block under each subcommand's help; test/cliHelp checks every flag they use exists. */
import type { Command } from 'commander';

export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  figures: ['difflow figures --out figures', 'difflow figures --only 1-rescaling 4-churn --out figures'],
  demo: ['difflow demo --threads 2 --out demo', 'difflow demo --no-train --schedule cosine --grid karras'],
  oracle: ['difflow oracle --schedule cosine --sampler ddim --steps 20', 'difflow oracle --sampler churn --churn 0.5 --json'],
  train: [
    'difflow train --data moons --network mlp --prediction u --steps 5000 --out run',
    'difflow train --out run --resume',
    'difflow train --data fashion-mnist --network dit --threads 2 --out runs/fmnist',
  ],
  sample: [
    'difflow sample --model run --sampler dpmpp2m --steps 20 --out samples.png',
    'difflow sample --model runs/fmnist --guidance 2 --per-class 10 --out grid.png',
    'difflow sample --onnx unet.onnx --scheduler-config scheduler_config.json --steps 25 --out samples.json',
  ],
  eval: ['difflow eval --model run', 'difflow eval --model runs/fmnist --per-class 100 --threads 2'],
  export: ['difflow export --model run --onnx model.onnx', 'difflow export --model run --safetensors model.safetensors'],
  schedulers: ['difflow schedulers', 'difflow schedulers --class DDIMScheduler --markdown'],
};

/** Adds the examples of each subcommand of `program` after its help. */
export function addExamples(program: Command): void {
  for (const c of program.commands) {
    const lines = EXAMPLES[c.name()] ?? [];
    if (lines.length) c.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
  }
}
