/**
 * Real images, live: the shipped Fashion-MNIST U-Net sampled in a worker with any sampler of the core; the
 * ten z_t form step by step with the network's guess x̂ under each. ONNX Runtime and the model load on the
 * first interaction with the panel; every control change then samples again (the newest request wins).
 */
import { SAMPLER_NAMES, samplersReading, type SamplerName } from '../../../src/core/samplers/registry.js';
import { FASHION_MNIST_CLASSES } from '../../../src/data/fashionMnistClasses.js';
import { onFirstInteraction } from '../firstInteraction.js';
import { hooks } from '../hooks.js';
import type { ImagesHooks } from './hooks.js';
import { mathBox } from '../math.js';
import { WASM_BYTES } from '../ort.js';
import { fmt, panelSkeleton, select, slider, textEl } from '../panels/controls.js';
import { button } from '../train/page.js';
import { columnsFor, drawFrame } from './draw.js';
import { IMAGES_MATH, INTRO, TRADE_OFF, TRADE_OFF_TABLE } from './text.js';
import { IMAGES, MODEL_MB, PIXELS, diversity, type Frame, type ImageRequest } from './model.js';
import type { FromImagesWorker, LoadInfo, ToImagesWorker } from './protocol.js';
import './images.css';

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export function mountImages(el: HTMLElement): void {
  const parts = panelSkeleton(el, 'Real images: Fashion-MNIST, sampled in your browser', INTRO);
  const classNames = Object.fromEntries(FASHION_MNIST_CLASSES.map((name, i) => [String(i), name]));
  const label = select({
    testid: 'images-class',
    label: 'class',
    options: FASHION_MNIST_CLASSES.map((_, i) => String(i)),
    value: '0',
    labels: classNames,
  });
  const sampler = select<SamplerName>({ testid: 'images-sampler', label: 'sampler', options: SAMPLER_NAMES, value: 'dpmpp2m' });
  const steps = slider({ testid: 'images-steps', label: 'steps', min: 2, max: 50, step: 1, value: 20 });
  const guidance = slider({ testid: 'images-guidance', label: 'guidance w', min: 0, max: 6, step: 0.25, value: 2 });
  const eta = slider({ testid: 'images-eta', label: `η (${samplersReading('eta').join(', ')})`, min: 0, max: 1, step: 0.05, value: 0 });
  const churn = slider({ testid: 'images-churn', label: 'churn c', min: 0, max: 0.5, step: 0.01, value: 0.2 });
  const run = button('images-sample', 'Sample');
  const noise = button('images-noise', 'New noise', 'the same settings from other starting noise');
  const buttons = document.createElement('div');
  buttons.className = 'images-buttons';
  buttons.append(run, noise);
  parts.controls.append(label.root, sampler.root, steps.root, guidance.root, eta.root, churn.root, buttons);

  const legend = textEl('p', 'images-legend', '');
  legend.innerHTML =
    'Upper row of each pair: z<sub>t</sub>, what the sampler holds. Under it: ' +
    'x̂, the network’s guess of the finished image from that z<sub>t</sub>.';
  const canvas = document.createElement('canvas');
  canvas.className = 'images-canvas';
  canvas.dataset.testid = 'images-canvas';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', 'ten images being sampled, each with its predicted clean image');
  const caption = textEl('p', 'images-caption', 'Press Sample (or change any control) to draw ten images.');
  const scrub = slider({ testid: 'images-scrub', label: 'show step', min: 0, max: 20, step: 1, value: 0 });
  scrub.setEnabled(false);
  parts.figure.append(legend, canvas, caption, scrub.root);
  const status = textEl(
    'p',
    'images-status',
    `ONNX Runtime (its WebAssembly build, ${MB(WASM_BYTES.wasm)}; the ` +
      `WebGPU build, ${MB(WASM_BYTES.webgpu)}, where the browser has WebGPU) ` +
      `and the model (${MODEL_MB} MB) download when you first use this panel.`,
  );
  const timing = textEl('p', 'images-timing', '');
  const error = textEl('p', 'images-error', '');
  error.setAttribute('role', 'alert');
  parts.readout.append(status, timing, error, textEl('p', 'images-tradeoff', TRADE_OFF));
  // The measured table: under the images on a wide screen, after the controls on a phone (images.css).
  const table = document.createElement('div');
  table.className = 'images-measured';
  table.innerHTML = TRADE_OFF_TABLE;
  parts.body.append(table, mathBox(IMAGES_MATH));

  const state: ImagesHooks = {
    loaded: false,
    backend: '',
    running: false,
    id: 0,
    step: 0,
    steps: 0,
    request: undefined,
    images: [],
    seconds: 0,
    evaluations: 0,
    diversity: 0,
    error: '',
  };
  hooks().panels.images = state;

  let worker: Worker | undefined;
  let seed = 0;
  /** The frames of the latest run, one per step and the result; the scrubber picks the one drawn. */
  let frames: Frame[] = [];
  let shown = 0;
  const redraw = () => {
    const f = frames[shown];
    if (!f) return;
    drawFrame(canvas, f.z, f.xHat, columnsFor(parts.figure.clientWidth));
    caption.textContent =
      f.i < f.steps ? `Step ${f.i + 1} of ${f.steps}: t = ${f.t.toFixed(3)}` : `Result after ${f.steps} steps (t = 0, where z = x̂).`;
  };
  new ResizeObserver(redraw).observe(parts.figure);
  /** Draws frame i and moves the scrubber there (its 'input' event updates the number beside it). */
  const show = (i: number) => {
    scrub.input.value = String(i);
    scrub.input.dispatchEvent(new Event('input'));
    shown = i;
    redraw();
  };
  scrub.onChange(() => {
    shown = scrub.value();
    redraw();
  });

  const loaded = (info: LoadInfo) => {
    state.loaded = true;
    state.backend = info.backend;
    const threads = info.backend === 'wasm' ? `, ${info.threads} thread${info.threads > 1 ? 's' : ''}` : '';
    status.textContent =
      `Running on ${info.backend === 'webgpu' ? 'WebGPU' : 'WebAssembly'}${threads}: ONNX ` +
      `Runtime (${MB(WASM_BYTES[info.backend])}) and the model (${MB(info.modelBytes)}) ` +
      `ready in ${info.seconds.toFixed(1)} s.${info.fallback ? ` ${info.fallback}.` : ''}`;
  };
  const onMessage = (m: FromImagesWorker) => {
    if (m.type === 'loaded') return loaded(m.info);
    if (m.type === 'error') {
      if (m.id === undefined || m.id === state.id) state.running = false;
      state.error = m.message;
      error.textContent = `Could not sample: ${m.message}`;
      return;
    }
    if (m.id !== state.id) return;
    if (m.type === 'frame') {
      if (m.frame.i === 0) frames = [];
      frames.push(m.frame);
      state.step = m.frame.i;
      state.steps = m.frame.steps;
      scrub.input.setAttribute('max', String(m.frame.steps));
      show(m.frame.i);
      return;
    }
    scrub.setEnabled(true);
    state.images = Array.from(m.images);
    state.seconds = m.seconds;
    state.evaluations = m.evaluations;
    state.diversity = diversity(m.images, IMAGES, PIXELS);
    state.running = false;
    timing.textContent =
      `${IMAGES} images: ${m.evaluations} network evaluations of a batch of ${2 * IMAGES} in ` +
      `${m.seconds.toFixed(2)} s (${fmt((1000 * m.seconds) / m.evaluations)} ms each). Diversity ` +
      `(mean RMS distance between two of the ten images): ${state.diversity.toFixed(3)}.`;
  };
  const post = (message: ToImagesWorker) => {
    if (!worker) {
      worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'difflow-images' });
      worker.addEventListener('message', (event: MessageEvent<FromImagesWorker>) => onMessage(event.data));
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        state.running = false;
        error.textContent = `The images worker failed: ${event.message || 'it could not be loaded'}.`;
      });
    }
    worker.postMessage(message);
  };
  const load = () => {
    if (worker) return;
    post({ type: 'load' });
    status.textContent = `Loading ONNX Runtime and the model (${MODEL_MB} MB)…`;
  };

  const request = () => {
    const r: ImageRequest = {
      label: Number(label.value()),
      sampler: sampler.value(),
      steps: steps.value(),
      guidance: guidance.value(),
      eta: eta.value(),
      churn: churn.value(),
      seed,
    };
    state.id++;
    state.request = r;
    state.running = true;
    state.error = '';
    scrub.setEnabled(false);
    error.textContent = '';
    load();
    post({ type: 'sample', id: state.id, request: r });
  };
  const enable = () => {
    const s = sampler.value();
    eta.setEnabled(samplersReading('eta').includes(s));
    churn.setEnabled(samplersReading('churn').includes(s));
  };
  sampler.onChange(enable);
  enable();
  for (const c of [label, sampler, steps, guidance, eta, churn]) c.onChange(request);
  run.addEventListener('click', request);
  noise.addEventListener('click', () => {
    seed++;
    request();
  });
  onFirstInteraction(el, load);
}
