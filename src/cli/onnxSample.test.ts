import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rng } from '../core/rng.js';
import { fromDiffusersConfig } from '../core/interop/index.js';
import { ddpm } from '../core/schedule/index.js';
import { loadOnnxDenoiser } from '../node/loadOnnxDenoiser.js';
import { main } from './main.js';

const fixture = 'test/fixtures/diffusers-tiny';
const reference = JSON.parse(readFileSync(`${fixture}/reference.json`, 'utf8')) as { runs: Record<string, { sample: number[] }> };

/** The CLI in this process, for its one-line refusals: exit code and stderr. */
async function refusal(...args: string[]) {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((chunk: string) => {
    err += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args, () => {});
    return { code, err };
  } finally {
    process.stderr.write = write;
  }
}

function difflow(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("difflow sample --onnx --scheduler-config samples the PyTorch-exported model with the config's sampler or any other", () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-onnx-'));
  const labels = join(dir, 'labels.json');
  writeFileSync(labels, JSON.stringify({ type: 'int64', dims: [8], data: [0, 1, 0, 1, 0, 1, 0, 1] }));
  const own = difflow(
    'sample',
    '--onnx',
    `${fixture}/v.onnx`,
    '--scheduler-config',
    `${fixture}/v-heun.json`,
    '--input',
    `class_labels=${labels}`,
    '--steps',
    '10',
    '--out',
    join(dir, 'heun.json'),
  );
  assert.equal(own.code, 0, own.err);
  assert.match(own.out, /^8 samples of \[2\] with HeunDiscreteScheduler, 10 steps \(19 model calls\) in [\d.]+ s → .*heun\.json\n$/);
  const heun = JSON.parse(readFileSync(join(dir, 'heun.json'), 'utf8')) as { samples: number[]; timesteps: number[]; shape: number[] };
  assert.deepEqual(heun.shape, [8, 2]);
  assert.equal(heun.timesteps.length, 19);
  // Samples near the two moons the model was trained on (|x|, |y| ≲ 1.6 in the PyTorch references).
  const bound = Math.max(...reference.runs['v-heun'].sample.map(Math.abs)) + 0.5;
  assert.ok(
    heun.samples.every((v) => Math.abs(v) < bound),
    `${heun.samples}`,
  );

  const other = difflow(
    'sample',
    '--onnx',
    `${fixture}/eps.onnx`,
    '--scheduler-config',
    `${fixture}/eps-ddim.json`,
    '--sampler',
    'dpmpp2m',
    '--steps',
    '10',
    '--n',
    '5',
    '--out',
    join(dir, 'ddim.png'),
  );
  assert.equal(other.code, 0, other.err);
  assert.match(other.out, /^5 samples of \[2\] with difflow's dpmpp2m on DDIMScheduler's schedule and grid, 10 steps in/);
  assert.deepEqual([...readFileSync(join(dir, 'ddim.png')).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
});

test('difflow sample --onnx: a missing config, a run-only option or a missing conditioning input is one line and exit code 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--onnx', `${fixture}/eps.onnx`, '--out', 'x.json'], /^difflow: --onnx needs --scheduler-config scheduler_config\.json\n$/],
    [
      ['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--guidance', '3', '--out', 'x.json'],
      /^difflow: --guidance applies to --model runs, not to --onnx\n$/,
    ],
    [
      ['--onnx', `${fixture}/v.onnx`, '--scheduler-config', `${fixture}/v-ddim.json`, '--out', 'x.json'],
      /^difflow: the model also needs class_labels \(int64 \[8\]\): pass it as a conditioning input\n$/,
    ],
    [
      ['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/nothing.json`, '--out', 'x.json'],
      /^difflow: cannot read --scheduler-config '.*nothing\.json': ENOENT\n$/,
    ],
    [
      ['--model', 'run', '--scheduler-config', `${fixture}/eps-ddim.json`, '--out', 'x.json'],
      /^difflow: --scheduler-config applies to --onnx, not to --model runs\n$/,
    ],
    [['--out', 'x.json'], /^difflow: sample needs --model <run folder> or --onnx <model\.onnx>\n$/],
    [['--model', 'run', '--mu', '0.5', '--out', 'x.json'], /^difflow: --mu applies to --onnx, not to --model runs\n$/],
    [
      ['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--churn', '0.3', '--out', 'x.json'],
      /^difflow: --churn applies to --sampler churn\n$/,
    ],
    [
      [
        '--onnx',
        `${fixture}/eps.onnx`,
        '--scheduler-config',
        `${fixture}/eps-ddim.json`,
        '--sampler',
        'heun',
        '--eta',
        '1',
        '--out',
        'x.json',
      ],
      /^difflow: --eta applies to the ddim and sde samplers, not to heun\n$/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await refusal('sample', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
});

test('difflow sample --onnx with a thresholding config: the per-sample size comes from the model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-onnx-'));
  const config = {
    ...JSON.parse(readFileSync(`${fixture}/eps-ddim.json`, 'utf8')),
    thresholding: true,
    dynamic_thresholding_ratio: 0.995,
    sample_max_value: 3,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const lines: string[] = [];
  const code = await main(
    [
      'sample',
      '--onnx',
      `${fixture}/eps.onnx`,
      '--scheduler-config',
      join(dir, 'config.json'),
      '--steps',
      '10',
      '--n',
      '32',
      '--seed',
      '3',
      '--out',
      join(dir, 's.json'),
    ],
    (l) => lines.push(l),
  );
  assert.equal(code, 0);
  assert.match(lines[0], /^32 samples of \[2\] with DDIMScheduler, 10 steps \(10 model calls\)/);
  const { samples } = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as { samples: number[] };
  // The same run through the API with the per-sample size 2, and with a wrong one (1), which thresholds otherwise.
  const eps = await loadOnnxDenoiser(`${fixture}/eps.onnx`, { schedule: ddpm(), output: 'eps', time: (t) => t, threads: 1 });
  const api = async (sampleSize: number) => {
    const plan = fromDiffusersConfig(config, { numInferenceSteps: 10, sampleSize });
    return plan.run(
      eps.model,
      rng(3)
        .normals(64)
        .map((v) => v * plan.initNoiseSigma),
    );
  };
  const [right, wrong] = [await api(2), await api(1)];
  await eps.release();
  assert.deepEqual(samples, Array.from(right));
  assert.ok(
    samples.some((v, i) => Math.abs(v - wrong[i]) > 1e-3),
    'the per-sample size matters here',
  );
});
