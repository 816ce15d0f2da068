/**
 * Panel 5, "Train your own": a 2-D denoiser trained live in a Web Worker (one ONNX training step per step,
 * onnxruntime-web's WebAssembly backend), with the loss curve drawn as it falls, samples drawn from the EMA
 * weights at any time, and the model downloadable as safetensors or ONNX. The UI thread only draws: every
 * ONNX Runtime call happens in the worker, and a PerformanceObserver records the longest main-thread task
 * while training (hooks().panels.train.longestTaskMs).
 */
import { rng } from '../../../src/core/index.js';
import { builtinDataset } from '../../../src/data/datasets.js';
import { NATURAL_WEIGHTING } from '../../../src/training/index.js';
import { onFirstInteraction } from '../firstInteraction.js';
import { hooks } from '../hooks.js';
import { panelSkeleton } from '../panels/controls.js';
import { PREVIEW_POINTS, lossChart, samplesChart } from './charts.js';
import { DEFAULTS, SAMPLE_POINTS, trainControls } from './controls.js';
import { LongTaskMonitor, download, groupDigits, throttled } from './page.js';
import type { ExportFormat, FromWorker, SampleRequest, ToWorker, TrainSettings } from './protocol.js';
import { checkerboardScore } from './quality.js';
import { trainReadout } from './readout.js';
import { recipeHtml, statusText, type TrainHooks } from './status.js';
import './train.css';

export function mountTrainPanel(el: HTMLElement): void {
  const parts = panelSkeleton(
    el,
    'Train your own',
    'Train a small network on a 2-D data set — or on points you draw — right here: every step is one ONNX graph ' +
      '(forward pass, weighted loss, gradients, clipping, AdamW and the EMA) run by ONNX Runtime’s WebAssembly ' +
      'backend in a Web Worker, so the page stays responsive. Pick any schedule × output × weighting, watch the ' +
      'loss fall and the samples (blue, over the data in grey) take shape every few seconds; when the run ends the ' +
      'model is sampled once more. The default run (checkerboard, 4000 steps) takes about 20 s.',
  );
  parts.figure.classList.add('train-figure');
  parts.side.classList.add('train-side');

  const {
    data,
    schedule,
    output,
    weighting,
    density,
    steps,
    batch,
    hidden,
    pad,
    start,
    stop,
    resume,
    sampler,
    sampleSteps,
    timeGrid,
    field,
    liveBox,
    sample,
    exportSafetensors,
    exportOnnx,
    runBar,
    settings,
  } = trainControls(parts);

  const { lossBox, samplesBox, recipe, status, samplesWidth, showError } = trainReadout(parts, runBar);

  // --- State.
  const state: TrainHooks = {
    ready: false,
    running: false,
    step: 0,
    losses: [],
    stepsPerSecond: 0,
    samples: [],
    samplesStep: -1,
    outcome: '',
    seconds: 0,
    onSquares: NaN,
    longestTaskMs: 0,
  };
  hooks().panels.train = state;
  const monitor = new LongTaskMonitor((ms) => (state.longestTaskMs = ms));
  let worker: Worker | undefined;
  let hasModel = false;
  let target: number = DEFAULTS.steps;
  let runSettings: TrainSettings | undefined;
  let runtimeLabel = '';
  let samplesSvg = '';
  let recipeShown = '';
  let nextId = 1;
  let latestSample = 0;
  let sampling = false;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let lastSampleSeconds = 0;
  let runStarted = 0;

  /** The selected data set alone, until samples replace it (drawn here once per data set; sample charts come from the worker). */
  let dataSvg: { key: string; svg: string } | undefined;
  const renderData = () => {
    const s = settings();
    const key = s.data === 'draw' ? `draw:${pad.points().join(',')}` : s.data;
    if (dataSvg?.key !== key) {
      const points = s.data === 'draw' ? pad.points() : builtinDataset(s.data).sample(PREVIEW_POINTS, rng(0));
      dataSvg = { key, svg: samplesChart(points, [], `Data: ${s.data === 'draw' ? 'your points' : s.data}`, samplesWidth()) };
    }
    const { svg } = dataSvg;
    samplesBox.show(() => svg);
  };

  /** The status line, written only when its text changes (a write costs a layout). */
  const showStatus = () => {
    const text = statusText(state, { hasModel, preparing: worker !== undefined && !state.ready, target, runtimeLabel });
    if (status.textContent !== text) status.textContent = text;
  };

  /**
   * While training, the page changes in one animation frame at most every 0.4 s: the loss chart, the status
   * line and, when the run's state changed, the buttons (every change repaints, and paints cost the whole page).
   */
  let controlsDirty = false;
  const renderLive = throttled(() => {
    if (controlsDirty) renderControls();
    lossBox.show((width) => lossChart(state.losses, target, width));
    showStatus();
  }, 400);

  /** Buttons, enabled controls and the recipe: on state changes only. */
  const renderControls = () => {
    controlsDirty = false;
    start.disabled = state.running;
    stop.disabled = !state.running;
    resume.disabled = state.running || !hasModel;
    sample.disabled = !hasModel;
    exportSafetensors.disabled = !hasModel;
    exportOnnx.disabled = !hasModel;
    pad.root.hidden = data.value() !== 'draw';
    const text = recipeHtml(state.running && runSettings ? runSettings : settings());
    if (text !== recipeShown) recipe.innerHTML = recipeShown = text; // re-parsed only when it changes
    showStatus();
  };

  const sampleRequest = (): SampleRequest => ({
    sampler: sampler.value(),
    steps: sampleSteps.value(),
    grid: timeGrid.value(),
    n: SAMPLE_POINTS,
    seed: 1,
    width: samplesWidth(),
    field: Number(field.value()),
  });

  const requestSample = () => {
    if (!worker || !hasModel) return;
    latestSample = nextId++;
    sampling = true;
    post({ type: 'sample', id: latestSample, request: sampleRequest() });
  };

  const scheduleLive = () => {
    clearTimeout(liveTimer);
    if (!state.running || !liveBox.checked) return;
    // At most ~20% of the worker's time goes to live sampling.
    liveTimer = setTimeout(
      () => {
        if (state.running && liveBox.checked && !sampling) requestSample();
      },
      Math.max(2000, 4000 * lastSampleSeconds),
    );
  };

  const onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'ready':
        state.ready = true;
        showStatus();
        break;
      case 'started':
        state.ready = true;
        hasModel = true;
        target = m.target;
        runtimeLabel = `${groupDigits(m.parameters)} parameters, WebAssembly, ${m.threads} thread${m.threads === 1 ? '' : 's'}`;
        runStarted = performance.now();
        scheduleLive();
        controlsDirty = true; // shown with the first losses
        break;
      case 'progress':
        for (const loss of m.losses) state.losses.push(loss);
        state.step = m.step;
        state.stepsPerSecond = m.stepsPerSecond;
        renderLive();
        break;
      case 'stopped':
        state.running = false;
        state.step = m.step;
        state.outcome = m.reason === 'done' ? 'finished' : m.reason;
        state.seconds = runStarted > 0 ? (performance.now() - runStarted) / 1000 : 0;
        monitor.end();
        clearTimeout(liveTimer);
        renderLive();
        renderControls();
        // The final model's samples, unless the run failed before it had a model.
        if (hasModel && m.reason !== 'error') requestSample();
        else if (!samplesSvg) requestAnimationFrame(renderData); // the data set may have changed during the run
        break;
      case 'samples': {
        if (m.id === latestSample) sampling = false;
        lastSampleSeconds = m.seconds;
        state.samples = Array.from(m.samples);
        state.samplesStep = m.step;
        state.onSquares = runSettings?.data === 'checkerboard' ? checkerboardScore(m.samples) : NaN;
        samplesSvg = m.svg;
        const svg = m.svg;
        samplesBox.show(() => svg); // drawn at the width asked for; the viewBox scales it
        scheduleLive();
        break;
      }
      case 'exported':
        download(m.bytes, m.filename);
        break;
      case 'error':
        if (m.id === latestSample) sampling = false;
        showError(m.message);
        break;
    }
  };

  function post(message: ToWorker): void {
    if (!worker) {
      worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'difflow-train' });
      worker.addEventListener('message', (event: MessageEvent<FromWorker>) => onMessage(event.data));
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        showError(`the training worker failed: ${event.message || 'it could not be loaded'}`);
        state.running = false;
        monitor.end();
        renderControls();
      });
    }
    worker.postMessage(message);
  }

  /** Marks a run as started; the page catches up in the next frame (the click's own task stays short). */
  const begin = () => {
    state.running = true;
    state.outcome = '';
    monitor.begin();
    // Controls in this frame, the chart in the next: two short tasks instead of one long one.
    requestAnimationFrame(() => {
      showError('');
      renderControls();
      requestAnimationFrame(() => renderLive());
    });
  };

  start.addEventListener('click', () => {
    const s = settings();
    const points = s.data === 'draw' ? pad.points() : undefined;
    if (points && points.length < 4) return showError('Draw at least 2 points on the canvas first.');
    runSettings = s;
    target = s.steps;
    state.losses = [];
    state.samples = [];
    state.step = 0;
    state.stepsPerSecond = 0;
    state.samplesStep = -1;
    state.outcome = '';
    state.onSquares = NaN;
    hasModel = false;
    runtimeLabel = '';
    const hadSamples = samplesSvg !== '';
    samplesSvg = '';
    post({ type: 'start', settings: s, points });
    begin();
    if (hadSamples) requestAnimationFrame(renderData);
  });
  stop.addEventListener('click', () => post({ type: 'stop' }));
  resume.addEventListener('click', () => {
    target = state.step + steps.value();
    post({ type: 'continue', steps: steps.value() });
    begin();
  });
  sample.addEventListener('click', requestSample);
  const exportAs = (format: ExportFormat) => post({ type: 'export', id: nextId++, format });
  exportSafetensors.addEventListener('click', () => exportAs('safetensors'));
  exportOnnx.addEventListener('click', () => exportAs('onnx'));
  liveBox.addEventListener('change', scheduleLive);
  field.onChange(() => {
    if (hasModel && !state.running) requestSample();
  });

  output.onChange(() => {
    // The output's natural weighting (its plain MSE); any other stays one click away.
    weighting.input.value = NATURAL_WEIGHTING[output.value()];
    weighting.input.dispatchEvent(new Event('change'));
    renderControls();
  });
  for (const c of [schedule, weighting, density, steps, batch, hidden]) c.onChange(renderControls);
  const dataChanged = () => {
    renderControls();
    if (!samplesSvg && !state.running) renderData();
  };
  data.onChange(dataChanged);
  pad.onChange(dataChanged);

  renderControls();
  lossBox.show((width) => lossChart(state.losses, target, width));
  renderData();
  // Start ONNX Runtime (a large WebAssembly download and compile) on the first interaction with the panel
  // (not when it scrolls into view: a reader who only scrolls downloads nothing large), so that pressing
  // Train does not wait for it and the compile does not compete with the first training steps.
  onFirstInteraction(el, () => {
    if (worker) return;
    post({ type: 'warm', settings: settings(), sample: sampleRequest() });
    showStatus();
  });
}
