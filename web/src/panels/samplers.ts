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
import { ParticleCanvas, tween, yieldToBrowser } from './particles.js';

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

/** Display coordinates: z/max(1, √(α² + σ²)), so that σ-only schedules (VE, EDM, σ up to 80) stay in view. */
function display(z: Float64Array, schedule: Schedule, t: number): Float64Array {
  const k = 1 / Math.max(1, Math.hypot(schedule.alpha(t), schedule.sigma(t)));
  return k === 1 ? z : z.map((v) => k * v);
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
