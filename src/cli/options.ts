/**
 * Parsers for the command line's values: each names its flag and the valid values when it refuses one, so a
 * mistake is one line (exit 2). Numbers are plain decimals (data/numbers.ts): `''`, `0x10` and `Infinity` are refused.
 */
import { DifflowError } from '../core/validate.js';
import { parseDecimal } from '../data/numbers.js';
import { MAX_SEED } from '../training/config.js';
import { checkMemory, samplingBytes } from '../node/resources.js';

/** A finite number. */
export const numberOption =
  (flag: string) =>
  (text: string): number => {
    const x = parseDecimal(text);
    if (!Number.isFinite(x)) throw new DifflowError(`${flag} must be a number, got '${text}'`);
    return x;
  };

/** An integer in [min, max]. */
export const integerOption =
  (flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  (text: string): number => {
    const n = parseDecimal(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new DifflowError(
        `${flag} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}, got '${text}'`,
      );
    }
    return n;
  };

/** A seed: any integer in [0, 2⁵³). */
export const seedOption = (text: string): number => {
  const n = parseDecimal(text);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SEED) throw new DifflowError(`--seed must be an integer in [0, 2^53), got '${text}'`);
  return n;
};

/** A file or folder path: not empty. */
export const pathOption =
  (flag: string) =>
  (text: string): string => {
    if (text.trim() === '') throw new DifflowError(`${flag} must name a file or folder, got an empty path`);
    return text;
  };

/** A count of 2-D points, refused when the points cannot fit in memory. */
export const pointsOption =
  (flag: string) =>
  (text: string): number => {
    const n = integerOption(flag)(text);
    checkMemory(`${flag} ${text}`, samplingBytes(n, 2));
    return n;
  };

/** Sampling steps: at least 1, and a time grid that fits in memory. */
export const stepsOption = (text: string): number => {
  const n = integerOption('--steps')(text);
  checkMemory(`--steps ${text}`, samplingBytes(0, 0, n));
  return n;
};
