import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from './main.js';

const fixture = 'test/fixtures/diffusers-tiny';
const reference = JSON.parse(readFileSync(`${fixture}/reference.json`, 'utf8')) as { runs: Record<string, { sample: number[] }> };

/** The CLI in this process, for its one-line refusals: exit code and stderr. */
async function refusal(...args: string[]) {
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
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

test('difflow sample --onnx --scheduler-config samples the PyTorch-exported model with the config\'s sampler or any other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-onnx-'));
  const labels = join(dir, 'labels.json');
  writeFileSync(labels, JSON.stringify({ type: 'int64', dims: [8], data: [0, 1, 0, 1, 0, 1, 0, 1] }));
  const own = difflow('sample', '--onnx', `${fixture}/v.onnx`, '--scheduler-config', `${fixture}/v-heun.json`, '--input', `class_labels=${labels}`, '--steps', '10', '--out', join(dir, 'heun.json'));
  assert.equal(own.code, 0, own.err);
  assert.match(own.out, /^8 samples of \[2\] with HeunDiscreteScheduler, 10 steps \(19 model calls\) in [\d.]+ s → .*heun\.json\n$/);
  const heun = JSON.parse(readFileSync(join(dir, 'heun.json'), 'utf8')) as { samples: number[]; timesteps: number[]; shape: number[] };
  assert.deepEqual(heun.shape, [8, 2]);
  assert.equal(heun.timesteps.length, 19);
  // Samples near the two moons the model was trained on (|x|, |y| ≲ 1.6 in the PyTorch references).
  const bound = Math.max(...reference.runs['v-heun'].sample.map(Math.abs)) + 0.5;
  assert.ok(heun.samples.every((v) => Math.abs(v) < bound), `${heun.samples}`);

  const other = difflow('sample', '--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--sampler', 'dpmpp2m', '--steps', '10', '--n', '5', '--out', join(dir, 'ddim.png'));
  assert.equal(other.code, 0, other.err);
  assert.match(other.out, /^5 samples of \[2\] with difflow's dpmpp2m on DDIMScheduler's schedule and grid, 10 steps in/);
  assert.deepEqual([...readFileSync(join(dir, 'ddim.png')).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
});

test('difflow sample --onnx: a missing config, a run-only option or a missing conditioning input is one line and exit code 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--onnx', `${fixture}/eps.onnx`, '--out', 'x.json'], /^difflow: --onnx needs --scheduler-config scheduler_config\.json\n$/],
    [['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--guidance', '3', '--out', 'x.json'], /^difflow: --guidance applies to --model runs, not to --onnx\n$/],
    [['--onnx', `${fixture}/v.onnx`, '--scheduler-config', `${fixture}/v-ddim.json`, '--out', 'x.json'], /^difflow: the model also needs class_labels \(int64 \[8\]\): pass it as a conditioning input\n$/],
    [['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/nothing.json`, '--out', 'x.json'], /^difflow: cannot read --scheduler-config '.*nothing\.json': ENOENT\n$/],
    [['--model', 'run', '--scheduler-config', `${fixture}/eps-ddim.json`, '--out', 'x.json'], /^difflow: --scheduler-config applies to --onnx, not to --model runs\n$/],
    [['--out', 'x.json'], /^difflow: sample needs --model <run folder> or --onnx <model\.onnx>\n$/],
    [['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--churn', '0.3', '--out', 'x.json'], /^difflow: --churn applies to --sampler churn\n$/],
    [['--onnx', `${fixture}/eps.onnx`, '--scheduler-config', `${fixture}/eps-ddim.json`, '--sampler', 'heun', '--eta', '1', '--out', 'x.json'], /^difflow: --eta applies to --sampler ddim or sde \(or the config's DDIM\), not to heun\n$/],
  ];
  for (const [args, message] of cases) {
    const r = await refusal('sample', ...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
});
