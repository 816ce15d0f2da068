/**
 * Panel 1, "Two sides of one coin" (the post's figures 1 and 2, live): 1-D Gaussian data N(0, s²), exact
 * probability-flow paths from z_1 ∈ {±0.4, ±1.2, ±2} against DDIM and probability-flow Euler, on flow
 * matching rescaled by θ toward its VP version. DDIM's end points do not move with θ; Euler's do.
 */
import { lineChart, PALETTE, type LineSeries } from '../../../src/figures/plot/index.js';
import { START_POINTS, pathPanel, type PathPanel } from '../../../src/figures/twoSides.js';
import { hooks } from '../hooks.js';
import { mathBox, tex, type Formula } from '../math.js';
import { ChartBox, fixed, fmt, panelSkeleton, slider } from './controls.js';

export const TWO_SIDES_MATH: readonly Formula[] = [
  {
    label: 'Forward process and log-SNR',
    tex: ['z_t = \\alpha_t x + \\sigma_t \\varepsilon', '\\lambda_t = \\log\\frac{\\alpha_t^2}{\\sigma_t^2}'],
  },
  { label: 'DDIM step $t \\to s$', tex: 'z_s = \\alpha_s \\hat x + \\sigma_s \\hat\\varepsilon' },
  {
    label: 'Flow-matching Euler ($\\alpha = 1-t,\\ \\sigma = t$): the same step',
    tex: ['z_s = z_t + (s - t)\\,\\hat u', '\\hat u = \\hat\\varepsilon - \\hat x'],
  },
  { label: 'Probability-flow Euler (any schedule)', tex: "z_s = z_t + (s - t)\\,(\\alpha'_t \\hat x + \\sigma'_t \\hat\\varepsilon)" },
  {
    label: 'Rescaling by $c(t) = n(t)^{-\\theta}$ keeps $\\lambda_t$ ($\\theta = 1$: the VP version)',
    tex: ['(\\alpha_t, \\sigma_t) = \\frac{(1 - t,\\ t)}{n(t)^{\\theta}}', 'n(t) = \\sqrt{(1-t)^2 + t^2}'],
  },
  {
    label: 'Exact path for data $\\mathcal N(0, s^2)$',
    tex: 'z_t = \\sqrt{\\alpha_t^2 s^2 + \\sigma_t^2}\\;\\frac{z_1}{\\sqrt{\\alpha_1^2 s^2 + \\sigma_1^2}}',
  },
];

/** One setting's paths: the library's figure computation (src/figures/twoSides.ts) with the panel's step count. */
export type TwoSidesResult = PathPanel;

export function computeTwoSides(variance: number, theta: number, steps: number): Promise<TwoSidesResult> {
  return pathPanel(variance, theta, steps);
}

/** The three kinds of curves over t ≤ tMax, with one legend entry each. */
function pathSeries(r: TwoSidesResult, tMax: number): LineSeries[] {
  const series: LineSeries[] = [];
  const stepsLabel = `${r.steps} step${r.steps === 1 ? '' : 's'}`;
  const upTo = (t: readonly number[], y: readonly number[]) => {
    const keep = t.map((_, i) => i).filter((i) => t[i] <= tMax + 1e-12);
    return { x: keep.map((i) => t[i]), y: keep.map((i) => y[i]) };
  };
  r.exact.forEach((y, k) => series.push({ name: k === 0 ? 'exact path' : undefined, ...upTo(r.tFine, y), color: '#8a8a8a', width: 1.5 }));
  r.ddim.forEach((y, k) =>
    series.push({ name: k === 0 ? `DDIM, ${stepsLabel}` : undefined, ...upTo(r.tGrid, y), color: PALETTE[0], markers: true, width: 1.8 }),
  );
  r.euler.forEach((y, k) =>
    series.push({
      name: k === 0 ? `PF Euler, ${stepsLabel}` : undefined,
      ...upTo(r.tGrid, y),
      color: PALETTE[1],
      dash: '5 3',
      markers: true,
      width: 1.8,
    }),
  );
  return series;
}

/** The largest relative end-point error of `ends` against the exact end points. */
export function relativeEndError(r: TwoSidesResult, ends: readonly number[]): number {
  return Math.max(...ends.map((v, k) => Math.abs(v - r.ends.exact[k]) / Math.abs(r.ends.exact[k])));
}

function chart(r: TwoSidesResult, width: number): string {
  const label = r.theta === 0 ? ' (flow matching)' : r.theta === 1 ? ' (VP version)' : '';
  return lineChart({
    id: 'two-sides',
    width,
    height: Math.round(width < 520 ? width * 1.05 : Math.min(560, Math.max(320, width * 0.85))),
    title: `Data N(0, ${r.variance}), θ = ${r.theta}${label}`,
    xLabel: 't   (1 = noise, 0 = data)',
    yLabel: 'zₜ',
    xDomain: [0, 1],
    yDomain: [-2.6, 2.6],
    series: pathSeries(r, 1),
    // Below the plot, always: a legend that jumps between corners would move the curves while dragging.
    legend: 'bottom',
  });
}

/** Near t = 0, where the end points are decided: the last step's miss, magnified. */
const ZOOM_T = 0.25;

function zoomChart(r: TwoSidesResult, width: number): string {
  const ddimMiss = relativeEndError(r, r.ends.ddim);
  const eulerMiss = relativeEndError(r, r.ends.euler);
  return lineChart({
    id: 'two-sides-zoom',
    width,
    height: Math.round(Math.min(360, Math.max(260, width * 0.75))),
    title: `Near t = 0: end points miss by ${(100 * ddimMiss).toFixed(0)} % (DDIM), ${(100 * eulerMiss).toFixed(0)} % (Euler)`,
    xLabel: 't',
    yLabel: 'zₜ',
    xDomain: [0, ZOOM_T],
    series: pathSeries(r, ZOOM_T),
    legend: false,
  });
}

function endTable(r: TwoSidesResult): string {
  const rows = START_POINTS.map(
    (z, k) =>
      `<tr><td>${fixed(z, 1)}</td><td>${fixed(r.ends.exact[k])}</td><td ` +
      `class="c-ddim">${fixed(r.ends.ddim[k])}</td><td class="c-euler">${fixed(r.ends.euler[k])}</td></tr>`,
  ).join('');
  const maxErr = (ends: number[]) => Math.max(...ends.map((v, k) => Math.abs(v - r.ends.exact[k])));
  const pct = (ends: number[]) => `${(100 * relativeEndError(r, ends)).toFixed(0)} %`;
  return (
    `<table class="ends"><caption>End points ${tex('z_0')}</caption>` +
    `<thead><tr><th>${tex('z_1')}</th><th>exact</th><th class="c-ddim">DDIM</th><th class="c-euler">PF Euler</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>` +
    `<p class="summary">max error: DDIM <b class="c-ddim">${fmt(maxErr(r.ends.ddim))}</b> (${pct(r.ends.ddim)} of the exact end point), ` +
    `PF Euler <b class="c-euler">${fmt(maxErr(r.ends.euler))}</b> (${pct(r.ends.euler)})</p>`
  );
}

/** Builds the panel in `section` and draws it; resolves once the first result is shown. */
export async function mountTwoSides(section: HTMLElement): Promise<void> {
  const parts = panelSkeleton(
    section,
    'Two sides of one coin',
    'One-dimensional Gaussian data, sampled from six fixed start points. On flow matching (θ = 0) DDIM <em>is</em> ' +
      'the flow-matching Euler sampler. Slide θ to rescale the schedule toward its variance-preserving version: ' +
      'λ<sub>t</sub> does not change, so DDIM lands on the same end points, while probability-flow Euler moves. ' +
      'Widen the data to see that which schedule gives straight paths depends on the data.',
  );
  const steps = slider({ testid: 'two-sides-steps', label: 'steps', min: 1, max: 20, step: 1, value: 5 });
  const variance = slider({ testid: 'two-sides-variance', label: 'data variance s²', min: 0.01, max: 1, step: 0.01, value: 0.01 });
  const theta = slider({ testid: 'two-sides-theta', label: 'rescaling θ (FM → VP)', min: 0, max: 1, step: 0.01, value: 0 });
  parts.controls.append(steps.root, variance.root, theta.root);
  const box = new ChartBox(parts.figure);
  const zoomBox = new ChartBox(parts.side, { minWidth: 260, maxWidth: 480 });
  zoomBox.el.dataset.testid = 'two-sides-zoom';
  parts.body.append(mathBox(TWO_SIDES_MATH));

  let latest = 0;
  const update = async () => {
    const ticket = ++latest;
    const r = await computeTwoSides(variance.value(), theta.value(), steps.value());
    if (ticket !== latest) return;
    box.show((width) => chart(r, width));
    zoomBox.show((width) => zoomChart(r, width));
    parts.readout.innerHTML = endTable(r);
    const miss = { ddim: relativeEndError(r, r.ends.ddim), euler: relativeEndError(r, r.ends.euler) };
    hooks().panels.twoSides = { theta: r.theta, variance: r.variance, steps: r.steps, ends: r.ends, miss };
  };
  for (const c of [steps, variance, theta]) c.onChange(() => void update().catch(reportError));
  await update();
}
