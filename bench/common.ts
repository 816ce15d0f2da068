/**
 * What the benchmarks share: the PyTorch peer processes (one JSON line per command on stdin/stdout), timing
 * loops over difflow's sessions, and the optimiser settings both sides use.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Session, TensorData } from '../src/engine/runtime.js';
import { flatten } from '../src/engine/params.js';
import { optimizerFeeds, takeOptimizerOutputs, type OptimizerState } from '../src/engine/optimizer.js';
import type { Network } from '../src/models/network.js';

/** Threads on each side. */
export const THREADS = 2;
export const median = (xs: number[]) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

// ---- PyTorch peers (one JSON line per command) -----------------------------------------------------
export const python = '/usr/bin/python3';
export type Reply = {
  ready?: boolean;
  missing?: string;
  torch?: string;
  blas?: Record<string, unknown>;
  threads?: number;
  seconds?: number;
  error?: string;
  layout?: string;
  mkldnn?: boolean;
  sample_mode?: string;
  params?: number;
};
export interface Peer {
  send(cmd: string): Promise<Reply>;
  close(): void;
}

export async function startPeer(script: string, peerArgs: string[]): Promise<{ peer?: Peer; ready?: Reply; info: string }> {
  if (!existsSync(python)) return { info: `PyTorch: ${python} not found (apt-get install python3 python3-torch libopenblas0-pthread)` };
  const child = spawn(python, [script, ...peerArgs], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
  });
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
    send: (cmd) =>
      new Promise<Reply>((resolve) => {
        queue.push(resolve);
        child.stdin.write(`${cmd}\n`);
      }),
    close: () => child.stdin.end('quit\n'),
  };
  return { peer, ready, info: `PyTorch ${ready.torch}, ${ready.threads} threads, BLAS ${JSON.stringify(ready.blas)}` };
}

export async function peerSeconds(peer: Peer, cmd: string): Promise<number> {
  const reply = await peer.send(cmd);
  if (reply.error || reply.seconds === undefined) throw new Error(`PyTorch peer: ${reply.error ?? 'no timing'} (${cmd})`);
  return reply.seconds;
}

/** Runs a train-step session `steps` times from `state`, updating it; returns the seconds taken. */
export async function trainSteps(
  session: Session,
  batch: Record<string, TensorData>,
  state: OptimizerState,
  counter: { k: number },
  steps: number,
): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    counter.k++;
    const out = await session.run({ ...batch, ...optimizerFeeds(state, counter.k, ADAMW) });
    takeOptimizerOutputs(state, out);
  }
  return (performance.now() - started) / 1000;
}

export async function forwardCalls(session: Session, feeds: Record<string, TensorData>, calls: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await session.run(feeds);
  return (performance.now() - started) / 1000;
}

/** The AdamW settings both sides of the benchmark use. */
export const ADAMW = { lr: 1e-3, eps: 1e-8, weightDecay: 0, emaDecay: 0.999 };

export const freshState = (net: Network, params: Record<string, Float32Array>): OptimizerState => {
  const flat = flatten(net, params);
  return { params: flat.slice(), m: new Float32Array(flat.length), v: new Float32Array(flat.length), ema: flat.slice() };
};
