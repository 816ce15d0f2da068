/**
 * bench/train: difflow (one ONNX train-step graph in onnxruntime-node) vs PyTorch CPU (Debian python3-torch,
 * BLAS kernel chosen by bench/torch_peer.py), both at 2 threads, in one time window with alternating rounds;
 * prints medians per round and ratios. Installs nothing.
 *   - MLP 18→256×3→2: a training step at batch 1024 (forward, loss, backward, clipping, AdamW, EMA) and a
 *     forward pass on 10,000 points (peer: bench/torch_peer.py).
 *   - The image models, the default class-conditional U-Net (C = 32) and the DiT (width 128, 6 blocks): a
 *     training step at batch 64 and a sampling forward at batch 256 (peer: bench/torch_image_peer.py, their
 *     PyTorch mirrors; parity in src/models/torch_parity.test.ts).
 *   npm run bench [-- --only mlp|image|unet|dit --rounds 7 --image-rounds 5 --profile --markdown --coretype NAME]
 * --profile adds ONNX Runtime's per-op profile of the U-Net train step and sampling forward.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as ort from 'onnxruntime-node';
import { rng } from '../src/core/index.js';
import { toOnnx } from '../src/engine/onnx.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import type { Session, TensorData } from '../src/engine/runtime.js';
import { buildForward, buildTrainStep, flatten, optimizerFeeds, takeOptimizerOutputs, type OptimizerState } from '../src/engine/trainStep.js';
import { mlp } from '../src/models/mlp.js';
import { initParams, parameterCount, type Network } from '../src/models/network.js';
import { dit } from '../src/models/dit.js';
import { unet } from '../src/models/unet.js';
import { formatTable } from '../src/cli/table.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const flag = (name: string, fallback: number) => Number(option(name) ?? fallback);
const rounds = flag('rounds', 7);
const imageRounds = flag('image-rounds', 5);
const markdown = args.includes('--markdown');
const only = option('only');
if (only !== undefined && !['mlp', 'image', 'unet', 'dit'].includes(only)) throw new Error(`--only takes mlp, image (U-Net and DiT), unet or dit; got '${only}'`);
const runMlp = only === undefined || only === 'mlp';
const runUnet = only === undefined || only === 'image' || only === 'unet';
const runDit = only === undefined || only === 'image' || only === 'dit';
const profile = args.includes('--profile');
const THREADS = 2;
const median = (xs: number[]) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

// ---- PyTorch peers (one JSON line per command) -----------------------------------------------------
const python = '/usr/bin/python3';
type Reply = {
  ready?: boolean; missing?: string; torch?: string; blas?: Record<string, unknown>; threads?: number; seconds?: number; error?: string;
  layout?: string; mkldnn?: boolean; sample_mode?: string; params?: number;
};
interface Peer { send(cmd: string): Promise<Reply>; close(): void }

async function startPeer(script: string, peerArgs: string[]): Promise<{ peer?: Peer; ready?: Reply; info: string }> {
  if (!existsSync(python)) return { info: `PyTorch: ${python} not found (apt-get install python3 python3-torch libopenblas0-pthread)` };
  const child = spawn(python, [script, ...peerArgs], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  const lines = createInterface({ input: child.stdout });
  const queue: ((r: Reply) => void)[] = [];
  const first = new Promise<Reply>((resolve) => queue.push(resolve));
  lines.on('line', (line) => queue.shift()?.(JSON.parse(line) as Reply));
  child.on('exit', () => queue.splice(0).forEach((resolve) => resolve({ error: `${script} exited` })));
  const ready = await first;
  if (!ready.ready) {
    child.kill();
    return { info: `PyTorch missing: ${ready.missing ?? ready.error}` };
  }
  const peer: Peer = {
    send: (cmd) => new Promise<Reply>((resolve) => {
      queue.push(resolve);
      child.stdin.write(`${cmd}\n`);
    }),
    close: () => child.stdin.end('quit\n'),
  };
  return { peer, ready, info: `PyTorch ${ready.torch}, ${ready.threads} threads, BLAS ${JSON.stringify(ready.blas)}` };
}

async function peerSeconds(peer: Peer, cmd: string): Promise<number> {
  const reply = await peer.send(cmd);
  if (reply.error || reply.seconds === undefined) throw new Error(`PyTorch peer: ${reply.error ?? 'no timing'} (${cmd})`);
  return reply.seconds;
}

/** Runs a train-step session `steps` times from `state`, updating it; returns the seconds taken. */
async function trainSteps(session: Session, batch: Record<string, TensorData>, state: OptimizerState, counter: { k: number }, steps: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    counter.k++;
    const out = await session.run({ ...batch, ...optimizerFeeds(state, counter.k, ADAMW) });
    takeOptimizerOutputs(state, out);
  }
  return (performance.now() - started) / 1000;
}

async function forwardCalls(session: Session, feeds: Record<string, TensorData>, calls: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await session.run(feeds);
  return (performance.now() - started) / 1000;
}

/** The AdamW settings both sides of the benchmark use. */
const ADAMW = { lr: 1e-3, eps: 1e-8, weightDecay: 0, emaDecay: 0.999 };

const freshState = (net: Network, params: Record<string, Float32Array>): OptimizerState => {
  const flat = flatten(net, params);
  return { params: flat.slice(), m: new Float32Array(flat.length), v: new Float32Array(flat.length), ema: flat.slice() };
};

let chosenCoretype = option('coretype');

// ---- MLP ----------------------------------------------------------------------------------------------
async function benchMlp(): Promise<void> {
  const BATCH = 1024;
  const N_FORWARD = 10_000;
  const TRAIN_STEPS = 40;
  const FORWARD_CALLS = 20;
  const net = mlp();
  const g = rng(0);
  const params = initParams(net, g);
  // Two configurations of ONNX Runtime: the library default (idle threads sleep) and spinning threads.
  const trainBytes = toOnnx(buildTrainStep(net, BATCH));
  const forwardBytes = toOnnx(buildForward(net, N_FORWARD, params));
  const sessions = {
    sleep: { train: await nodeRuntime.createSession(trainBytes, { threads: THREADS }), forward: await nodeRuntime.createSession(forwardBytes, { threads: THREADS }) },
    spin: { train: await nodeRuntime.createSession(trainBytes, { threads: THREADS, spinning: true }), forward: await nodeRuntime.createSession(forwardBytes, { threads: THREADS, spinning: true }) },
  };
  type Mode = keyof typeof sessions;
  const f32 = (n: number, scale = 1) => Float32Array.from(g.normals(n), (v) => v * scale);
  const batch: Record<string, TensorData> = {
    z: { data: f32(BATCH * 2), dims: [BATCH, 2] },
    t: { data: Float32Array.from({ length: BATCH }, () => g.uniform()), dims: [BATCH, 1] },
    target: { data: f32(BATCH * 2), dims: [BATCH, 2] },
    weight: { data: new Float32Array(BATCH).fill(1), dims: [BATCH, 1] },
  };
  const state = freshState(net, params);
  const counter = { k: 0 };
  const forwardFeeds = { z: { data: f32(N_FORWARD * 2), dims: [N_FORWARD, 2] }, t: { data: new Float32Array(N_FORWARD).fill(0.5), dims: [N_FORWARD, 1] } };
  const oursTrain = (mode: Mode, steps: number) => trainSteps(sessions[mode].train, batch, state, counter, steps);
  const oursForward = (mode: Mode, calls: number) => forwardCalls(sessions[mode].forward, forwardFeeds, calls);

  const coretypeArgs = chosenCoretype ? ['--coretype', chosenCoretype] : [];
  const { peer, ready, info } = await startPeer('bench/torch_peer.py', [String(BATCH), '--threads', String(THREADS), ...coretypeArgs]);
  if (ready?.blas?.chosen) chosenCoretype = String(ready.blas.chosen);

  console.log(`\nMLP 18→256→256→256→2 (SiLU), ${THREADS} threads each; ${rounds} alternating rounds of ${TRAIN_STEPS} train steps (batch ${BATCH}) and ${FORWARD_CALLS} forwards of ${N_FORWARD} points`);
  console.log(`difflow: ${nodeRuntime.name}, one ONNX graph per train step; default (idle threads sleep) and with spinning threads`);
  console.log(info);
  for (const mode of ['sleep', 'spin'] as const) {
    await oursTrain(mode, 5);
    await oursForward(mode, 2);
  }
  if (peer) {
    await peerSeconds(peer, 'train 5');
    await peerSeconds(peer, `forward ${N_FORWARD} 2`);
  }
  const rates = { sleepTrain: [] as number[], spinTrain: [] as number[], torchTrain: [] as number[], sleepForward: [] as number[], spinForward: [] as number[], torchForward: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    rates.sleepTrain.push(TRAIN_STEPS / (await oursTrain('sleep', TRAIN_STEPS)));
    rates.spinTrain.push(TRAIN_STEPS / (await oursTrain('spin', TRAIN_STEPS)));
    if (peer) rates.torchTrain.push(TRAIN_STEPS / (await peerSeconds(peer, `train ${TRAIN_STEPS}`)));
    rates.sleepForward.push(FORWARD_CALLS / (await oursForward('sleep', FORWARD_CALLS)));
    rates.spinForward.push(FORWARD_CALLS / (await oursForward('spin', FORWARD_CALLS)));
    if (peer) rates.torchForward.push(FORWARD_CALLS / (await peerSeconds(peer, `forward ${N_FORWARD} ${FORWARD_CALLS}`)));
  }
  peer?.close();
  for (const { train, forward } of Object.values(sessions)) {
    await train.release();
    await forward.release();
  }

  const row = (what: string, sleep: number[], spin: number[], torch: number[], unit: string) => {
    const [a, b, c] = [median(sleep), median(spin), median(torch)];
    const ratio = (x: number) => (Number.isNaN(c) ? 'n/a' : `${(x / c).toFixed(2)}×`);
    return [what, `${a.toFixed(1)} ${unit}`, `${b.toFixed(1)} ${unit}`, Number.isNaN(c) ? 'n/a' : `${c.toFixed(1)} ${unit}`, ratio(a), ratio(b)];
  };
  console.log(formatTable(['workload', 'difflow (default)', 'difflow (spinning)', 'PyTorch CPU', 'ratio (default)', 'ratio (spinning)'], [
    row(`train step, batch ${BATCH}`, rates.sleepTrain, rates.spinTrain, rates.torchTrain, 'steps/s'),
    row(`forward, ${N_FORWARD} points`, rates.sleepForward, rates.spinForward, rates.torchForward, 'calls/s'),
  ], { markdown }));
}

// ---- the image models: class-conditional U-Net (the default) and DiT -------------------------------------
/** The image models `difflow train --data fashion-mnist [--model dit]` builds by default (src/train/config.ts MODEL_DEFAULTS, trainer.ts networkFor). */
const IMAGE_MODELS = {
  unet: { title: 'U-Net', make: () => unet({ classes: 10, channels: 32 }), describe: 'class-conditional U-Net, C = 32', trainSteps: 2, sampleCalls: 1 },
  dit: { title: 'DiT', make: () => dit({ classes: 10, width: 128, depth: 6 }), describe: 'class-conditional DiT, patch 4, width 128, 6 blocks', trainSteps: 5, sampleCalls: 3 },
} as const;
type ImageModel = keyof typeof IMAGE_MODELS;
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

async function benchImage(model: ImageModel): Promise<void> {
  const { title, make, describe, trainSteps: TRAIN_STEPS, sampleCalls: SAMPLE_CALLS } = IMAGE_MODELS[model];
  const net = make();
  const g = rng(0);
  const params = initParams(net, g);
  let started = performance.now();
  const train = await nodeRuntime.createSession(toOnnx(buildTrainStep(net, IMAGE_BATCH)), { threads: THREADS, blockedConvs: false });
  const sample = await nodeRuntime.createSession(toOnnx(buildForward(net, SAMPLE_BATCH, params)), { threads: THREADS });
  const compileSeconds = (performance.now() - started) / 1000;
  const batch = imageFeeds(net, IMAGE_BATCH, g, true);
  const sampleFeeds = imageFeeds(net, SAMPLE_BATCH, g, false);
  const state = freshState(net, params);
  const counter = { k: 0 };

  const peerArgs = ['--model', model, '--batch', String(IMAGE_BATCH), '--threads', String(THREADS), '--coretype', chosenCoretype ?? 'auto'];
  started = performance.now();
  const { peer, ready, info } = await startPeer('bench/torch_image_peer.py', peerArgs);
  const peerStart = (performance.now() - started) / 1000;

  console.log(`\n${title} (${describe}, ${parameterCount(net).toLocaleString('en')} parameters), ${THREADS} threads each; ${imageRounds} alternating rounds of ${TRAIN_STEPS} train steps (batch ${IMAGE_BATCH}; forward, MSE, backward, clip, AdamW, EMA) and ${SAMPLE_CALLS} sampling forward${SAMPLE_CALLS > 1 ? 's' : ''} (batch ${SAMPLE_BATCH})`);
  console.log(`difflow: ${nodeRuntime.name}, default session options (idle threads sleep); graphs compiled in ${compileSeconds.toFixed(1)} s`);
  console.log(ready ? `${info}; layout ${ready.layout}, mkldnn ${ready.mkldnn}, sampling ${ready.sample_mode} under inference_mode (${ready.params?.toLocaleString('en')} parameters; started in ${peerStart.toFixed(1)} s)` : info);
  if (ready && ready.params !== parameterCount(net)) throw new Error(`the PyTorch mirror has ${ready.params} parameters, difflow's ${title} ${parameterCount(net)}`);

  // Warm-up: ORT's first two runs of a session fault in fresh pages (U-Net: ~0.8 GB per train step, ~0.35 GB
  // per sampling call; measured 210k / 87k minor faults per run, then ~1k) before its memory pattern settles;
  // PyTorch's caches and its traced sampling graph.
  await trainSteps(train, batch, state, counter, 2);
  await forwardCalls(sample, sampleFeeds, 2);
  if (peer) {
    await peerSeconds(peer, 'train 1');
    await peerSeconds(peer, `forward ${SAMPLE_BATCH} 1`);
  }
  const rates = { oursTrain: [] as number[], torchTrain: [] as number[], oursSample: [] as number[], torchSample: [] as number[] };
  for (let r = 0; r < imageRounds; r++) {
    // Who goes first alternates too, so that a slow spell of the shared machine does not always hit one side.
    const ours = async () => {
      rates.oursTrain.push(TRAIN_STEPS / (await trainSteps(train, batch, state, counter, TRAIN_STEPS)));
      rates.oursSample.push(SAMPLE_CALLS / (await forwardCalls(sample, sampleFeeds, SAMPLE_CALLS)));
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
  await train.release();
  await sample.release();

  const spread = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : 'n/a');
  const row = (what: string, ours: number[], torch: number[], unit: string, perItem: number) => {
    const [a, c] = [median(ours), median(torch)];
    return [
      what, `${a.toFixed(2)} ${unit}`, `${(a * perItem).toFixed(0)}`, Number.isNaN(c) ? 'n/a' : `${c.toFixed(2)} ${unit}`, Number.isNaN(c) ? 'n/a' : `${(c * perItem).toFixed(0)}`,
      Number.isNaN(c) ? 'n/a' : `${(a / c).toFixed(2)}×`, `${spread(ours)} / ${spread(torch)}`,
    ];
  };
  console.log(formatTable(['workload', 'difflow', 'images/s', 'PyTorch CPU', 'images/s', 'ratio difflow/PyTorch', 'range difflow / PyTorch'], [
    row(`${title} train step, batch ${IMAGE_BATCH}`, rates.oursTrain, rates.torchTrain, 'steps/s', IMAGE_BATCH),
    row(`${title} sampling forward, batch ${SAMPLE_BATCH}`, rates.oursSample, rates.torchSample, 'calls/s', SAMPLE_BATCH),
  ], { markdown }));
}

// ---- ONNX Runtime's profile of the image graphs -------------------------------------------------------
interface ProfileEvent { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] } }

/** Runs `model` `runs` times (after two untimed runs) with ORT's profiler; per op type and per node: ms per run. */
async function profileModel(what: string, model: Uint8Array, feeds: () => Record<string, TensorData>, runs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'difflow-profile-'));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: THREADS, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } }, enableProfiling: true, profileFilePrefix: join(dir, 'ort'),
  });
  const toOrt = (f: Record<string, TensorData>) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
  for (let i = 0; i < runs + 2; i++) await session.run(toOrt(feeds()));
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error('ONNX Runtime wrote no profile');
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
  rmSync(dir, { recursive: true, force: true });
  const runStarts = events.filter((e) => e.name === 'model_run').map((e) => e.ts).sort((a, b) => a - b);
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
  console.log(`\nONNX Runtime profile: ${what}, ${runs} runs, ${THREADS} threads — ${runTotal.toFixed(0)} ms per run, ${kernelTotal.toFixed(0)} ms in kernels`);
  const types = [...byType.entries()].sort((a, b) => b[1].ms - a[1].ms);
  console.log(formatTable(['op type', 'nodes', 'ms/run', 'share'], types.slice(0, 12).map(([op, t]) => [op, t.count.toFixed(0), t.ms.toFixed(1), `${((100 * t.ms) / kernelTotal).toFixed(1)}%`]), { markdown }));
  const nodes = [...byNode.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  console.log(formatTable(['slowest nodes', 'op', 'inputs', 'ms/run'], nodes.map(([name, n]) => [name, n.op, n.shapes.slice(0, 70), n.ms.toFixed(1)]), { markdown }));
}

async function profileImage(): Promise<void> {
  const net = IMAGE_MODELS.unet.make();
  const g = rng(0);
  const params = initParams(net, g);
  const state = freshState(net, params);
  const batch = imageFeeds(net, IMAGE_BATCH, g, true);
  const trainFeeds = () => ({ ...batch, ...optimizerFeeds(state, 1, ADAMW) });
  await profileModel(`U-Net train step, batch ${IMAGE_BATCH}`, toOnnx(buildTrainStep(net, IMAGE_BATCH)), trainFeeds, 3);
  const sampleFeeds = imageFeeds(net, SAMPLE_BATCH, g, false);
  await profileModel(`U-Net sampling forward, batch ${SAMPLE_BATCH}`, toOnnx(buildForward(net, SAMPLE_BATCH, params)), () => sampleFeeds, 2);
}

const began = performance.now();
console.log(`bench/train — difflow vs PyTorch CPU, ${THREADS} threads each, alternating rounds, medians`);
if (runMlp) await benchMlp();
if (runUnet) await benchImage('unet');
if (runDit) await benchImage('dit');
if (profile) await profileImage();
console.log(`\n(${((performance.now() - began) / 1000).toFixed(0)} s)`);
