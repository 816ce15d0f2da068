import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rng, scheduleByName } from '../core/index.js';
import { nodeRuntime } from '../engine/ortNode.js';
import { unflatten } from '../engine/params.js';
import { loadTrainState } from './checkpointing.js';
import { loadDenoiser } from './loadDenoiser.js';
import { trainRun } from './loop.js';
import { networkDenoiser } from '../training/networkDenoiser.js';
import { networkFor } from '../training/trainer.js';

test('loadDenoiser(runDir) is the trained model as a denoiser: the same numbers as the five-call chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-load-'));
  await trainRun({
    runDir: dir,
    config: { data: 'moons', output: 'v', schedule: 'cosine', steps: 20, batch: 64, hidden: 16, layers: 1, threads: 1 },
    runtime: nodeRuntime,
  });
  const { config, state } = loadTrainState(dir);
  const net = networkFor(config, { dim: 2 });
  const chain = networkDenoiser(net, unflatten(net, state.ema), config.output, scheduleByName(config.schedule), nodeRuntime, {
    threads: 1,
  });
  const one = loadDenoiser(dir, { threads: 1 });
  const raw = loadDenoiser(dir, { threads: 1, ema: false });
  assert.equal(one.schedule.name, 'cosine');
  const z = rng(0).normals(10);
  const [a, b, c] = [await chain.denoise(z, 0.5), await one.denoise(z, 0.5), await raw.denoise(z, 0.5)];
  assert.deepEqual(b, a);
  assert.notDeepEqual(c.x, a.x, 'ema: false gives the raw weights');
  await Promise.all([chain.release(), one.release(), raw.release()]);
  assert.throws(() => loadDenoiser(dir, { labels: Int32Array.of(0) }), /labels were given, but this network is not class-conditional/);
  assert.throws(() => loadDenoiser(join(dir, 'nothing-here')), /checkpoint/);
});
