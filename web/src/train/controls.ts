/**
 * The training panel's controls: the recipe and optimiser settings, the drawing pad, the run buttons, and
 * sampling and export. They stay enabled while training: a change applies to the next run.
 */
import {
  DENSITY_NAMES,
  GRID_NAMES,
  OUTPUT_KINDS,
  SAMPLER_NAMES,
  SCHEDULE_NAMES,
  WEIGHTING_NAMES,
  type DensityName,
  type GridName,
  type OutputKind,
  type SamplerName,
  type ScheduleName,
  type WeightingName,
} from '../../../src/core/index.js';
import { DATA_NAMES, type BuiltinData } from '../../../src/data/datasets.js';
import { mathBox, type Formula } from '../math.js';
import { numberField, select, type panelSkeleton } from '../panels/controls.js';
import { shareable } from '../urlState.js';
import { drawPad } from './drawPad.js';
import { button } from './page.js';
import type { TrainSettings } from './protocol.js';

type DataChoice = BuiltinData | 'draw';

/** Times t at which the learned velocity field can be drawn as arrows ('0': none). */
const FIELD_CHOICES = ['0', '0.9', '0.5', '0.2', '0.05'] as const;
type FieldChoice = (typeof FIELD_CHOICES)[number];
const FIELD_LABELS: Record<FieldChoice, string> = {
  0: 'off',
  0.9: 'arrows at t = 0.9',
  0.5: 'arrows at t = 0.5',
  0.2: 'arrows at t = 0.2',
  0.05: 'arrows at t = 0.05',
};

/**
 * Browser-sized defaults: an MLP 34 → 128 → 128 → 128 → 2 on z, 4 Fourier-feature frequencies of z and the time
 * embedding; batch 256; lr 10⁻² decaying to 0 on a cosine. About 20 s; 93 % of the checkerboard's samples on
 * its squares (docs/explorer.md).
 */
export const DEFAULTS = { steps: 4000, batch: 256, lr: 1e-2, lrSchedule: 'cosine', hidden: 128, layers: 3, fourier: 4, seed: 0 } as const;
/** Points per sampling run. */
export const SAMPLE_POINTS = 1000;

const OUTPUT_LABELS: Record<OutputKind, string> = { eps: 'ε (noise)', x: 'x (data)', v: 'v = αε − σx', u: 'u = ε − x (velocity)' };

/** The formulas beside the panel. */
const TRAIN_MATH: readonly Formula[] = [
  { label: 'A batch', tex: 't \\sim p(t),\\quad \\varepsilon \\sim \\mathcal N(0, I),\\quad z_t = \\alpha_t x + \\sigma_t \\varepsilon' },
  { label: 'Output targets $o$', tex: '\\varepsilon,\\quad x,\\quad v = \\alpha_t \\varepsilon - \\sigma_t x,\\quad u = \\varepsilon - x' },
  {
    label: 'Loss: the weighted output MSE',
    tex:
      'L = \\frac{1}{B\\,d} \\sum_{b} \\frac{w(\\lambda_b)}{c\\; p(\\lambda_b)\\; ' +
      'm_o(t_b)} \\left\\lVert \\hat o(z_b, t_b) - o_b \\right\\rVert^2',
  },
  {
    label:
      'with $\\lVert \\hat o - o \\rVert^2 = m_o \\lVert \\hat\\varepsilon - ' +
      '\\varepsilon \\rVert^2$ and $c$ making the mean weight 1, for any output',
    tex: '\\mathbb E[L] \\propto \\int w(\\lambda)\\, \\mathbb E \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2 \\, d\\lambda',
  },
];

/** Builds the controls (and the formulas) into the panel's parts; `settings()` reads the recipe they describe. */
export function trainControls(parts: ReturnType<typeof panelSkeleton>) {
  // --- The recipe and the optimiser.
  const data = select<DataChoice>({
    testid: 'train-data',
    label: 'data',
    options: [...DATA_NAMES, 'draw'],
    value: 'checkerboard',
    labels: { gmm: 'gmm (ring mixture)', draw: 'draw your own' },
  });
  const schedule = select<ScheduleName>({ testid: 'train-schedule', label: 'schedule', options: SCHEDULE_NAMES, value: 'fm' });
  const output = select<OutputKind>({ testid: 'train-output', label: 'output', options: OUTPUT_KINDS, value: 'u', labels: OUTPUT_LABELS });
  const weighting = select<WeightingName>({ testid: 'train-weighting', label: 'weighting w(λ)', options: WEIGHTING_NAMES, value: 'fm' });
  const density = select<DensityName>({ testid: 'train-density', label: 'time density p(t)', options: DENSITY_NAMES, value: 'uniform' });
  const steps = numberField({ testid: 'train-steps', label: 'steps', value: DEFAULTS.steps, min: 10, max: 100_000, step: 10 });
  const batch = numberField({ testid: 'train-batch', label: 'batch', value: DEFAULTS.batch, min: 8, max: 4096, step: 8 });
  const lr = numberField({ testid: 'train-lr', label: 'learning rate', value: DEFAULTS.lr, min: 1e-5, max: 0.1, step: 'any' });
  const hidden = numberField({
    testid: 'train-hidden',
    label: 'hidden width',
    value: DEFAULTS.hidden,
    min: 8,
    max: 512,
    step: 8,
    title: `an MLP with ${DEFAULTS.layers} hidden layers`,
  });
  const settingControls = [data, schedule, output, weighting, density, steps, batch, lr, hidden];
  // They stay enabled while training: a change applies to the next run (the recipe text shows the current one).
  const grid = document.createElement('div');
  grid.className = 'train-controls';
  grid.append(...settingControls.map((c) => c.root));
  parts.controls.append(grid);

  const pad = drawPad();
  pad.root.hidden = true;
  parts.controls.append(pad.root);

  const start = button('train-start', 'Train', 'train a fresh model with these settings');
  const stop = button('train-stop', 'Stop');
  const resume = button('train-continue', 'Continue', 'train the current model for as many steps again');
  const sample = button('train-sample', 'Sample', `draw ${SAMPLE_POINTS} samples with the EMA weights`);
  // Placed by the panel above the charts, so that on a phone they stay next to what they change.
  const runBar = document.createElement('div');
  runBar.className = 'train-buttons train-bar';
  runBar.append(start, stop, resume, sample);

  // --- Sampling and export.
  const sampler = select<SamplerName>({ testid: 'train-sampler', label: 'sampler', options: SAMPLER_NAMES, value: 'dpmpp2m' });
  const sampleSteps = numberField({ testid: 'train-sample-steps', label: 'sampling steps', value: 20, min: 1, max: 500, step: 1 });
  const timeGrid = select<GridName>({ testid: 'train-grid', label: 'time grid', options: GRID_NAMES, value: 'uniform' });
  const live = document.createElement('label');
  live.className = 'control train-live';
  const liveBox = document.createElement('input');
  liveBox.type = 'checkbox';
  liveBox.checked = true;
  liveBox.dataset.testid = 'train-live';
  shareable(liveBox);
  live.append(liveBox, document.createTextNode(' sample every few seconds while training'));
  const field = select<FieldChoice>({
    testid: 'train-field',
    label: 'learned velocity field',
    options: FIELD_CHOICES,
    value: '0',
    labels: FIELD_LABELS,
  });
  const sampleGrid = document.createElement('div');
  sampleGrid.className = 'train-controls';
  sampleGrid.append(sampler.root, sampleSteps.root, timeGrid.root, field.root);
  const exportSafetensors = button(
    'train-export-safetensors',
    'Download .safetensors',
    'the EMA weights, one F32 tensor per parameter, with the config as metadata',
  );
  const exportOnnx = button(
    'train-export-onnx',
    'Download .onnx',
    'a standalone denoiser: inputs z [batch, 2], t [batch, 1]; output = the chosen output',
  );
  const sampleBar = document.createElement('div');
  sampleBar.className = 'train-buttons';
  sampleBar.append(exportSafetensors, exportOnnx);
  parts.controls.append(sampleGrid, live, sampleBar);
  parts.side.append(mathBox(TRAIN_MATH));

  const settings = (): TrainSettings => ({
    data: data.value(),
    schedule: schedule.value(),
    output: output.value(),
    weighting: weighting.value(),
    density: density.value(),
    steps: steps.value(),
    batch: batch.value(),
    lr: lr.value(),
    hidden: hidden.value(),
    layers: DEFAULTS.layers,
    fourier: DEFAULTS.fourier,
    lrSchedule: DEFAULTS.lrSchedule,
    seed: DEFAULTS.seed,
  });
  return {
    data,
    schedule,
    output,
    weighting,
    density,
    steps,
    batch,
    lr,
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
  };
}
