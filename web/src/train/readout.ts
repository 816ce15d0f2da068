/**
 * The training panel's output area: the run buttons above the two charts (loss, samples) and the recipe line
 * in the figure; the status line and the error line (an alert) in the readout. Built once; the panel only
 * changes their contents.
 */
import { ChartBox, type panelSkeleton } from '../panels/controls.js';

export function trainReadout(parts: ReturnType<typeof panelSkeleton>, runBar: HTMLElement) {
  const charts = document.createElement('div');
  charts.className = 'train-charts';
  const recipe = document.createElement('p');
  recipe.className = 'train-recipe';
  // The run buttons sit above the charts (and stick to the top of the screen while the charts are in view).
  parts.figure.append(runBar, charts, recipe);
  const lossBox = new ChartBox(charts, { minWidth: 260, maxWidth: 560 });
  lossBox.el.dataset.testid = 'train-loss';
  const samplesBox = new ChartBox(charts, { minWidth: 260, maxWidth: 420 });
  samplesBox.el.dataset.testid = 'train-samples';

  // A persistent element: the text changes, nothing else.
  const status = document.createElement('p');
  status.className = 'train-status';
  status.dataset.testid = 'train-status';
  const errorLine = document.createElement('p');
  errorLine.className = 'train-error';
  errorLine.setAttribute('role', 'alert');
  errorLine.hidden = true;
  parts.readout.append(status, errorLine);

  return {
    lossBox,
    samplesBox,
    recipe,
    status,
    /** The width, in pixels, to draw a samples chart at: the box's, within [260, 420]. */
    samplesWidth: (): number => Math.round(Math.min(420, Math.max(260, samplesBox.el.clientWidth || 420))),
    /** Shows `message` in the error line; '' hides it. */
    showError: (message: string): void => {
      errorLine.textContent = message;
      errorLine.hidden = message === '';
    },
  };
}
