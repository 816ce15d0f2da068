/**
 * The image-model benchmark: difflow's class-conditional U-Net (the default) and DiT against their PyTorch
 * mirrors (bench/torch_image_peer.py), one train step at batch 64 and one sampling forward at batch 256, in
 * alternating rounds; and ONNX Runtime's per-op profile of the U-Net graphs (--profile).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { formatTable } from '../src/cli/table.js';
import { rng } from '../src/core/index.js';
import { toOnnx } from '../src/engine/onnx.js';
import { nodeRuntime, ortSessionOptions, resolveSpinning } from '../src/engine/ortNode.js';
import type { RuntimeOptions, TensorData } from '../src/engine/runtime.js';
import { buildForward, buildTrainStep } from '../src/models/denoiserGraph.js';
import { optimizerFeeds } from '../src/engine/optimizer.js';
import { trainStepModel, trainStepSession } from '../src/engine/trainSession.js';
import { dit } from '../src/models/dit.js';
import { initParams, parameterCount, type Network } from '../src/models/network.js';
import { unet } from '../src/models/unet.js';
import { ADAMW, THREADS, forwardCalls, freshState, median, peerSeconds, startPeer, trainSteps } from './common.js';

export interface ImageBenchOptions {
  readonly rounds: number;
  readonly markdown: boolean;
  /** The BLAS kernel the PyTorch side uses ('auto': it probes). */
  readonly coretype: string | undefined;
}

/**
 * The image models `difflow train --data fashion-mnist [--network dit]` builds by default (src/training/config.ts
 * MODEL_DEFAULTS, trainer.ts networkFor).
 */
export const IMAGE_MODELS = {
  unet: {
    title: 'U-Net',
    make: () => unet({ classes: 10, channels: 32 }),
    describe: 'class-conditional U-Net, C = 32',
    trainSteps: 2,
    sampleCalls: 1,
  },
  dit: {
    title: 'DiT',
    make: () => dit({ classes: 10, width: 128, depth: 6 }),
    describe: 'class-conditional DiT, patch 4, width 128, 6 blocks',
    trainSteps: 5,
    sampleCalls: 3,
  },
} as const;
export type ImageModel = keyof typeof IMAGE_MODELS;
const IMAGE_BATCH = 64;
const SAMPLE_BATCH = 256;

function imageFeeds(net: Network, B: number, g: ReturnType<typeof rng>, withTargets: boolean): Record<string, TensorData> {
  const K1 = (net.classes as number) + 1;
  const label = new Float32Array(B * K1);
  for (let b = 0; b < B; b++) label[b * K1 + (b % K1)] = 1;
  const feeds: Record<string, TensorData> = {
    z: { data: Float32Array.from(g.normals(B * net.dim)), dims: [B, net.dim] },
    t: { data: Float32Array.from({ length: B }, () => (withTargets ? g.uniform() : 0.5)), dims: [B, 1] },
    label: { data: label, dims: [B, K1] },
  };
  if (withTargets) {
    feeds.target = { data: Float32Array.from(g.normals(B * net.dim)), dims: [B, net.dim] };
    feeds.weight = { data: Float32Array.from({ length: B }, () => 0.5 + g.uniform()), dims: [B, 1] };
  }
  return feeds;
}

export async function benchImage(model: ImageModel, { rounds: imageRounds, markdown, coretype }: ImageBenchOptions): Promise<void> {
  const { title, make, describe, trainSteps: TRAIN_STEPS, sampleCalls: SAMPLE_CALLS } = IMAGE_MODELS[model];
  const net = make();
  const g = rng(0);
  const params = initParams(net, g);
  let started = performance.now();
  // ONNX Runtime's threads sleeping between ops and spinning (what `difflow train`'s --spinning auto picks on
  // an idle machine); the training step as the trainer builds it.
  const step = buildTrainStep(net, IMAGE_BATCH);
  const forwardBytes = toOnnx(buildForward(net, SAMPLE_BATCH, params));
  const sessions = {
    sleep: {
      train: await trainStepSession(nodeRuntime, step, { threads: THREADS, spinning: false }),
      sample: await nodeRuntime.createSession(forwardBytes, { threads: THREADS, spinning: false }),
    },
    spin: {
      train: await trainStepSession(nodeRuntime, step, { threads: THREADS, spinning: true }),
      sample: await nodeRuntime.createSession(forwardBytes, { threads: THREADS, spinning: true }),
    },
  };
  const modes = ['sleep', 'spin'] as const;
  const compileSeconds = (performance.now() - started) / 1000;
  const auto = (await resolveSpinning('auto', THREADS)) ? 'spinning' : 'sleeping';
  const batch = imageFeeds(net, IMAGE_BATCH, g, true);
  const sampleFeeds = imageFeeds(net, SAMPLE_BATCH, g, false);
  const state = freshState(net, params);
  const counter = { k: 0 };

  const peerArgs = ['--model', model, '--batch', String(IMAGE_BATCH), '--threads', String(THREADS), '--coretype', coretype ?? 'auto'];
  started = performance.now();
  const { peer, ready, info } = await startPeer('bench/torch_image_peer.py', peerArgs);
  const peerStart = (performance.now() - started) / 1000;

  console.log(
    `\n${title} (${describe}, ${parameterCount(net).toLocaleString('en')} parameters), ` +
      `${THREADS} threads each; ${imageRounds} alternating rounds of ${TRAIN_STEPS} train ` +
      `steps (batch ${IMAGE_BATCH}; forward, MSE, backward, clip, AdamW, EMA) and ` +
      `${SAMPLE_CALLS} sampling forward${SAMPLE_CALLS > 1 ? 's' : ''} (batch ${SAMPLE_BATCH})`,
  );
  console.log(
    `difflow: ${nodeRuntime.name}, threads sleeping and spinning between ops (--spinning ` +
      `auto picks ${auto} now); graphs compiled in ${compileSeconds.toFixed(1)} s`,
  );
  console.log(
    ready
      ? `${info}; layout ${ready.layout}, mkldnn ${ready.mkldnn}, sampling ${ready.sample_mode} under ` +
          `inference_mode (${ready.params?.toLocaleString('en')} parameters; started in ${peerStart.toFixed(1)} s)`
      : info,
  );
  if (ready && ready.params !== parameterCount(net))
    throw new Error(`the PyTorch mirror has ${ready.params} parameters, difflow's ${title} ${parameterCount(net)}`);

  // Warm-up: ORT's first two runs of a session fault in fresh pages (U-Net: ~0.8 GB per train step, ~0.35 GB
  // per sampling call; measured 210k / 87k minor faults per run, then ~1k) before its memory pattern settles;
  // PyTorch's caches and its traced sampling graph.
  for (const mode of modes) {
    await trainSteps(sessions[mode].train, batch, state, counter, 2);
    await forwardCalls(sessions[mode].sample, sampleFeeds, 2);
  }
  if (peer) {
    await peerSeconds(peer, 'train 1');
    await peerSeconds(peer, `forward ${SAMPLE_BATCH} 1`);
  }
  const rates = {
    sleepTrain: [] as number[],
    spinTrain: [] as number[],
    torchTrain: [] as number[],
    sleepSample: [] as number[],
    spinSample: [] as number[],
    torchSample: [] as number[],
  };
  for (let r = 0; r < imageRounds; r++) {
    // Who goes first alternates too, so that a slow spell of the shared machine does not always hit one side.
    const ours = async () => {
      for (const mode of r % 2 ? [...modes].reverse() : modes) {
        const { train, sample } = sessions[mode];
        rates[`${mode}Train`].push(TRAIN_STEPS / (await trainSteps(train, batch, state, counter, TRAIN_STEPS)));
        rates[`${mode}Sample`].push(SAMPLE_CALLS / (await forwardCalls(sample, sampleFeeds, SAMPLE_CALLS)));
      }
    };
    const theirs = async () => {
      if (!peer) return;
      rates.torchTrain.push(TRAIN_STEPS / (await peerSeconds(peer, `train ${TRAIN_STEPS}`)));
      rates.torchSample.push(SAMPLE_CALLS / (await peerSeconds(peer, `forward ${SAMPLE_BATCH} ${SAMPLE_CALLS}`)));
    };
    if (r % 2 === 0) {
      await ours();
      await theirs();
    } else {
      await theirs();
      await ours();
    }
  }
  peer?.close();
  for (const { train, sample } of Object.values(sessions)) {
    await train.release();
    await sample.release();
  }

  const spread = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : 'n/a');
  const row = (what: string, sleep: number[], spin: number[], torch: number[], unit: string) => {
    const [a, b, c] = [median(sleep), median(spin), median(torch)];
    const ratio = (x: number) => (Number.isNaN(c) ? 'n/a' : `${(x / c).toFixed(2)}×`);
    return [
      what,
      `${a.toFixed(2)} ${unit}`,
      `${b.toFixed(2)} ${unit}`,
      Number.isNaN(c) ? 'n/a' : `${c.toFixed(2)} ${unit}`,
      ratio(a),
      ratio(b),
      `${spread(sleep)} / ${spread(spin)} / ${spread(torch)}`,
    ];
  };
  console.log(
    formatTable(
      [
        'workload',
        'difflow (sleeping)',
        'difflow (spinning)',
        'PyTorch CPU',
        'ratio (sleeping)',
        'ratio (spinning)',
        'range sleeping / spinning / PyTorch',
      ],
      [
        row(`${title} train step, batch ${IMAGE_BATCH}`, rates.sleepTrain, rates.spinTrain, rates.torchTrain, 'steps/s'),
        row(`${title} sampling forward, batch ${SAMPLE_BATCH}`, rates.sleepSample, rates.spinSample, rates.torchSample, 'calls/s'),
      ],
      { markdown },
    ),
  );
}

// ---- ONNX Runtime's profile of the image graphs -------------------------------------------------------
interface ProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

/**
 * Runs `model` `runs` times (after two untimed runs) with ORT's profiler; per op type and per node: ms per run.
 * Session options as nodeRuntime's (for a training step, as trainStepSession's).
 */
async function profileModel(
  what: string,
  model: Uint8Array,
  feeds: () => Record<string, TensorData>,
  runs: number,
  markdown: boolean,
  options: RuntimeOptions,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-profile-'));
  const spinning = await resolveSpinning(options.spinning, options.threads);
  const session = await ort.InferenceSession.create(model, {
    ...ortSessionOptions({ ...options, spinning }),
    enableProfiling: true,
    profileFilePrefix: join(dir, 'ort'),
  });
  const toOrt = (f: Record<string, TensorData>) =>
    Object.fromEntries(Object.entries(f).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
  for (let i = 0; i < runs + 2; i++) await session.run(toOrt(feeds()));
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error('ONNX Runtime wrote no profile');
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
  rmSync(dir, { recursive: true, force: true });
  const runStarts = events
    .filter((e) => e.name === 'model_run')
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const from = runStarts[2] ?? 0; // skip the two warm-up runs (they fault in fresh memory)
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= from);
  const runTotal = events.filter((e) => e.name === 'model_run' && e.ts >= from).reduce((a, e) => a + e.dur, 0) / runs / 1000;
  const byType = new Map<string, { ms: number; count: number }>();
  const byNode = new Map<string, { ms: number; op: string; shapes: string }>();
  for (const e of kernels) {
    const op = e.args?.op_name ?? '?';
    const t = byType.get(op) ?? { ms: 0, count: 0 };
    t.ms += e.dur / 1000 / runs;
    t.count += 1 / runs;
    byType.set(op, t);
    const name = e.name.replace(/_kernel_time$/, '');
    const shapes = (e.args?.input_type_shape ?? []).map((s) => `[${Object.values(s)[0]}]`).join(' ');
    const n = byNode.get(name) ?? { ms: 0, op, shapes };
    n.ms += e.dur / 1000 / runs;
    byNode.set(name, n);
  }
  const kernelTotal = [...byType.values()].reduce((a, t) => a + t.ms, 0);
  console.log(
    `\nONNX Runtime profile: ${what}, ${runs} runs, ${THREADS} threads — ` +
      `${runTotal.toFixed(0)} ms per run, ${kernelTotal.toFixed(0)} ms in kernels`,
  );
  const types = [...byType.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log(
    formatTable(
      ['op type', 'nodes', 'ms/run', 'share'],
      types.slice(0, 12).map(([op, t]) => [op, t.count.toFixed(0), t.ms.toFixed(1), `${((100 * t.ms) / kernelTotal).toFixed(1)}%`]),
      { markdown },
    ),
  );
  const nodes = [...byNode.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  console.log(
    formatTable(
      ['slowest nodes', 'op', 'inputs', 'ms/run'],
      nodes.map(([name, n]) => [name, n.op, n.shapes.slice(0, 70), n.ms.toFixed(1)]),
      { markdown },
    ),
  );
}

export async function profileImage(markdown: boolean): Promise<void> {
  const net = IMAGE_MODELS.unet.make();
  const g = rng(0);
  const params = initParams(net, g);
  const state = freshState(net, params);
  const batch = imageFeeds(net, IMAGE_BATCH, g, true);
  const trainFeeds = () => ({ ...batch, ...optimizerFeeds(state, 1, ADAMW) });
  const step = await trainStepModel(nodeRuntime, buildTrainStep(net, IMAGE_BATCH));
  await profileModel(`U-Net train step, batch ${IMAGE_BATCH}`, step.model, trainFeeds, 3, markdown, { ...step.options, threads: THREADS });
  const sampleFeeds = imageFeeds(net, SAMPLE_BATCH, g, false);
  await profileModel(
    `U-Net sampling forward, batch ${SAMPLE_BATCH}`,
    toOnnx(buildForward(net, SAMPLE_BATCH, params)),
    () => sampleFeeds,
    2,
    markdown,
    { threads: THREADS },
  );
}
