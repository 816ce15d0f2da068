/** The formulas beside the samplers panel: one canonical prediction, and each sampler's update. */
import type { Formula } from '../math.js';

export const SAMPLERS_MATH: readonly Formula[] = [
  {
    label: 'Every output gives $\\hat x$ and $\\hat\\varepsilon$, e.g.',
    tex: [
      '\\hat x = \\frac{\\alpha z - \\sigma \\hat v}{\\alpha^2 + \\sigma^2}',
      '\\hat x = \\frac{z - \\sigma \\hat u}{\\alpha + \\sigma}',
      '\\hat\\varepsilon = \\frac{z - \\alpha \\hat x}{\\sigma}',
    ],
  },
  {
    label: '$\\eta$-sampler ($\\eta = 0$: DDIM, $\\eta = 1$: DDPM)',
    tex: [
      'z_s = \\alpha_s \\hat x + \\sqrt{\\sigma_s^2 - \\tilde\\sigma^2}\\,\\hat\\varepsilon + \\tilde\\sigma \\xi',
      '\\tilde\\sigma^2 = \\eta^2 \\sigma_s^2 \\left(1 - e^{\\lambda_t - \\lambda_s}\\right)',
    ],
  },
  {
    label: 'Churn $c$: DDIM to $\\lambda_t + \\Delta\\lambda/(1-c)$, then re-noise to $\\lambda_s$',
    tex: [
      'z_s = \\alpha_s \\hat x + \\sigma_s\\left(e^{-\\delta/2}\\hat\\varepsilon + \\sqrt{1 - e^{-\\delta}}\\,\\xi\\right)',
      '\\delta = \\tfrac{c}{1-c}\\,\\Delta\\lambda',
    ],
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
