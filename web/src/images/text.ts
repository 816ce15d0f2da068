/** The images panel's words and formulas. */
import type { Formula } from '../math.js';

export const INTRO = `
A class-conditional U-Net that difflow trained on Fashion-MNIST (flow matching, u-output), run here by ONNX
Runtime with the same samplers as the other panels. Each step the network guesses the finished image
x̂ from the noisy z<sub>t</sub> — early guesses are blurry averages of the class, later ones sharpen — and the
sampler moves z<sub>t</sub> a little toward its guess. How the model was made and what
was measured: <a href="docs/explorer-images.html">notes on this panel</a>.`;

export const TRADE_OFF = `
Guidance w trades diversity for accuracy: w = 0 samples the unconditional model (any class), w = 1 the
conditional one, and w > 1 pushes each image further toward what the network thinks its class looks like —
more of them are recognisably the asked class, and the ten look more alike (the diversity number falls).
Too much guidance also moves them away from real images: FD-FMNIST is lowest near w = 2 (the table).`;

export const IMAGES_MATH: readonly Formula[] = [
  {
    label: 'Classifier-free guidance ($\\varnothing$: no class)',
    tex: '\\hat u_w = \\hat u(z_t, \\varnothing) + w\\,\\big(\\hat u(z_t, c) - \\hat u(z_t, \\varnothing)\\big)',
  },
  {
    label: 'The guess of the clean image (flow matching: $z_t = (1 - t)\\,x + t\\,\\varepsilon$, $u = \\varepsilon - x$)',
    tex: '\\hat x = z_t - t\\,\\hat u_w',
  },
];

/** w, accuracy (%), FD-FMNIST, diversity: `npx tsx scripts/web-model-guidance.ts 2 0 1 2 4` (docs/explorer-images.md). */
const MEASURED: readonly (readonly [number, number, number, number])[] = [
  [0, 9.5, 248.3, 0.763],
  [1, 80.0, 91.1, 0.58],
  [2, 90.5, 81.9, 0.517],
  [4, 98.0, 165.7, 0.483],
];

export const TRADE_OFF_TABLE = `<table class="images-table">
<caption>This model, measured with this page's sampling code (200 images per w: 20 per class, DPM-Solver++ 2M, 20 steps)</caption>
<thead><tr><th>w</th><th>recognised as the asked class</th><th>FD-FMNIST (lower: closer to real images)</th><th>diversity</th></tr></thead>
<tbody>${MEASURED.map(
  ([w, accuracy, fd, spread]) =>
    `<tr><td>${w}</td><td>${accuracy.toFixed(1)} %</td>` + `<td>${fd.toFixed(1)}</td><td>${spread.toFixed(3)}</td></tr>`,
).join('')}</tbody>
</table>`;
