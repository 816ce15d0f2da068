/** Compiling an optimiser-step graph (engine/optimizer.ts) into a session of a runtime. */
import type { Graph } from './graph.js';
import { toOnnx } from './onnx.js';
import type { Runtime, RuntimeOptions, Session, Spinning } from './runtime.js';

/**
 * A training-step graph compiled for `runtime`: convolutions through its blocked kernels where it has them
 * (`Runtime.convBlock`; U-Net step, batch 64, 2 threads: 14–21 % faster, A/B in one process), and ONNX
 * Runtime's own NCHWc rewrite off (`blockedConvs: false`: in a training step it only catches the constant
 * im2col patch convolutions of the filter gradients, and slows them).
 */
export async function trainStepSession(
  runtime: Runtime,
  step: Graph,
  options: { name?: string; threads?: number; spinning?: Spinning } = {},
): Promise<Session> {
  const { model, options: runtimeOptions } = await trainStepModel(runtime, step, options.name);
  return runtime.createSession(model, { ...runtimeOptions, threads: options.threads, spinning: options.spinning });
}

/** trainStepSession's ONNX model and runtime options, for callers that make the session themselves (a profiler). */
export async function trainStepModel(
  runtime: Runtime,
  step: Graph,
  name?: string,
): Promise<{ model: Uint8Array; options: RuntimeOptions }> {
  const convBlock = await runtime.convBlock?.();
  return { model: toOnnx(step, { name, convBlock }), options: { blockedConvs: false } };
}
