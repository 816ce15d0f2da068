/**
 * bench/torchBackend: `difflow train` on the ONNX backend next to `--backend torch` with 1 and 2 processes
 * (torchrun, gloo, CPU), same recipe, model, batch and seed, THREADS cores in all (torch: THREADS/N threads per
 * process). Whole runs through the real entry points (trainRun, torchRun), batches drawn by each backend;
 * steps/s is the training loop's own rate at its last step (start-up — compiling the ONNX graph, launching
 * torchrun, importing torch — is left out and reported separately as the run's wall time).
 *   npm run bench -- --only torch-backend [--mlp-steps 300 --unet-steps 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../src/cli/table.js';
import { nodeRuntime } from '../src/engine/ortNode.js';
import { trainRun, type Progress } from '../src/node/loop.js';
import { torchRun } from '../src/node/torchBackend.js';
import { THREADS, python } from './common.js';

type Backend = { name: string; nproc?: number };
const BACKENDS: readonly Backend[] = [{ name: 'onnx' }, { name: 'torch', nproc: 1 }, { name: 'torch', nproc: 2 }];

/** One run; returns the loop's steps/s at its last step and the run's wall-clock seconds. */
async function timeRun(backend: Backend, config: Record<string, unknown>): Promise<{ rate: number; wall: number }> {
  const runDir = mkdtempSync(join(tmpdir(), 'difflow-bench-torch-'));
  let last: Progress | undefined;
  const started = performance.now();
  try {
    const onProgress = (p: Progress) => (last = p);
    if (backend.nproc === undefined) await trainRun({ runDir, config: { ...config, threads: THREADS }, runtime: nodeRuntime, onProgress });
    else {
      const threads = Math.max(1, Math.floor(THREADS / backend.nproc));
      await torchRun({
        runDir,
        config: { ...config, threads },
        torch: { nproc: backend.nproc, nnodes: 1, device: 'cpu', python },
        onProgress,
      });
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
  return { rate: last?.stepsPerSecond ?? NaN, wall: (performance.now() - started) / 1000 };
}

/** The table of steps/s per backend for the default MLP (batch 1024) and the default U-Net (batch 64). */
export async function benchTorchBackend(o: { mlpSteps: number; unetSteps: number; markdown: boolean }): Promise<void> {
  const models = [
    { what: 'MLP 18→256×3→2, moons, batch 1024', config: { data: 'moons', steps: o.mlpSteps } },
    { what: 'U-Net C = 32, Fashion-MNIST, batch 64', config: { data: 'fashion-mnist', steps: o.unetSteps } },
  ];
  console.log(`\ntorch backend vs ONNX backend: whole \`difflow train\` runs, ${THREADS} cores in all, CPU (no GPU)`);
  const rows: string[][] = [];
  for (const { what, config } of models) {
    for (const backend of BACKENDS) {
      const { rate, wall } = await timeRun(backend, { ...config, seed: 0, checkpointEvery: 100_000 });
      const label =
        backend.nproc === undefined
          ? `ONNX, ${THREADS} threads`
          : `torch, ${backend.nproc} × ${Math.max(1, Math.floor(THREADS / backend.nproc))} thread(s)`;
      rows.push([what, label, `${rate.toFixed(rate < 10 ? 2 : 1)} steps/s`, `${wall.toFixed(1)} s`]);
    }
  }
  console.log(formatTable(['model', 'backend', 'training loop', 'whole run (with start-up)'], rows, { markdown: o.markdown }));
}
