/**
 * Panel 4, "Churn" (the post's figure 4, live): cosine schedule, v-output, 100 uniform steps; the weight of
 * each step's v̂ in the final sample of the churn sampler (`predictionWeights`), for the churn on the slider,
 * drawn over the curves of churn 0, 0.1, …, 0.5.
 */
import { cosine, predictionWeights, uniformT } from '../../../src/core/index.js';
import { lineChart, PALETTE, type LineSeries } from '../../../src/figures/plot/index.js';
import { CHURNS } from '../../../src/figures/churn.js';
import { hooks } from '../hooks.js';
import { mathBox, type Formula } from '../math.js';
import { ChartBox, fmt, panelSkeleton, slider } from './controls.js';

export const CHURN_MATH: readonly Formula[] = [
  {
    label: 'One churn step: DDIM to $\\lambda_t + \\Delta\\lambda/(1-c)$, then re-noise to $\\lambda_s = \\lambda_t + \\Delta\\lambda$',
    tex: [
      'z_s = \\alpha_s \\hat x + \\sigma_s\\left(e^{-\\delta/2}\\hat\\varepsilon + \\sqrt{1 - e^{-\\delta}}\\,\\xi\\right)',
      '\\delta = \\frac{c}{1-c}\\,\\Delta\\lambda',
    ],
  },
  {
    label: '$c = 0$ is DDIM; $c = \\tfrac12$ is DDPM, i.e. $\\eta = 1$ in',
    tex: '\\tilde\\sigma^2 = \\eta^2 \\sigma_s^2 \\left(1 - e^{\\lambda_t - \\lambda_s}\\right)',
  },
  {
    label:
      'Each step is affine in $(z_t, \\hat v_t)$; on a VP schedule $\\hat x = \\alpha ' +
      'z - \\sigma \\hat v$, $\\hat\\varepsilon = \\sigma z + \\alpha \\hat v$, so',
    tex: ['z_s = A_i\\, z_t + B_i\\, \\hat v_t + \\text{noise}', 'B_i = \\sigma_s e^{-\\delta/2} \\alpha_t - \\alpha_s \\sigma_t'],
  },
  {
    label: "Unrolled over steps $i = 1 \\dots N$ from $t = 1$ (noise) to $t = 0$ (data): the weight of step $i$'s prediction",
    tex: ['z_0 = \\Big(\\prod_{i} A_i\\Big) z_1 + \\sum_i B_i \\prod_{j > i} A_j\\; \\hat v_i + \\text{noise}'],
  },
  {
    label: 'The jump at $c > 0$: the first step starts at $t = 1$, where $\\lambda_1 = -\\infty$ on the cosine schedule',
    tex: [
      '\\Delta\\lambda = \\infty \\;\\Rightarrow\\; \\delta = \\infty,\\quad e^{-\\delta/2} = 0',
      '\\text{so } z_1 \\text{ keeps weight } 0 \\text{ for every } c > 0',
    ],
  },
];

const STEPS = 100;

/** The weights (signed, as `predictionWeights` gives them) and the weight left on the starting noise. */
export function churnWeights(churn: number): { weights: number[]; start: number } {
  const r = predictionWeights(cosine(), uniformT(STEPS), churn, 'v');
  return { weights: Array.from(r.weights), start: r.start };
}

/** Builds the panel in `section` and draws it. */
export async function mountChurn(section: HTMLElement): Promise<void> {
  const parts = panelSkeleton(
    section,
    'Churn',
    'Stochastic samplers forget: each churn step undoes a fraction c of a DDIM step by adding fresh noise, so ' +
      'early predictions are washed out of the final sample and the last steps decide it. Cosine schedule, ' +
      'v-output, 100 steps from t = 1 to t = 0; grey: churn 0, 0.1, …, 0.5, the slider’s value in orange.',
  );
  const churn = slider({ testid: 'churn-churn', label: 'churn c', min: 0, max: 0.5, step: 0.01, value: 0.2 });
  parts.controls.append(churn.root);
  const box = new ChartBox(parts.figure);
  parts.body.append(mathBox(CHURN_MATH));
  const step = Array.from({ length: STEPS }, (_, i) => i + 1);
  // The reference curves, labelled, light (c = 0) to dark (c = ½); weights × 100 so that every tick is a plain decimal.
  const references: LineSeries[] = CHURNS.map((c, k) => ({
    name: `c = ${c}`,
    x: step,
    y: churnWeights(c).weights.map((w) => 100 * Math.abs(w)),
    color: `hsl(215, 15%, ${78 - 11 * k}%)`,
    width: 1.2,
  }));

  const draw = () => {
    const c = churn.value();
    const { weights, start } = churnWeights(c);
    const abs = weights.map(Math.abs);
    box.show((width) =>
      lineChart({
        id: 'churn',
        width,
        height: Math.round(Math.min(440, Math.max(320, width * 0.62))),
        title: `Weight of each step's v̂ in the final sample, churn c = ${c}`,
        xLabel: 'sampling step (1 = pure noise, 100 = data)',
        yLabel: '|weight| × 100',
        xDomain: [1, STEPS],
        yDomain: [0, 3.2],
        series: [...references, { name: `c = ${c} (slider)`, x: step, y: abs.map((w) => 100 * w), color: PALETTE[3], width: 3 }],
        legend: width < 560 ? 'bottom' : 'right',
      }),
    );
    const total = abs.reduce((a, b) => a + b, 0);
    let tail = 0;
    let last = 0;
    for (let i = STEPS - 1; i >= 0 && tail < total / 2; i--, last++) tail += abs[i];
    const zero = churnWeights(0).start;
    parts.readout.innerHTML =
      `<p>Half of the total |weight| sits on the last <b>${last}</b> step${last === 1 ? '' : 's'}; ` +
      `the starting noise z<sub>1</sub> keeps a weight of <b data-testid="churn-start">${fmt(start)}</b>.</p>` +
      `<p class="detail">The jump: at c = 0 (DDIM) z<sub>1</sub> keeps ${fmt(zero)}, at any c &gt; 0 it keeps 0. ` +
      'The first step starts at t = 1, where the cosine schedule has λ<sub>1</sub> = −∞: its Δλ is infinite, so is ' +
      'δ = cΔλ/(1 − c) for any c &gt; 0, and the re-noising replaces z<sub>1</sub> completely (e<sup>−δ/2</sup> = 0). ' +
      'The last step (to λ = +∞ at t = 0) has the same weight for every c for the same reason.</p>';
    hooks().panels.churn = { churn: c, weights, start };
  };
  churn.onChange(draw);
  draw();
}
