/**
 * The training worker: owns the Trainer (one ONNX training step per `step()`), samples with the current EMA
 * weights and exports the model, so that the page's UI thread only draws. ONNX Runtime calls never overlap:
 * training steps, sampling runs and exports take turns through `exclusive`, so a sample requested while
 * training runs between two steps. A stop request is seen after the step in flight.
 */
import { rng } from '../../../src/core/rng.js';
import { Trainer, type TrainState } from '../../../src/training/index.js';
import { messageOf, nextTask } from '../workerKit.js';
import { PREVIEW_POINTS, samplesChart, type FieldArrows } from './charts.js';
import { ForwardSessions, datasetFor, exportModel, sampleEma, trainConfig, velocityField } from './model.js';
import type { FromWorker, SampleRequest, ToWorker, TrainSettings } from './protocol.js';
import { checkerboardScore } from './quality.js';
import { trainingRuntime } from './runtime.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

interface Run {
  trainer: Trainer;
  /** The run's training state, replaced by each step's result. */
  state: TrainState;
  readonly sessions: ForwardSessions;
  /** Data points [n·2] drawn under the samples. */
  readonly preview: Float64Array;
  readonly generation: number;
  target: number;
  stop: boolean;
  loop: Promise<void> | undefined;
}

let run: Run | undefined;
/** Incremented by every start; a stop cancels the run of the current generation, even one still compiling. */
let generation = 0;
let stoppedGeneration = -1;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

let tail: Promise<unknown> = Promise.resolve();
/** Runs `fn` after every ONNX Runtime job queued before it. */
function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
  const result = tail.then(fn);
  tail = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

/** Steps per second over the last second or so. */
class Rate {
  private readonly marks: { time: number; step: number }[] = [];
  add(time: number, step: number): number {
    this.marks.push({ time, step });
    while (this.marks.length > 2 && time - this.marks[1].time >= 1000) this.marks.shift();
    const first = this.marks[0];
    return time > first.time ? ((step - first.step) * 1000) / (time - first.time) : 0;
  }
}

async function trainLoop(r: Run): Promise<void> {
  const rate = new Rate();
  rate.add(performance.now(), r.state.step);
  let pending: number[] = [];
  let lastPost = performance.now();
  let stepsPerSecond = 0;
  const flush = () => {
    post({ type: 'progress', step: r.state.step, losses: Float64Array.from(pending), stepsPerSecond });
    pending = [];
    lastPost = performance.now();
  };
  let reason: 'done' | 'stopped' | 'error' = 'done';
  try {
    while (r.state.step < r.target) {
      if (r.stop) {
        reason = 'stopped';
        break;
      }
      const { state, loss } = await exclusive(() => r.trainer.step(r.state));
      r.state = state;
      pending.push(loss);
      const now = performance.now();
      stepsPerSecond = rate.add(now, state.step);
      if (now - lastPost >= 100) flush();
      await nextTask();
    }
  } catch (e) {
    reason = 'error';
    post({ type: 'error', message: messageOf(e) });
  }
  flush();
  post({ type: 'stopped', step: r.state.step, reason });
}

async function start(settings: TrainSettings, points: Float64Array | undefined, mine: number): Promise<void> {
  if (run) {
    run.stop = true;
    await run.loop;
    const old = run;
    run = undefined;
    await exclusive(async () => {
      await old.sessions.release();
      await old.trainer.release();
    });
  }
  try {
    const { runtime, threads } = trainingRuntime();
    const config = trainConfig(settings, threads);
    const dataset = datasetFor(settings, points);
    const trainer = await exclusive(() => Trainer.create(config, runtime, dataset));
    const state = trainer.freshState();
    const preview = settings.data === 'draw' && points ? points : dataset.sample(PREVIEW_POINTS, rng(0));
    run = {
      trainer,
      state,
      sessions: new ForwardSessions(trainer.net, runtime, threads),
      preview,
      generation: mine,
      target: config.steps,
      stop: stoppedGeneration === mine,
      loop: undefined,
    };
    post({ type: 'started', runtime: runtime.name, threads, parameters: state.params.length, target: config.steps });
    run.loop = trainLoop(run);
  } catch (e) {
    post({ type: 'error', message: messageOf(e) });
    post({ type: 'stopped', step: 0, reason: 'error' });
  }
}

async function resume(steps: number): Promise<void> {
  const r = run;
  if (!r) {
    post({ type: 'error', message: 'no model yet: press Train first' });
    post({ type: 'stopped', step: 0, reason: 'error' });
    return;
  }
  await r.loop;
  r.target = r.state.step + steps;
  r.stop = false;
  const { runtime, threads } = trainingRuntime();
  if (r.trainer.config.lrSchedule !== 'constant') {
    // A decaying learning rate reached 0 at the old end: stretch it over the new length, as `difflow train
    // --resume --steps` does (the state, generator included, carries over).
    const old = r.trainer;
    r.trainer = await exclusive(async () => {
      const next = await Trainer.create({ ...old.config, steps: r.target }, runtime, old.dataset);
      await old.release();
      return next;
    });
  }
  post({ type: 'started', runtime: runtime.name, threads, parameters: r.state.params.length, target: r.target });
  r.loop = trainLoop(r);
}

/** A sample or export request, queued behind the ONNX Runtime job in flight. */
async function job(message: Extract<ToWorker, { type: 'sample' | 'export' }>): Promise<void> {
  switch (message.type) {
    case 'sample': {
      const r = run;
      if (!r) return post({ type: 'error', id: message.id, message: 'no model yet: press Train first' });
      try {
        const started = performance.now();
        const { request } = message;
        const { samples, step, field } = await exclusive(async () => {
          const { state } = r;
          const arrows = request.field > 0 ? await velocityField(r.trainer, state, r.sessions, request.field) : undefined;
          // Arrows point the way a sampler moves a point: backwards in time, −dz/dt.
          const field: FieldArrows | undefined = arrows && {
            t: request.field,
            points: arrows.points,
            direction: arrows.velocity.map((v) => -v),
          };
          return { step: state.step, samples: await sampleEma(r.trainer, state, r.sessions, request), field };
        });
        const seconds = (performance.now() - started) / 1000;
        const score =
          r.trainer.config.data === 'checkerboard' ? ` · ${(100 * checkerboardScore(samples)).toFixed(0)} % on the squares` : '';
        const title = `${request.sampler}, ${request.steps} steps · model at step ${step}${score}`;
        const svg = samplesChart(r.preview, samples, title, request.width, field);
        post({ type: 'samples', id: message.id, step, samples, svg, seconds, request }, [samples.buffer]);
      } catch (e) {
        post({ type: 'error', id: message.id, message: messageOf(e) });
      }
      return;
    }
    case 'export': {
      const r = run;
      if (!r) return post({ type: 'error', id: message.id, message: 'no model yet: press Train first' });
      try {
        const { bytes, filename } = await exclusive(() => exportModel(r.trainer, r.state, message.format));
        post({ type: 'exported', id: message.id, bytes, filename }, [bytes.buffer]);
      } catch (e) {
        post({ type: 'error', id: message.id, message: messageOf(e) });
      }
    }
  }
}

/**
 * The warm-up trains this long at most. Measured in Chromium on 2 cores: the optimising compiler works for
 * ~4 s (~3.5 s of CPU on background threads) after the first steps; with 2.5 s of warm-up a run started
 * right after it still compiled for ~1 s, and on a loaded machine the page's frames then waited for a core
 * (main-thread tasks of 50–85 ms for ~10 ms of work).
 */
const WARM_MS = 5000;

/**
 * Starts ONNX Runtime ahead of the first run: downloads and compiles its WebAssembly, then trains and samples
 * the model the panel's controls describe, through the same kernels at the same sizes, for up to WARM_MS. The
 * browser compiles WebAssembly in two tiers: a fast baseline first, then the functions that run hot again with
 * its optimising compiler, on background threads, for the first seconds of use. Done here, that work neither
 * slows the first steps of the user's run nor competes with the page for a core while it trains.
 */
async function warm(settings: TrainSettings, sample: SampleRequest): Promise<void> {
  // A start (generation > 0) ends the warm-up at its next step: the user's run comes first.
  const startRequested = () => generation > 0;
  try {
    if (startRequested()) return;
    const { runtime, threads } = trainingRuntime();
    const like: TrainSettings = { ...settings, data: settings.data === 'draw' ? 'moons' : settings.data, steps: 1_000_000 };
    const create = () => Trainer.create(trainConfig(like, threads), runtime, datasetFor(like, undefined));
    // Session creation (graph parsing and optimisation) runs once per run: a few rounds make it hot as well.
    for (let i = 0; i < 3 && !startRequested(); i++) {
      const once = await create();
      await once.step(once.freshState());
      await once.release();
    }
    const trainer = await create();
    let state = trainer.freshState();
    const sessions = new ForwardSessions(trainer.net, runtime, threads);
    try {
      const until = performance.now() + WARM_MS;
      let sampled = false;
      while (!startRequested() && performance.now() < until) {
        ({ state } = await trainer.step(state));
        if (!sampled && performance.now() > until - WARM_MS / 2) {
          await sampleEma(trainer, state, sessions, sample);
          sampled = true;
        }
        await nextTask();
      }
    } finally {
      await sessions.release();
      await trainer.release();
    }
  } finally {
    post({ type: 'ready' });
  }
}

/** Control messages (start, continue) run in order; stop takes effect at once; sampling and export queue for ONNX Runtime. */
let control: Promise<void> = Promise.resolve();

// ONNX Runtime's multi-threaded build starts its threads from the script that holds it (this bundle, after a
// Vite build): those workers are named 'em-pthread…' and must not act as a training worker.
if (!scope.name.startsWith('em-pthread')) {
  scope.addEventListener('message', (event: MessageEvent<ToWorker>) => {
    const message = event.data;
    if (message.type === 'stop') {
      stoppedGeneration = generation;
      if (run) run.stop = true;
    } else if (message.type === 'start') {
      const mine = ++generation;
      control = control.then(() => start(message.settings, message.points, mine));
    } else if (message.type === 'warm') {
      control = control
        .then(() => exclusive(() => warm(message.settings, message.sample)))
        .catch((e: unknown) => post({ type: 'error', message: messageOf(e) }));
    } else if (message.type === 'continue') {
      control = control.then(() => resume(message.steps));
    } else {
      void job(message);
    }
  });
}
