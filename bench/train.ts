/**
 * bench/train: difflow (one ONNX train-step graph in onnxruntime-node) vs PyTorch CPU (Debian python3-torch,
 * BLAS kernel chosen by bench/torch_peer.py), both at 2 threads, in one time window with alternating rounds;
 * prints medians per round and ratios. Installs nothing.
 *   - MLP 18→256×3→2: a training step at batch 1024 (forward, loss, backward, clipping, AdamW, EMA) and a
 *     forward pass on 10,000 points (peer: bench/torch_peer.py).
 *   - The image models, the default class-conditional U-Net (C = 32) and the DiT (width 128, 6 blocks): a
 *     training step at batch 64 and a sampling forward at batch 256 (peer: bench/torch_image_peer.py, their
 *     PyTorch mirrors; parity in src/models/torch_parity.test.ts) — bench/image.ts. Shared: bench/common.ts.
 *   - Only when asked (`--only torch-backend`): whole runs on the ONNX backend and on `--backend torch` with 1
 *     and 2 processes (bench/torchBackend.ts).
 *   npm run bench [-- --only mlp|image|unet|dit|torch-backend --rounds 7 --image-rounds 5 --profile --markdown --coretype NAME]
 * --profile adds ONNX Runtime's per-op profile of the U-Net train step and sampling forward.
 */
import { formatTable } from '../src/cli/table.js';
import { rng } from '../src/core/index.js';
import { toOnnx } from '../src/engine/onnx.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import type { TensorData } from '../src/engine/runtime.js';
import { buildForward, buildTrainStep } from '../src/models/denoiserGraph.js';
import { mlp } from '../src/models/mlp.js';
import { initParams } from '../src/models/network.js';
import { THREADS, forwardCalls, freshState, median, peerSeconds, startPeer, trainSteps } from './common.js';
import { benchImage, profileImage } from './image.js';
import { benchTorchBackend } from './torchBackend.js';
import { numberArg, refuse, scriptArgs } from '../scripts/args.js';

const ONLY = ['mlp', 'image', 'unet', 'dit', 'torch-backend'];
const { values: args } = scriptArgs(
  'npm run bench [-- --only mlp|image|unet|dit|torch-backend --rounds 7 --image-rounds ' +
    '5 --mlp-steps 300 --unet-steps 20 --profile --markdown --coretype NAME]',
  {
    only: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    'image-rounds': { type: 'string', default: '5' },
    'mlp-steps': { type: 'string', default: '300' },
    'unet-steps': { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    coretype: { type: 'string' },
  },
);
const flag = (name: 'rounds' | 'image-rounds' | 'mlp-steps' | 'unet-steps') => numberArg(name, args[name]);
const rounds = flag('rounds');
const imageRounds = flag('image-rounds');
const markdown = args.markdown;
const only = args.only;
if (only !== undefined && !ONLY.includes(only))
  refuse(`--only takes mlp, image (U-Net and DiT), unet, dit or torch-backend; got '${only}'`);
const runMlp = only === undefined || only === 'mlp';
const runUnet = only === undefined || only === 'image' || only === 'unet';
const runDit = only === undefined || only === 'image' || only === 'dit';
const profile = args.profile;

let chosenCoretype = args.coretype;

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
    sleep: {
      train: await nodeRuntime.createSession(trainBytes, { threads: THREADS }),
      forward: await nodeRuntime.createSession(forwardBytes, { threads: THREADS }),
    },
    spin: {
      train: await nodeRuntime.createSession(trainBytes, { threads: THREADS, spinning: true }),
      forward: await nodeRuntime.createSession(forwardBytes, { threads: THREADS, spinning: true }),
    },
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
  const forwardFeeds = {
    z: { data: f32(N_FORWARD * 2), dims: [N_FORWARD, 2] },
    t: { data: new Float32Array(N_FORWARD).fill(0.5), dims: [N_FORWARD, 1] },
  };
  const oursTrain = (mode: Mode, steps: number) => trainSteps(sessions[mode].train, batch, state, counter, steps);
  const oursForward = (mode: Mode, calls: number) => forwardCalls(sessions[mode].forward, forwardFeeds, calls);

  const coretypeArgs = chosenCoretype ? ['--coretype', chosenCoretype] : [];
  const { peer, ready, info } = await startPeer('bench/torch_peer.py', [String(BATCH), '--threads', String(THREADS), ...coretypeArgs]);
  if (ready?.blas?.chosen) chosenCoretype = String(ready.blas.chosen);

  console.log(
    `\nMLP 18→256→256→256→2 (SiLU), ${THREADS} threads each; ${rounds} alternating rounds of ` +
      `${TRAIN_STEPS} train steps (batch ${BATCH}) and ${FORWARD_CALLS} forwards of ${N_FORWARD} points`,
  );
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
  const rates = {
    sleepTrain: [] as number[],
    spinTrain: [] as number[],
    torchTrain: [] as number[],
    sleepForward: [] as number[],
    spinForward: [] as number[],
    torchForward: [] as number[],
  };
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
    return [
      what,
      `${a.toFixed(1)} ${unit}`,
      `${b.toFixed(1)} ${unit}`,
      Number.isNaN(c) ? 'n/a' : `${c.toFixed(1)} ${unit}`,
      ratio(a),
      ratio(b),
    ];
  };
  console.log(
    formatTable(
      ['workload', 'difflow (default)', 'difflow (spinning)', 'PyTorch CPU', 'ratio (default)', 'ratio (spinning)'],
      [
        row(`train step, batch ${BATCH}`, rates.sleepTrain, rates.spinTrain, rates.torchTrain, 'steps/s'),
        row(`forward, ${N_FORWARD} points`, rates.sleepForward, rates.spinForward, rates.torchForward, 'calls/s'),
      ],
      { markdown },
    ),
  );
}

const began = performance.now();
console.log(`bench/train — difflow vs PyTorch CPU, ${THREADS} threads each, alternating rounds, medians`);
if (runMlp) await benchMlp();
if (runUnet) await benchImage('unet', { rounds: imageRounds, markdown, coretype: chosenCoretype });
if (runDit) await benchImage('dit', { rounds: imageRounds, markdown, coretype: chosenCoretype });
if (profile) await profileImage(markdown);
if (only === 'torch-backend') await benchTorchBackend({ mlpSteps: flag('mlp-steps'), unetSteps: flag('unet-steps'), markdown });
console.log(`\n(${((performance.now() - began) / 1000).toFixed(0)} s)`);
