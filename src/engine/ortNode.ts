/** The Runtime over onnxruntime-node (Node only). */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Builder } from './builder.js';
import { toOnnx } from './onnx.js';
import type { Runtime, RuntimeOptions, Session, Spinning } from './runtime.js';
import { wrapSession } from './ortSession.js';

/**
 * Which channel block makes ONNX Runtime's NCHWc convolutions agree with its plain one here: 16 with AVX-512,
 * 8 with AVX2 (MLAS's choice, which the API does not report), undefined without them. One 16 → 16 channel 3×3
 * convolution per candidate, each block's layout written into the graph by toOnnx: a wrong block scrambles
 * the channels and shows as a mismatch.
 */
async function probeConvBlock(): Promise<number | undefined> {
  const g = new Builder();
  const C = 16;
  const x = g.input('x', [2, C, 5, 5]);
  const w = g.input('w', [C, C, 3, 3]);
  g.output('y', g.conv(x, w, { pad: 1 }));
  // Deterministic, distinct values (no rng import: keeps this module's dependencies small).
  const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
  const feeds = {
    x: new ort.Tensor('float32', values(2 * C * 25, 1), [2, C, 5, 5]),
    w: new ort.Tensor('float32', values(C * C * 9, 2), [C, C, 3, 3]),
  };
  const run = async (convBlock?: number) => {
    // A build without the kernels fails quietly.
    const session = await ort.InferenceSession.create(toOnnx(g, { convBlock }), { intraOpNumThreads: 1, logSeverityLevel: 4 });
    try {
      return (await session.run(feeds)).y.data as Float32Array;
    } finally {
      await session.release();
    }
  };
  const plain = await run();
  for (const block of [16, 8]) {
    try {
      const y = await run(block);
      if (y.every((v, i) => Math.abs(v - plain[i]) <= 1e-4 * (1 + Math.abs(plain[i])))) return block;
    } catch {
      // no NCHWc kernels in this build or on this CPU
    }
  }
  return undefined;
}

let convBlockProbe: Promise<number | undefined> | undefined;

/**
 * Whether spinning threads would have the cores to themselves: the other runnable threads seen in `samples`
 * (on average) fit in the cores that `threads` leave free, with half a thread of slack.
 */
export function spinningFits(samples: readonly number[], cores: number, threads: number): boolean {
  const others = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return others <= cores - threads + 0.5;
}

/**
 * 'auto' spinning decided now: five looks at the runnable threads in /proc/loadavg over ~100 ms (less the one
 * reading it). Without /proc (not Linux): no spinning.
 */
export async function resolveSpinning(spinning: Spinning | undefined, threads = availableParallelism()): Promise<boolean> {
  if (spinning !== 'auto') return spinning === true;
  const samples: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 25));
      samples.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3].split('/')[0]) - 1);
    }
  } catch {
    return false;
  }
  return spinningFits(samples, availableParallelism(), threads);
}

/**
 * onnxruntime-node's session options for difflow's RuntimeOptions (the benchmark's profiler adds its own);
 * `spinning` as resolved by resolveSpinning.
 */
export function ortSessionOptions(options: RuntimeOptions & { readonly spinning?: boolean } = {}): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: {
      // Spinning workers stop when a run ends (force_spinning_stop): they spin between a run's ops, not while
      // the caller prepares the next run.
      session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' }, ...(options.spinning ? { force_spinning_stop: '1' } : {}) },
      ...(options.blockedConvs === false ? { optimization: { disable_specified_optimizers: 'NchwcTransformer' } } : {}),
    },
  };
}

export const nodeRuntime: Runtime = {
  name: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
  async createSession(model: Uint8Array, options: RuntimeOptions = {}): Promise<Session> {
    const spinning = await resolveSpinning(options.spinning, options.threads);
    return wrapSession(await ort.InferenceSession.create(model, ortSessionOptions({ ...options, spinning })), ort.Tensor);
  },
  convBlock() {
    convBlockProbe ??= probeConvBlock();
    return convBlockProbe;
  },
};
