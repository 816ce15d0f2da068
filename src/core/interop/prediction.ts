/** diffusers' `prediction_type` as a difflow output kind, and the thresholding keys difflow leaves at their defaults. */
import type { OutputKind } from '../outputs.js';
import { inert, oneOf, onlyFalse } from './config.js';

/** epsilon → ε̂, v_prediction → v̂ = αε − σx, sample → x̂ (all on the VP schedule of the β table). */
export const PREDICTION_KINDS = { epsilon: 'eps', v_prediction: 'v', sample: 'x' } as const satisfies Record<string, OutputKind>;
export type PredictionType = keyof typeof PREDICTION_KINDS;

export const predictionKey = oneOf<PredictionType>('epsilon', ['epsilon', 'v_prediction', 'sample'], 'what the model predicts');

/** Dynamic thresholding (Imagen) needs the per-image layout of the batch, which a flat sample does not carry. */
export const thresholdingKeys = {
  thresholding: onlyFalse('dynamic thresholding of x̂ (Saharia et al. 2022)'),
  dynamic_thresholding_ratio: inert('used only with thresholding = true'),
  sample_max_value: inert('used only with thresholding = true'),
} as const;
