/**
 * Panel 2, "Samplers on a 2-D mixture": 1500 particles of the 8-Gaussian ring, sampled with any schedule ×
 * network output × sampler × steps (× η or churn) from the exact denoiser E[x | z_t] seen through the chosen
 * output kind. The particles move on a canvas as the sampler reports each step (`onStep`); the error is the
 * RMS distance to the exact ODE answer (Dormand–Prince) for deterministic runs and the energy distance to
 * the data for every run.
 */
import {
  GRID_NAMES, OUTPUT_KINDS, SAMPLERS, SAMPLER_NAMES, SCHEDULE_NAMES, denoiserFromModel, energyDistance, mixtureOracle,
  priorSample, ringMixture, rk45, rng, samplingGrid, scheduleByName,
  type Denoiser, type GridName, type OutputKind, type SamplerName, type Schedule, type ScheduleName, type TimeGrid,
} from '../../../src/core/index.js';
import { hooks } from '../hooks.js';
import { mathBox, type Formula } from '../math.js';
import { fmt, panelSkeleton, select, slider } from './controls.js';

export const SAMPLERS_MATH: readonly Formula[] = [
  {
    label: 'Every output gives $\\hat x$ and $\\hat\\varepsilon$, e.g.',
    tex: ['\\hat x = \\frac{\\alpha z - \\sigma \\hat v}{\\alpha^2 + \\sigma^2}', '\\hat x = \\frac{z - \\sigma \\hat u}{\\alpha + \\sigma}', '\\hat\\varepsilon = \\frac{z - \\alpha \\hat x}{\\sigma}'],
  },
  {
    label: '$\\eta$-sampler ($\\eta = 0$: DDIM, $\\eta = 1$: DDPM)',
    tex: ['z_s = \\alpha_s \\hat x + \\sqrt{\\sigma_s^2 - \\tilde\\sigma^2}\\,\\hat\\varepsilon + \\tilde\\sigma \\xi', '\\tilde\\sigma^2 = \\eta^2 \\sigma_s^2 \\left(1 - e^{\\lambda_t - \\lambda_s}\\right)'],
  },
  {
    label: 'Churn $c$: DDIM to $\\lambda_t + \\Delta\\lambda/(1-c)$, then re-noise to $\\lambda_s$',
    tex: ['z_s = \\alpha_s \\hat x + \\sigma_s\\left(e^{-\\delta/2}\\hat\\varepsilon + \\sqrt{1 - e^{-\\delta}}\\,\\xi\\right)', '\\delta = \\tfrac{c}{1-c}\\,\\Delta\\lambda'],
  },
  {
    label: 'Generative SDE, backwards in time ($\\eta = 0$: the probability-flow ODE)',
    tex: [
      'dz = \\left[f z + \\tfrac{1}{2}(1 + \\eta^2)\\, g^2 \\frac{\\hat\\varepsilon}{\\sigma}\\right] dt + \\eta\\, g\\, d\\bar w',
      'f = \\frac{d\\log\\alpha}{dt}',
      'g^2 = -\\sigma^2 \\frac{d\\lambda}{dt}',
    ],
  },
  {
    label: 'DPM-Solver++ 2M, in half-log-SNR steps',
    tex: ['z_s = \\frac{\\sigma_s}{\\sigma_t} z_t - \\alpha_s\\left(e^{-h} - 1\\right) D', 'h = \\frac{\\lambda_s - \\lambda_t}{2}'],
  },
];

const N = 1500;
const DATA = ringMixture(8, 2, 0.15);
/** Half-width of the drawn square, in data units. */
const VIEW = 3.6;
const TRAILS = 40;

const SAMPLER_LABELS: Partial<Record<SamplerName, string>> = {
  ddim: 'DDIM (η)',
  ddpm: 'DDPM (η = 1)',
  'fm-euler': 'flow-matching Euler',
  'pf-euler': 'probability-flow Euler',
  heun: 'Heun (EDM)',
  dpmpp2m: 'DPM-Solver++ 2M',
  churn: 'churn sampler',
  sde: 'SDE Euler–Maruyama (η)',
};
const OUTPUT_LABELS: Record<OutputKind, string> = { eps: 'ε (noise)', x: 'x (data)', v: 'v = αε − σx', u: 'u = ε − x (flow)' };

/** Whether a run is deterministic, so that it has an exact ODE answer to compare with. */
export function isDeterministic(sampler: SamplerName, eta: number, churn: number): boolean {
  if (sampler === 'ddim' || sampler === 'sde') return eta === 0;
  if (sampler === 'churn') return churn === 0;
  return sampler !== 'ddpm';
}

/** The sampling grid (karras/edm need at least 2 steps). */
export function samplerGrid(name: GridName, schedule: Schedule, output: OutputKind, steps: number): TimeGrid {
  return samplingGrid(name, schedule, output, name === 'uniform' ? steps : Math.max(2, steps));
}

/** Hands the main thread back for a moment (a macrotask, not clamped like setTimeout). */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

class Cancelled extends Error {}

/** The fixed problem on one schedule: prior sample, data, and the exact ODE answers (cached per start time). */
interface Problem {
  readonly schedule: Schedule;
  readonly z1: Float64Array;
  readonly data: Float64Array;
  readonly references: Map<number, Promise<Float64Array>>;
}

const problems = new Map<ScheduleName, Problem>();

function problemFor(name: ScheduleName): Problem {
  let p = problems.get(name);
  if (!p) {
    const schedule = scheduleByName(name);
    const oracle = mixtureOracle(DATA, schedule);
    p = { schedule, z1: priorSample(schedule, N, 2, rng(0)), data: oracle.sample(N, rng(2)), references: new Map() };
    problems.set(name, p);
  }
  return p;
}

/** The exact probability-flow ODE answer from z1 at tStart (Dormand–Prince, rtol 1e-8), yielding between evaluations. */
function reference(p: Problem, tStart: number): Promise<Float64Array> {
  let r = p.references.get(tStart);
  if (!r) {
    const oracle = mixtureOracle(DATA, p.schedule);
    const polite: Denoiser = {
      schedule: p.schedule,
      async denoise(z, t) {
        await yieldToBrowser();
        return oracle.denoise(z, t);
      },
    };
    r = rk45(polite, p.z1, { tStart, rtol: 1e-8, atol: 1e-9 }).then((res) => res.z);
    p.references.set(tStart, r);
  }
  return r;
}

/** The canvas: data in grey behind, particles in blue, a few particles' trails. */
class ParticleCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private background: HTMLCanvasElement | undefined;
  private points: Float64Array = new Float64Array(0);
  private trails: number[][] = [];
  private size = 0;

  constructor(parent: HTMLElement, private readonly data: Float64Array) {
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.testid = 'samplers-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Particles of the sampler moving from noise to the 8-Gaussian ring');
    parent.append(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas context');
    this.ctx = ctx;
    new ResizeObserver(() => requestAnimationFrame(() => this.resize())).observe(this.canvas);
    this.resize();
  }

  private resize(): void {
    const css = Math.round(this.canvas.clientWidth || 480);
    const size = Math.round(css * Math.min(2, window.devicePixelRatio || 1));
    if (size === this.size || size === 0) return;
    this.size = size;
    this.canvas.width = size;
    this.canvas.height = size;
    this.background = undefined;
    this.draw(this.points);
  }

  private toPx(v: number, flip: boolean): number {
    const u = (v + VIEW) / (2 * VIEW);
    return (flip ? 1 - u : u) * this.size;
  }

  private drawBackground(): HTMLCanvasElement {
    const bg = document.createElement('canvas');
    bg.width = bg.height = this.size;
    const c = bg.getContext('2d');
    if (!c) return bg;
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, this.size, this.size);
    c.strokeStyle = '#eeeeee';
    c.lineWidth = 1;
    for (let g = -3; g <= 3; g++) {
      c.beginPath();
      c.moveTo(this.toPx(g, false), 0);
      c.lineTo(this.toPx(g, false), this.size);
      c.moveTo(0, this.toPx(g, true));
      c.lineTo(this.size, this.toPx(g, true));
      c.stroke();
    }
    const r = Math.max(1, this.size / 400);
    c.fillStyle = 'rgba(120, 120, 120, 0.35)';
    for (let i = 0; i < this.data.length; i += 2) c.fillRect(this.toPx(this.data[i], false) - r, this.toPx(this.data[i + 1], true) - r, 2 * r, 2 * r);
    return bg;
  }

  /** Starts new trails at `points`. */
  resetTrails(points: Float64Array): void {
    this.trails = Array.from({ length: TRAILS }, (_, k) => [points[2 * k], points[2 * k + 1]]);
  }

  /** Appends the particles' current positions to their trails. */
  extendTrails(points: Float64Array): void {
    this.trails.forEach((trail, k) => trail.push(points[2 * k], points[2 * k + 1]));
  }

  /** Draws `points` [N·2] (display coordinates) with the trails, plus an optional tail for the step in progress. */
  draw(points: Float64Array): void {
    this.points = points;
    if (this.size === 0) return;
    this.background ??= this.drawBackground();
    const c = this.ctx;
    c.drawImage(this.background, 0, 0);
    c.lineWidth = Math.max(1, this.size / 500);
    c.strokeStyle = 'rgba(213, 94, 0, 0.75)';
    this.trails.forEach((trail, k) => {
      c.beginPath();
      c.moveTo(this.toPx(trail[0], false), this.toPx(trail[1], true));
      for (let i = 2; i < trail.length; i += 2) c.lineTo(this.toPx(trail[i], false), this.toPx(trail[i + 1], true));
      if (points.length > 2 * k + 1) c.lineTo(this.toPx(points[2 * k], false), this.toPx(points[2 * k + 1], true));
      c.stroke();
    });
    const r = Math.max(1.2, this.size / 300);
    c.fillStyle = 'rgba(0, 114, 178, 0.7)';
    for (let i = 0; i < points.length; i += 2) c.fillRect(this.toPx(points[i], false) - r, this.toPx(points[i + 1], true) - r, 2 * r, 2 * r);
  }
}

/** Display coordinates: z/max(1, √(α² + σ²)), so that σ-only schedules (VE, EDM, σ up to 80) stay in view. */
function display(z: Float64Array, schedule: Schedule, t: number): Float64Array {
  const k = 1 / Math.max(1, Math.hypot(schedule.alpha(t), schedule.sigma(t)));
  return k === 1 ? z : z.map((v) => k * v);
}

/** Resolves after the particles have moved from `from` to `to` over `ms` (at once when hidden or reduced motion). */
function tween(canvas: ParticleCanvas, from: Float64Array, to: Float64Array, ms: number, alive: () => boolean): Promise<void> {
  if (!alive()) return Promise.resolve();
  const still = document.hidden || window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (still || ms <= 0 || from.length !== to.length) {
    canvas.draw(to);
    return still ? yieldToBrowser() : new Promise((resolve) => requestAnimationFrame(() => resolve()));
  }
  return new Promise((resolve) => {
    const start = performance.now();
    const between = new Float64Array(to.length);
    const frame = (now: number) => {
      if (!alive()) return resolve();
      const a = Math.min(1, (now - start) / ms);
      const e = a * a * (3 - 2 * a);
      for (let i = 0; i < to.length; i++) between[i] = from[i] + e * (to[i] - from[i]);
      canvas.draw(a < 1 ? between : to);
      if (a < 1 && !document.hidden) requestAnimationFrame(frame);
      else {
        canvas.draw(to);
        resolve();
      }
    };
    requestAnimationFrame(frame);
  });
}

/** Builds the panel in `section`; resolves once the first frame is drawn (the first run goes on animating). */
export async function mountSamplers(section: HTMLElement): Promise<void> {
  const parts = panelSkeleton(
    section,
    'Samplers on a 2-D mixture',
    'Eight Gaussians on a ring, denoised exactly: E[x | z<sub>t</sub>] is known in closed form, so any error is the ' +
      "sampler's. Pick a schedule, the network's output kind, a sampler and its settings; the particles follow " +
      'their trajectories step by step (orange: a few paths). With an exact denoiser every output kind gives the ' +
      'same x̂ and ε̂ — except that ε says nothing about x̂ where α = 0, so then the grid starts at t = 0.999.',
  );
  const schedule = select<ScheduleName>({ testid: 'samplers-schedule', label: 'schedule', options: SCHEDULE_NAMES, value: 'fm' });
  const output = select<OutputKind>({ testid: 'samplers-output', label: 'network output', options: OUTPUT_KINDS, value: 'u', labels: OUTPUT_LABELS });
  const sampler = select<SamplerName>({ testid: 'samplers-sampler', label: 'sampler', options: SAMPLER_NAMES, value: 'ddim', labels: SAMPLER_LABELS });
  const grid = select<GridName>({ testid: 'samplers-grid', label: 'time grid', options: GRID_NAMES, value: 'uniform' });
  const steps = slider({ testid: 'samplers-steps', label: 'steps', min: 1, max: 50, step: 1, value: 10 });
  const eta = slider({ testid: 'samplers-eta', label: 'η (DDIM, SDE)', min: 0, max: 1, step: 0.01, value: 0 });
  const churn = slider({ testid: 'samplers-churn', label: 'churn c', min: 0, max: 0.5, step: 0.01, value: 0.5 });
  const replay = document.createElement('button');
  replay.type = 'button';
  replay.textContent = 'Run again';
  replay.dataset.testid = 'samplers-run';
  parts.controls.append(schedule.root, output.root, sampler.root, grid.root, steps.root, eta.root, churn.root, replay);

  const stage = document.createElement('div');
  stage.className = 'stage';
  parts.figure.append(stage);
  const canvas = new ParticleCanvas(stage, problemFor('fm').data);
  const caption = document.createElement('p');
  caption.className = 'caption';
  parts.figure.append(caption);
  const error = document.createElement('p');
  error.className = 'error-line';
  error.dataset.testid = 'samplers-error';
  parts.readout.append(error);
  const detail = document.createElement('p');
  detail.className = 'detail';
  parts.readout.append(detail);
  parts.body.append(mathBox(SAMPLERS_MATH));

  const floor = energyDistance(mixtureOracle(DATA, scheduleByName('fm')).sample(N, rng(3)), problemFor('fm').data, 2);

  const syncEnabled = () => {
    const s = sampler.value();
    eta.setEnabled(s === 'ddim' || s === 'sde');
    churn.setEnabled(s === 'churn');
  };

  let current = 0;
  const run = async () => {
    const ticket = ++current;
    syncEnabled();
    const p = problemFor(schedule.value());
    const kind = output.value();
    const name = sampler.value();
    const [etaValue, churnValue] = [eta.value(), churn.value()];
    const oracle = mixtureOracle(DATA, p.schedule);
    const gridName = grid.value();
    const timeGrid = samplerGrid(gridName, p.schedule, kind, steps.value());
    const n = timeGrid.length - 1;
    const deterministic = isDeterministic(name, etaValue, churnValue);
    const exact = deterministic ? reference(p, timeGrid[0]) : undefined;
    const state = { schedule: schedule.value(), output: kind, sampler: name, steps: n, nfe: 0, error: NaN, frames: 0, done: false };
    hooks().panels.samplers = { ...state };

    const stepMs = Math.min(260, Math.max(16, 1600 / n));
    let shown = display(p.z1, p.schedule, timeGrid[0]);
    canvas.resetTrails(shown);
    canvas.draw(shown);
    let moving: Promise<void> = Promise.resolve();
    const inner = denoiserFromModel(oracle.model(kind), kind, p.schedule);
    const watched: Denoiser = {
      schedule: p.schedule,
      async denoise(z, t) {
        await moving;
        if (ticket !== current) throw new Cancelled();
        state.nfe++;
        return inner.denoise(z, t);
      },
    };
    const status = (i: number, t: number) => {
      caption.textContent =
        `step ${i} of ${n}, t = ${t.toFixed(3)}, ${state.nfe} denoiser calls` +
        (Math.hypot(p.schedule.alpha(t), p.schedule.sigma(t)) > 1 ? ' (drawn: z / √(α² + σ²))' : '');
    };
    status(0, timeGrid[0]);
    error.textContent = 'running…';
    detail.textContent = '';
    try {
      const z = await SAMPLERS[name](watched, p.z1, timeGrid, {
        rng: rng(1),
        eta: etaValue,
        churn: churnValue,
        onStep: ({ i, s, z: zs }) => {
          const next = display(zs, p.schedule, s);
          const from = shown;
          shown = next;
          moving = tween(canvas, from, next, stepMs, () => ticket === current).then(() => {
            if (ticket !== current) return;
            canvas.extendTrails(next);
            state.frames++;
            status(i + 1, s);
            hooks().panels.samplers = { ...state };
          });
        },
      });
      await moving;
      if (ticket !== current) return;
      const energy = energyDistance(z, p.data, 2);
      let rmse: number | undefined;
      if (exact) {
        error.textContent = 'running… (exact ODE answer)';
        const ref = await exact;
        if (ticket !== current) return;
        let sq = 0;
        for (let i = 0; i < z.length; i++) sq += (z[i] - ref[i]) ** 2;
        rmse = Math.sqrt(sq / N);
      }
      state.error = rmse ?? energy;
      state.done = true;
      hooks().panels.samplers = { ...state };
      error.textContent =
        rmse !== undefined ? `RMS distance to the exact ODE answer: ${fmt(rmse)} · energy distance to data: ${fmt(energy)}` : `energy distance to data: ${fmt(energy)} (stochastic run: no single exact answer)`;
      const start = timeGrid[0] < 1 ? ` from t = ${timeGrid[0]} (an ε-output has no x̂ where α = 0)` : '';
      detail.textContent =
        `${state.nfe} denoiser calls on a ${gridName} grid${start}. ` +
        (rmse !== undefined ? 'Exact answer: Dormand–Prince at rtol 10⁻⁸ from the same start points. ' : '') +
        `Estimator noise: two fresh data samples of ${N} points are ${fmt(floor)} apart in energy distance.`;
    } catch (e) {
      if (e instanceof Cancelled) return;
      if (ticket !== current) return;
      error.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
      state.done = true;
      hooks().panels.samplers = { ...state };
    }
  };

  let pending = 0;
  const restart = () => {
    current++; // cancels the run in progress at once
    const shownState = hooks().panels.samplers;
    if (shownState) hooks().panels.samplers = { ...shownState, done: false };
    syncEnabled();
    window.clearTimeout(pending);
    pending = window.setTimeout(() => void run(), 60);
  };
  for (const c of [schedule, output, sampler, grid, steps, eta, churn]) c.onChange(restart);
  replay.addEventListener('click', () => void run());
  void run();
}
