/** The training panel's words: the recipe of a run and the one-line status under the controls. */
import type { OutputKind } from '../../../src/core/index.js';
import type { DifflowHooks } from '../hooks.js';
import { fmt } from '../panels/controls.js';
import type { TrainSettings } from './protocol.js';

export type TrainHooks = NonNullable<DifflowHooks['panels']['train']>;

const OUTPUT_WORDS: Record<OutputKind, string> = {
  eps: 'the noise ε',
  x: 'the clean point x',
  v: 'the velocity v = α<sub>t</sub>ε − σ<sub>t</sub>x',
  u: 'the flow-matching velocity u = ε − x',
};

/** What one training step does, for the settings `s` (HTML). */
export function recipeHtml(s: TrainSettings): string {
  const dataText = s.data === 'draw' ? 'the points you drew' : s.data;
  return (
    `Each step draws ${s.batch} points x from <b>${dataText}</b>, times t ~ p(t) (<b>${s.density}</b>) and noise ε, forms ` +
    `z<sub>t</sub> = α<sub>t</sub>x + σ<sub>t</sub>ε on the <b>${s.schedule}</b> schedule, and the network ` +
    `(${2 + 4 * s.fourier + 16} → ${s.hidden} × ${s.layers} → 2, fed z, ${s.fourier} Fourier-feature frequencies of z and t's embedding) ` +
    `predicts <b>${OUTPUT_WORDS[s.output]}</b>. ` +
    `The loss is the weighted output MSE: each example’s squared error times w(λ)/(p(λ)·m<sub>o</sub>) for the ` +
    `<b>${s.weighting}</b> weighting w, so that any output trains the same ∫w(λ)·ε-MSE dλ. ` +
    `AdamW's learning rate ${s.lrSchedule === 'cosine' ? 'decays to 0 on a cosine' : 'stays constant'} after a short warm-up.`
  );
}

/** What the panel knows beyond the hooks' state. */
export interface StatusContext {
  readonly hasModel: boolean;
  readonly preparing: boolean;
  readonly target: number;
  readonly runtimeLabel: string;
}

/** The status line: what the run is doing (or how it ended), its speed, its loss and the runtime. */
export function statusText(state: TrainHooks, c: StatusContext): string {
  const words: string[] = [];
  if (state.running) words.push(c.hasModel ? `Training: step ${state.step} / ${c.target}` : 'Starting: compiling the training step…');
  else if (state.outcome === 'finished') words.push(`Finished: ${state.step} steps in ${state.seconds.toFixed(1)} s`);
  else if (state.outcome === 'stopped') words.push(`Stopped at step ${state.step} of ${c.target}`);
  else if (state.outcome === 'error') words.push(`Failed at step ${state.step}`);
  else
    words.push(
      c.preparing ? 'Not trained yet · preparing ONNX Runtime (WebAssembly compile and warm-up)…' : 'Not trained yet: press Train.',
    );
  if (state.stepsPerSecond > 0) words.push(`${state.stepsPerSecond.toFixed(0)} steps/s`);
  if (state.losses.length > 0) {
    const tail = state.losses.slice(-50);
    words.push(`loss ${fmt(tail.reduce((a, b) => a + b, 0) / tail.length)} (mean of the last ${tail.length})`);
  }
  if (c.runtimeLabel) words.push(c.runtimeLabel);
  return words.join(' · ');
}
