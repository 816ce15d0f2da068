/**
 * Panel 3, "Weightings" (the post's figure 3, live): the weightings w(λ) of the ε-MSE over λ ∈ [−10, 10],
 * each divided by its maximum on a fixed λ range (NORM_RANGE, its own grid: the curves do not depend on the
 * plot window), with the sigmoid's bias b on a slider; and, for a chosen schedule and output, the density
 * p(λ) of λ when t ~ U(0, 1) next to the weighting that training with that output's MSE implies,
 * p(λ) × (MSE factor of the output relative to the ε-MSE), normalised the same way and drawn over the named
 * weighting it equals or comes closest to.
 */
import {
  OUTPUT_KINDS,
  SCHEDULE_NAMES,
  WEIGHTING_NAMES,
  mseWeight,
  scheduleByName,
  uniformDensity,
  weighting,
  type OutputKind,
  type ScheduleName,
  type WeightingName,
} from '../../../src/core/index.js';
import { lineChart, PALETTE } from '../../../src/figures/plot/index.js';
import { hooks } from '../hooks.js';
import { mathBox, type Formula } from '../math.js';
import { ChartBox, fmt, panelSkeleton, select, slider } from './controls.js';

export const WEIGHTINGS_MATH: readonly Formula[] = [
  {
    label: 'The loss, for any weighting $w(\\lambda)$',
    tex:
      '\\mathcal L(x) = \\mathbb E_{t \\sim \\mathcal U(0,1),\\, \\varepsilon}\\left[ w(\\lambda_t) ' +
      '\\left(-\\frac{d\\lambda}{dt}\\right) \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2 \\right]',
  },
  {
    label: 'Another training density $p(\\lambda)$ only reweights the samples',
    tex:
      '\\mathcal L(x) = \\mathbb E_{\\lambda \\sim p,\\, \\varepsilon}\\left[ ' +
      '\\frac{w(\\lambda)}{p(\\lambda)} \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2 \\right]',
  },
  {
    label: "Each output's MSE is a weighted $\\varepsilon$-MSE",
    tex: [
      '\\lVert \\hat x - x \\rVert^2 = e^{-\\lambda} \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2',
      '\\lVert \\hat v - v \\rVert^2 = \\alpha^2 (e^{-\\lambda} + 1)^2 \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2',
      '\\lVert \\hat u - u \\rVert^2 = (e^{-\\lambda/2} + 1)^2 \\lVert \\hat\\varepsilon - \\varepsilon \\rVert^2',
    ],
  },
  {
    label: 'Weightings $w(\\lambda)$ (up to a constant)',
    tex: [
      '\\text{FM: } \\tfrac12 e^{-\\lambda/2}',
      '\\varepsilon\\text{-cosine: } \\frac{\\operatorname{sech}(\\lambda/2)}{2\\pi}',
      '\\text{EDM: } \\mathcal N(\\lambda; 2.4, 2.4^2)\\,(e^{-\\lambda} + \\tfrac14)',
      '\\text{SD3: } \\mathcal N(\\lambda; 0, 2^2)\\,(1 + e^{-\\lambda/2})^2',
      '\\text{sigmoid: } \\operatorname{sigmoid}(b - \\lambda)',
      '\\text{ELBO: } 1',
    ],
  },
  { label: 'Uniform $t$ on a schedule gives', tex: 'p(\\lambda) = \\left| \\frac{d\\lambda}{dt} \\right|^{-1}_{t = t(\\lambda)}' },
];

const LABELS: Record<WeightingName, string> = {
  fm: 'flow matching',
  'eps-cosine': 'ε-MSE, cosine',
  'v-cosine': 'v-MSE, cosine',
  edm: 'EDM',
  sd3: 'SD3',
  sigmoid: 'sigmoid(b − λ)',
  elbo: 'ELBO',
};
const OUTPUT_SYMBOLS: Record<OutputKind, string> = { eps: 'ε', x: 'x', v: 'v', u: 'u' };
/** The plot window in λ, and the fixed range on which every curve is normalised (its own grid, not the plot's). */
const WINDOW: [number, number] = [-10, 10];
export const NORM_RANGE: readonly [number, number] = [-10, 10];
const POINTS = 401;
const grid = ([lo, hi]: readonly [number, number]) => Array.from({ length: POINTS }, (_, i) => lo + ((hi - lo) * i) / (POINTS - 1));
const LAMBDA = grid(WINDOW);
const NORM_LAMBDA = grid(NORM_RANGE);

/** f over the plot window divided by the largest finite value of f on NORM_RANGE; non-finite or negative values become NaN (gaps). */
function normalised(f: (lambda: number) => number): number[] {
  const max = Math.max(...NORM_LAMBDA.map(f).filter((v) => Number.isFinite(v) && v >= 0));
  return LAMBDA.map((l) => {
    const v = f(l);
    return Number.isFinite(v) && v >= 0 && max > 0 ? v / max : NaN;
  });
}

/** The seven weightings over the plot window, each divided by its maximum on NORM_RANGE. */
export function computeWeightingCurves(bias: number): { lambda: number[]; curves: { name: WeightingName; w: number[] }[] } {
  return { lambda: LAMBDA, curves: WEIGHTING_NAMES.map((name) => ({ name, w: normalised((l) => weighting(name, { bias }).w(l)) })) };
}

/** p(λ) of t ~ U(0, 1) on `name`, and the weighting it implies with `output`'s MSE, normalised as the weightings are. */
export function impliedWeighting(name: ScheduleName, output: OutputKind): { density: number[]; implied: number[] } {
  const schedule = scheduleByName(name);
  const [lo, hi] = schedule.lambdaRange;
  const p = (l: number) => (l < lo || l > hi ? NaN : uniformDensity().pdfLambda(l, schedule));
  const implied = (l: number) => {
    const t = schedule.tOfLambda(l);
    return p(l) * mseWeight(output, schedule.alpha(t), schedule.sigma(t));
  };
  return { density: normalised(p), implied: normalised(implied) };
}

/** The named weighting closest to `curve` (mean absolute difference over the window), and that difference. */
export function closestWeighting(
  curve: readonly number[],
  curves: readonly { name: WeightingName; w: number[] }[],
): { name: WeightingName; distance: number } {
  const distance = (w: number[]) => {
    let sum = 0;
    let n = 0;
    w.forEach((v, i) => {
      if (Number.isFinite(v) && Number.isFinite(curve[i])) {
        sum += Math.abs(v - curve[i]);
        n++;
      }
    });
    return n > 0 ? sum / n : Infinity;
  };
  return curves.map((c) => ({ name: c.name, distance: distance(c.w) })).reduce((a, b) => (b.distance < a.distance ? b : a));
}

/** Builds the panel in `section` and draws it. */
export async function mountWeightings(section: HTMLElement): Promise<void> {
  const parts = panelSkeleton(
    section,
    'Weightings',
    'Every training objective is an ε-MSE weighted by some w(λ): the schedule used in training only changes the ' +
      'density p(λ) the noise levels are drawn from (and so the variance of the loss estimate), the weighting is ' +
      'the real choice. Flow matching (û-MSE, t uniform) is exactly the v-MSE on the cosine schedule. The second ' +
      "chart shows what uniform t on a schedule and an output's MSE amount to, normalised the same way, with the " +
      'named weighting it equals (or comes closest to) dashed.',
  );
  const bias = slider({ testid: 'weightings-bias', label: 'sigmoid bias b', min: -5, max: 5, step: 0.01, value: 0 });
  const schedule = select<ScheduleName>({
    testid: 'weightings-schedule',
    label: 'training schedule (t uniform)',
    options: SCHEDULE_NAMES,
    value: 'fm',
  });
  const output = select<OutputKind>({
    testid: 'weightings-output',
    label: 'output whose MSE is taken',
    options: OUTPUT_KINDS,
    value: 'u',
    labels: OUTPUT_SYMBOLS,
  });
  parts.controls.append(bias.root);
  const impliedControls = document.createElement('div');
  impliedControls.className = 'controls';
  impliedControls.append(schedule.root, output.root);
  parts.side.append(impliedControls);
  const curves = new ChartBox(parts.figure);
  const implied = new ChartBox(parts.side, { minWidth: 280, maxWidth: 560 });
  parts.body.append(mathBox(WEIGHTINGS_MATH));

  const range = `λ ∈ [${NORM_RANGE[0]}, ${NORM_RANGE[1]}]`.replace(/-/g, '−');
  // Flow matching as a wide pale band under the dashed v-cosine curve, so that both stay visible where they coincide.
  const style = (name: WeightingName, i: number) =>
    name === 'fm'
      ? { color: PALETTE[0], width: 7, opacity: 0.35 }
      : name === 'v-cosine'
        ? { color: '#1d2433', width: 2, dash: '6 4' }
        : { color: PALETTE[i % PALETTE.length], width: 2 };
  let curvesNow = computeWeightingCurves(bias.value());
  const drawCurves = () => {
    const b = bias.value();
    curvesNow = computeWeightingCurves(b);
    const data = curvesNow;
    curves.show((width) =>
      lineChart({
        id: 'weightings',
        width,
        height: Math.round(width < 560 ? width * 1.05 : Math.min(420, Math.max(320, width * 0.6))),
        title: `Weightings w(λ) of the ε-MSE, each ÷ its max on ${range}`,
        xLabel: 'log-SNR λ',
        yLabel: 'w(λ) / max',
        xDomain: WINDOW,
        yDomain: [0, 1.05],
        series: data.curves.map((c, i) => ({
          name: c.name === 'sigmoid' ? `sigmoid(${fmt(b)} − λ)` : LABELS[c.name],
          x: data.lambda,
          y: c.w,
          ...style(c.name, i),
        })),
        legend: width < 560 ? 'bottom' : 'right',
      }),
    );
    hooks().panels.weightings = { bias: b, lambda: data.lambda, curves: data.curves };
    drawImplied();
  };
  const drawImplied = () => {
    const [name, kind] = [schedule.value(), output.value()];
    const r = impliedWeighting(name, kind);
    const match = closestWeighting(r.implied, curvesNow.curves);
    const matchCurve = curvesNow.curves.find((c) => c.name === match.name)!;
    const same = match.distance < 0.01;
    implied.show((width) =>
      lineChart({
        id: 'implied',
        width,
        height: Math.round(Math.max(300, Math.min(400, width * 0.8))),
        title: `t ~ U(0, 1) on '${name}' with ${OUTPUT_SYMBOLS[kind]}-MSE`,
        xLabel: 'log-SNR λ',
        yLabel: 'value / max',
        xDomain: WINDOW,
        yDomain: [0, 1.05],
        series: [
          { name: 'p(λ), density of λ', x: LAMBDA, y: r.density, color: '#8a8a8a', fill: 'rgba(138,138,138,0.15)' },
          { name: `implied w(λ) = p(λ) × ${OUTPUT_SYMBOLS[kind]}-MSE factor`, x: LAMBDA, y: r.implied, color: PALETTE[3], width: 3 },
          {
            name: `${same ? '=' : 'closest:'} ${LABELS[match.name]}`,
            x: LAMBDA,
            y: matchCurve.w,
            color: '#1d2433',
            width: 1.5,
            dash: '4 3',
          },
        ],
        legend: 'bottom',
      }),
    );
    hooks().panels.weightings = {
      ...hooks().panels.weightings!,
      implied: { schedule: name, output: kind, closest: match.name, distance: match.distance },
    };
  };
  bias.onChange(drawCurves);
  schedule.onChange(drawImplied);
  output.onChange(drawImplied);
  drawCurves();
}
