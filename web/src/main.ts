/// <reference types="vite/client" />
/**
 * The live explorer: mounts panels 1–4 (computed in the browser with the same library code as Node), the
 * Fashion-MNIST images panel (its worker and ONNX Runtime load on first use), then the training panel, which
 * is loaded on its own so that the page works without it.
 */
import 'katex/dist/katex.min.css';
import './style.css';
import { hooks } from './hooks.js';
import { parityRun } from './parity.js';
import { mountImages } from './images/panel.js';
import { mountChurn } from './panels/churn.js';
import { mountSamplers } from './panels/samplers.js';
import { mountTwoSides } from './panels/twoSides.js';
import { mountWeightings } from './panels/weightings.js';

interface TrainModule {
  mountTrainPanel(el: HTMLElement): void | Promise<void>;
}

/** The training panel's module, bundled when web/src/train/panel.ts exists (an empty match otherwise). */
const trainModules = import.meta.glob<TrainModule>('./train/panel.{ts,js}');

function section(name: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`section[data-panel="${name}"]`);
  if (!el) throw new Error(`index.html has no <section data-panel="${name}">`);
  return el;
}

async function mountTrain(el: HTMLElement): Promise<void> {
  const placeholder = el.querySelector('.placeholder');
  try {
    const load = Object.values(trainModules)[0];
    if (!load) throw new Error('./train/panel.js is not part of this build');
    const m = await load();
    await m.mountTrainPanel(el);
    placeholder?.remove();
  } catch (e) {
    console.error('difflow: the training panel could not be loaded', e);
    if (placeholder) placeholder.textContent = 'The training panel could not be loaded in this browser.';
  }
}

async function main(): Promise<void> {
  const h = hooks();
  h.parity = parityRun;
  await Promise.all([
    mountTwoSides(section('two-sides')),
    mountSamplers(section('samplers')),
    mountWeightings(section('weightings')),
    mountChurn(section('churn')),
  ]);
  mountImages(section('images'));
  h.ready = true;
  await mountTrain(section('train'));
}

void main();
