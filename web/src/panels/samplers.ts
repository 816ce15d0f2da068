/**
 * Panel 2, "Samplers side by side": the chosen samplers run from the same 1500 noise points of the
 * 8-Gaussian ring, denoised exactly (E[x | z_t] in closed form, seen through the chosen output kind), one
 * canvas each, all moved by one time scrubber. Each canvas states its errors (samplerRuns.ts): the RMS
 * distance to the exact ODE answer (deterministic runs) and the spread around the modes (every run).
 */
import {
  GRID_NAMES,
  OUTPUT_KINDS,
  SAMPLER_DESCRIPTORS,
  SAMPLER_NAMES,
  TIME_MARGINS,
  samplersReading,
  SCHEDULE_NAMES,
  type GridName,
  type OutputKind,
  type SamplerName,
  type ScheduleName,
} from '../../../src/core/index.js';
import { hooks } from '../hooks.js';
import { mathBox } from '../math.js';
import { shareable } from '../urlState.js';
import { fmt, panelSkeleton, select, slider } from './controls.js';
import { ParticleCanvas, yieldToBrowser } from './particles.js';
import { DATA_SPREAD, N, problemFor, runSampler, type RunSettings, type SamplerRun } from './samplerRuns.js';
import { SAMPLERS_MATH } from './samplersMath.js';
import './samplers.css';

const label = (name: SamplerName) => SAMPLER_DESCRIPTORS[name].label;
const DEFAULT_SHOWN: readonly SamplerName[] = ['ddim', 'heun', 'dpmpp2m', 'ddpm'];
const OUTPUT_LABELS: Record<OutputKind, string> = { eps: 'ε (noise)', x: 'x (data)', v: 'v = αε − σx', u: 'u = ε − x (flow)' };
/** How long the scrubber's Play takes from noise to data. */
const PLAY_MS = 2500;

function checkbox(testid: string, label: string, checked: boolean): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = checked;
  input.dataset.testid = testid;
  shareable(input);
  const root = document.createElement('label');
  root.className = 'check';
  root.append(input, document.createTextNode(` ${label}`));
  return input;
}

/** Display coordinates: z / max(1, √(α² + σ²)) at each grid time. */
function displayStates(run: SamplerRun, settings: RunSettings): Float64Array[] {
  const { schedule } = problemFor(settings.schedule);
  return run.states.map((z, j) => {
    const k = 1 / Math.max(1, Math.hypot(schedule.alpha(run.times[j]), schedule.sigma(run.times[j])));
    return k === 1 ? z : z.map((v) => k * v);
  });
}

function errorText(run: SamplerRun): string {
  const spread = `spread ${fmt(run.spread)}`;
  return run.deterministic ? `RMS to exact ODE answer ${fmt(run.rmsToExact)} · ${spread}` : `stochastic · ${spread}`;
}

/** Builds the panel in `section`; resolves once the first runs are drawn. */
export async function mountSamplers(section: HTMLElement): Promise<void> {
  const parts = panelSkeleton(
    section,
    'Samplers side by side',
    'Eight Gaussians on a ring, denoised exactly: E[x | z<sub>t</sub>] is known in closed form, so every error is the ' +
      "sampler's. Each canvas runs one sampler from the <em>same</em> 1500 noise points, on the same schedule, output " +
      'and time grid; drag the time scrubber to compare them at any t (orange: a few paths). With an exact denoiser ' +
      'every output kind gives the same x̂ and ε̂ — except that ε says nothing about x̂ where α = 0, so then the grid ' +
      `starts at t = ${1 - TIME_MARGINS.sampling.noise}.`,
  );
  const schedule = select<ScheduleName>({ testid: 'samplers-schedule', label: 'schedule', options: SCHEDULE_NAMES, value: 'fm' });
  const output = select<OutputKind>({
    testid: 'samplers-output',
    label: 'network output',
    options: OUTPUT_KINDS,
    value: 'u',
    labels: OUTPUT_LABELS,
  });
  const grid = select<GridName>({ testid: 'samplers-grid', label: 'time grid', options: GRID_NAMES, value: 'uniform' });
  const steps = slider({ testid: 'samplers-steps', label: 'steps', min: 1, max: 50, step: 1, value: 10 });
  const eta = slider({ testid: 'samplers-eta', label: `η (${samplersReading('eta').join(', ')})`, min: 0, max: 1, step: 0.01, value: 0 });
  const churn = slider({ testid: 'samplers-churn', label: 'churn c', min: 0, max: 0.5, step: 0.01, value: 0.5 });
  const shown = new Map(SAMPLER_NAMES.map((name) => [name, checkbox(`samplers-show-${name}`, label(name), DEFAULT_SHOWN.includes(name))]));
  const picker = document.createElement('fieldset');
  picker.className = 'sampler-picker';
  picker.innerHTML = '<legend>samplers shown</legend>';
  picker.append(...[...shown.values()].map((input) => input.parentElement!));
  parts.controls.append(schedule.root, output.root, grid.root, steps.root, eta.root, churn.root, picker);

  // The scrubber sits above the canvases (sticky while they are in view).
  const time = slider({
    testid: 'samplers-time',
    label: 'time scrubber (noise → data)',
    min: 0,
    max: 1,
    step: 0.005,
    value: 1,
    format: () => '',
  });
  const play = document.createElement('button');
  play.type = 'button';
  play.textContent = 'Play';
  play.dataset.testid = 'samplers-play';
  const scrubber = document.createElement('div');
  scrubber.className = 'scrubber';
  const tLabel = document.createElement('output');
  tLabel.dataset.testid = 'samplers-t';
  scrubber.append(time.root, tLabel, play);
  const cards = document.createElement('div');
  cards.className = 'sampler-cards';
  parts.figure.append(scrubber, cards);
  const explain = document.createElement('p');
  explain.className = 'detail';
  explain.innerHTML =
    `<b>RMS to exact ODE answer</b>: the root-mean-square distance, over the ${N} points, between a deterministic ` +
    "sampler's output and the exact probability-flow ODE solution from the same noise point (Dormand–Prince, " +
    'tolerance 10⁻⁸): point by point, so it has no sampling noise and ranks the solvers at any sample size. ' +
    `<b>Spread</b>: the RMS distance of the samples to the nearest ring centre; the data's own value is ` +
    `${fmt(DATA_SPREAD)} (√2 × the modes' standard deviation 0.15). Stochastic samplers (DDPM, η > 0, churn > 0) ` +
    'have no single exact answer and are measured by the spread alone: the further from the data’s value, the further ' +
    'off.';
  parts.readout.append(explain);
  parts.body.append(mathBox(SAMPLERS_MATH));

  let canvases: { run: SamplerRun; canvas: ParticleCanvas }[] = [];
  const state = {
    schedule: 'fm',
    output: 'u',
    steps: 0,
    progress: 1,
    done: false,
    runs: [] as { sampler: string; deterministic: boolean; nfe: number; rmsToExact: number; spread: number }[],
  };
  const publish = () => (hooks().panels.samplers = { ...state, runs: [...state.runs] });

  const showTime = () => {
    const progress = time.value();
    state.progress = progress;
    const first = canvases[0]?.run;
    if (first) {
      const n = first.times.length - 1;
      const k = Math.min(n - 1, Math.floor(progress * n));
      const a = progress * n - k;
      const t = first.times[k] + a * (first.times[k + 1] - first.times[k]);
      tLabel.textContent = `t = ${t.toFixed(3)}`;
    }
    for (const c of canvases) c.canvas.setProgress(progress);
    publish();
  };

  let animation = 0;
  const animate = () => {
    cancelAnimationFrame(animation);
    if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
      time.input.value = '1';
      return showTime();
    }
    const start = performance.now();
    const frame = (now: number) => {
      const p = Math.min(1, (now - start) / PLAY_MS);
      time.input.value = String(p);
      showTime();
      if (p < 1) animation = requestAnimationFrame(frame);
    };
    animation = requestAnimationFrame(frame);
  };

  let current = 0;
  const run = async (playAfter: boolean) => {
    const ticket = ++current;
    const name = () => [...shown].filter(([, input]) => input.checked).map(([n]) => n);
    const settings: RunSettings = {
      schedule: schedule.value(),
      output: output.value(),
      grid: grid.value(),
      steps: steps.value(),
      eta: eta.value(),
      churn: churn.value(),
    };
    eta.setEnabled(name().some((s) => samplersReading('eta').includes(s)));
    churn.setEnabled(name().some((s) => samplersReading('churn').includes(s)));
    Object.assign(state, { schedule: settings.schedule, output: settings.output, steps: settings.steps, done: false });
    publish();
    const runs: SamplerRun[] = [];
    try {
      for (const sampler of name()) {
        await yieldToBrowser();
        if (ticket !== current) return;
        runs.push(await runSampler(sampler, settings));
      }
    } catch (e) {
      explain.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    if (ticket !== current) return;
    const { data } = problemFor(settings.schedule);
    cards.replaceChildren();
    canvases = runs.map((r) => {
      const card = document.createElement('figure');
      card.className = 'sampler-card';
      const title = document.createElement('figcaption');
      title.innerHTML =
        `<b>${label(r.sampler)}</b> · ${r.nfe} calls<br><span ` + `data-testid="samplers-error-${r.sampler}">${errorText(r)}</span>`;
      card.append(title);
      cards.append(card);
      const canvas = new ParticleCanvas(
        card,
        data,
        `${label(r.sampler)}: particles from noise to the 8-Gaussian ring`,
        `samplers-canvas-${r.sampler}`,
      );
      canvas.setStates(displayStates(r, settings));
      return { run: r, canvas };
    });
    state.runs = runs.map((r) => ({
      sampler: r.sampler,
      deterministic: r.deterministic,
      nfe: r.nfe,
      rmsToExact: r.rmsToExact,
      spread: r.spread,
    }));
    state.done = true;
    showTime();
    if (playAfter) animate();
  };

  let pending = 0;
  const restart = () => {
    current++;
    window.clearTimeout(pending);
    pending = window.setTimeout(() => void run(true), 60);
  };
  for (const c of [schedule, output, grid, steps, eta, churn]) c.onChange(restart);
  for (const input of shown.values()) input.addEventListener('change', restart);
  time.onChange(() => {
    cancelAnimationFrame(animation);
    showTime();
  });
  play.addEventListener('click', animate);
  await run(false);
}
