/** The Runtime over onnxruntime-node (Node only). */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { Builder } from './builder.js';
import { toOnnx } from './onnx.js';
import type { Runtime, RuntimeOptions, Session } from './runtime.js';
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
  const feeds = { x: new ort.Tensor('float32', values(2 * C * 25, 1), [2, C, 5, 5]), w: new ort.Tensor('float32', values(C * C * 9, 2), [C, C, 3, 3]) };
  const run = async (convBlock?: number) => {
    const session = await ort.InferenceSession.create(toOnnx(g, { convBlock }), { intraOpNumThreads: 1, logSeverityLevel: 4 }); // a build without the kernels fails quietly
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

/** onnxruntime-node's session options for difflow's RuntimeOptions (the benchmark's profiler adds its own). */
export function ortSessionOptions(options: RuntimeOptions = {}): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: {
      session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } },
      ...(options.blockedConvs === false ? { optimization: { disable_specified_optimizers: 'NchwcTransformer' } } : {}),
    },
  };
}

export const nodeRuntime: Runtime = {
  name: `onnxruntime-node ${ort.env.versions.node ?? ''}`.trim(),
  async createSession(model: Uint8Array, options: RuntimeOptions = {}): Promise<Session> {
    return wrapSession(await ort.InferenceSession.create(model, ortSessionOptions(options)), ort.Tensor);
  },
  convBlock() {
    convBlockProbe ??= probeConvBlock();
    return convBlockProbe;
  },
};
