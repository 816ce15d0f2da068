/**
 * bench/train: difflow (one ONNX train-step graph in onnxruntime-node) vs PyTorch CPU (Debian python3-torch,
 * BLAS kernel chosen by bench/torch_peer.py) on the same MLP 18→256×3→2: a training step at batch 1024
 * (forward, loss, backward, clipping, AdamW, EMA) and a forward pass on 10,000 points. Both at 2 threads, in
 * one time window with alternating rounds; prints medians per round and ratios. Installs nothing.
 *   npm run bench [-- --rounds 7 --markdown]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { rng } from '../src/core/index.js';
import { toOnnx } from '../src/engine/onnx.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import type { TensorData } from '../src/engine/runtime.js';
import { adamScalars, buildForward, buildTrainStep, emaDecayAt, flatten } from '../src/engine/trainStep.js';
import { mlp } from '../src/models/mlp.js';
import { initParams } from '../src/models/network.js';
import { formatTable } from '../src/cli/table.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const rounds = flag('rounds', 7);
const markdown = args.includes('--markdown');
const THREADS = 2;
const BATCH = 1024;
const N_FORWARD = 10_000;
const TRAIN_STEPS = 40;
const FORWARD_CALLS = 20;

// ---- difflow side ---------------------------------------------------------------------------------
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
const flat = flatten(net, params);
const P = flat.length;
const state: Record<string, Float32Array> = { params: flat.slice(), m: new Float32Array(P), v: new Float32Array(P), ema: flat.slice() };
let k = 0;
async function oursTrain(mode: Mode, steps: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    k++;
    const s = adamScalars(k, 1e-3, 1e-8, 0);
    const feeds: Record<string, TensorData> = {
      ...batch,
      stepSize: { data: Float32Array.of(s.stepSize), dims: [] }, epsHat: { data: Float32Array.of(s.epsHat), dims: [] },
      decay: { data: Float32Array.of(s.decay), dims: [] }, emaDecay: { data: Float32Array.of(emaDecayAt(k)), dims: [] },
    };
    for (const name of ['params', 'm', 'v', 'ema']) feeds[name] = { data: state[name], dims: [P] };
    const out = await sessions[mode].train.run(feeds);
    for (const name of ['params', 'm', 'v', 'ema']) state[name] = out[`new.${name}`].data;
  }
  return (performance.now() - started) / 1000;
}
const zForward = f32(N_FORWARD * 2);
const tForward = new Float32Array(N_FORWARD).fill(0.5);
async function oursForward(mode: Mode, calls: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await sessions[mode].forward.run({ z: { data: zForward, dims: [N_FORWARD, 2] }, t: { data: tForward, dims: [N_FORWARD, 1] } });
  return (performance.now() - started) / 1000;
}

// ---- PyTorch side ---------------------------------------------------------------------------------
const python = '/usr/bin/python3';
type Reply = { ready?: boolean; missing?: string; torch?: string; blas?: Record<string, unknown>; threads?: number; seconds?: number; error?: string };
let peer: { send(cmd: string): Promise<Reply>; close(): void } | undefined;
let peerInfo = 'PyTorch: not available';
if (!existsSync(python)) {
  peerInfo = `PyTorch: ${python} not found (apt-get install python3 python3-torch libopenblas0-pthread)`;
} else {
  const child = spawn(python, ['bench/torch_peer.py', String(BATCH), '--threads', String(THREADS)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  const lines = createInterface({ input: child.stdout });
  const queue: ((r: Reply) => void)[] = [];
  const first = new Promise<Reply>((resolve) => queue.push(resolve));
  lines.on('line', (line) => queue.shift()?.(JSON.parse(line) as Reply));
  const ready = await first;
  if (ready.ready) {
    peerInfo = `PyTorch ${ready.torch}, ${ready.threads} threads, BLAS ${JSON.stringify(ready.blas)}`;
    peer = {
      send: (cmd) => new Promise<Reply>((resolve) => {
        queue.push(resolve);
        child.stdin.write(`${cmd}\n`);
      }),
      close: () => child.stdin.end('quit\n'),
    };
  } else {
    peerInfo = `PyTorch missing: ${ready.missing}`;
    child.kill();
  }
}

// ---- alternating rounds ---------------------------------------------------------------------------
console.log(`bench/train — MLP 18→256→256→256→2 (SiLU), ${THREADS} threads each; ${rounds} alternating rounds of ${TRAIN_STEPS} train steps (batch ${BATCH}) and ${FORWARD_CALLS} forwards of ${N_FORWARD} points`);
console.log(`difflow: ${nodeRuntime.name}, one ONNX graph per train step; default (idle threads sleep) and with spinning threads`);
console.log(peerInfo);
for (const mode of ['sleep', 'spin'] as const) {
  await oursTrain(mode, 5);
  await oursForward(mode, 2);
}
if (peer) {
  await peer.send('train 5');
  await peer.send(`forward ${N_FORWARD} 2`);
}
const rates = { sleepTrain: [] as number[], spinTrain: [] as number[], torchTrain: [] as number[], sleepForward: [] as number[], spinForward: [] as number[], torchForward: [] as number[] };
for (let r = 0; r < rounds; r++) {
  rates.sleepTrain.push(TRAIN_STEPS / (await oursTrain('sleep', TRAIN_STEPS)));
  rates.spinTrain.push(TRAIN_STEPS / (await oursTrain('spin', TRAIN_STEPS)));
  if (peer) {
    const reply = await peer.send(`train ${TRAIN_STEPS}`);
    if (reply.error) throw new Error(reply.error);
    rates.torchTrain.push(TRAIN_STEPS / (reply.seconds as number));
  }
  rates.sleepForward.push(FORWARD_CALLS / (await oursForward('sleep', FORWARD_CALLS)));
  rates.spinForward.push(FORWARD_CALLS / (await oursForward('spin', FORWARD_CALLS)));
  if (peer) rates.torchForward.push(FORWARD_CALLS / ((await peer.send(`forward ${N_FORWARD} ${FORWARD_CALLS}`)).seconds as number));
}
peer?.close();
for (const { train, forward } of Object.values(sessions)) {
  await train.release();
  await forward.release();
}

const median = (xs: number[]) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const row = (what: string, sleep: number[], spin: number[], torch: number[], unit: string) => {
  const [a, b, c] = [median(sleep), median(spin), median(torch)];
  const ratio = (x: number) => (Number.isNaN(c) ? 'n/a' : `${(x / c).toFixed(2)}×`);
  return [what, `${a.toFixed(1)} ${unit}`, `${b.toFixed(1)} ${unit}`, Number.isNaN(c) ? 'n/a' : `${c.toFixed(1)} ${unit}`, ratio(a), ratio(b)];
};
console.log(formatTable(['workload', 'difflow (default)', 'difflow (spinning)', 'PyTorch CPU', 'ratio (default)', 'ratio (spinning)'], [
  row(`train step, batch ${BATCH}`, rates.sleepTrain, rates.spinTrain, rates.torchTrain, 'steps/s'),
  row(`forward, ${N_FORWARD} points`, rates.sleepForward, rates.spinForward, rates.torchForward, 'calls/s'),
], { markdown }));
