/** diffusers' `prediction_type` as a difflow output kind. */
import type { OutputKind } from '../outputs.js';
import { oneOf } from './config.js';

/** epsilon → ε̂, v_prediction → v̂ = αε − σx, sample → x̂ (all on the VP schedule of the β table). */
export const PREDICTION_KINDS = { epsilon: 'eps', v_prediction: 'v', sample: 'x' } as const satisfies Record<string, OutputKind>;
export type PredictionType = keyof typeof PREDICTION_KINDS;

export const predictionKey = oneOf<PredictionType>('epsilon', ['epsilon', 'v_prediction', 'sample'], 'what the model predicts');
