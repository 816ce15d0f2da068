/** Argument checks shared by the point-cloud metrics (internal; not re-exported). */
import { DifflowError, checkArrayFinite, checkBatch, checkInteger } from '../validate.js';

/**
 * Checks two flat point sets of dimension `dim` (finite, non-empty, length a multiple of `dim`, at least
 * `minPoints` points each) and returns their sizes.
 * @param x [n·dim]
 * @param y [m·dim]
 */
export function checkPointSets(
  nameX: string,
  x: ArrayLike<number>,
  nameY: string,
  y: ArrayLike<number>,
  dim: number,
  minPoints = 1,
): { readonly n: number; readonly m: number } {
  checkInteger('dim', dim);
  const n = checkBatch(nameX, x, dim);
  const m = checkBatch(nameY, y, dim);
  checkArrayFinite(nameX, x);
  checkArrayFinite(nameY, y);
  for (const [name, count] of [
    [nameX, n],
    [nameY, m],
  ] as const) {
    if (count < minPoints) {
      throw new DifflowError(`${name} must hold at least ${minPoints} points for this estimator, got ${count}`);
    }
  }
  return { n, m };
}
