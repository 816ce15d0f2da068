/** Argument checks that name the offending argument; every public entry point uses them. */

/** An error caused by the caller's input (the CLI prints its message without a stack trace). */
export class DifflowError extends Error {
  override name = 'DifflowError';
}

/**
 * Throws unless `t` is a number in [0, 1].
 * @example
 * ```ts
 * import { checkTime } from 'difflow';
 * checkTime('t', 0.5);
 * checkTime('t', 1.5); // throws
 * ```
 */
export function checkTime(name: string, t: number): void {
  if (typeof t !== 'number' || Number.isNaN(t) || t < 0 || t > 1) {
    throw new DifflowError(`${name} must be a time in [0, 1], got ${t}`);
  }
}

/**
 * Throws unless `n` is an integer ≥ `min`.
 * @example
 * ```ts
 * import { checkInteger } from 'difflow';
 * checkInteger('steps', 10);
 * checkInteger('steps', 0); // throws
 * checkInteger('index', 0, 0);
 * ```
 */
export function checkInteger(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new DifflowError(`${name} must be an integer ≥ ${min}, got ${n}`);
}

/**
 * Throws unless `x` is a finite number (optionally within [lo, hi]).
 * @example
 * ```ts
 * import { checkFinite } from 'difflow';
 * checkFinite('shift', -2);
 * checkFinite('p', 0.5, 0, 1);
 * checkFinite('x', NaN); // throws
 * ```
 */
export function checkFinite(name: string, x: number, lo = -Infinity, hi = Infinity): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
    const range = lo === -Infinity && hi === Infinity ? 'a finite number' : `a finite number in [${lo}, ${hi}]`;
    throw new DifflowError(`${name} must be ${range}, got ${x}`);
  }
}

/**
 * Throws unless `x > 0` and finite.
 * @example
 * ```ts
 * import { checkPositive } from 'difflow';
 * checkPositive('std', 0.5);
 * checkPositive('std', 0); // throws
 * ```
 */
export function checkPositive(name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new DifflowError(`${name} must be a finite number > 0, got ${x}`);
}

/**
 * Throws if any entry of `z` is NaN or ±Infinity, naming the first bad index.
 * @example
 * ```ts
 * import { checkArrayFinite } from 'difflow';
 * checkArrayFinite('z', [0, 1, -2]);
 * checkArrayFinite('z', [0, Infinity]); // throws
 * ```
 */
export function checkArrayFinite(name: string, z: ArrayLike<number>): void {
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i])) throw new DifflowError(`${name} must be finite, but ${name}[${i}] = ${z[i]}`);
  }
}

/**
 * Throws unless `a.length === b.length`.
 * @example
 * ```ts
 * import { checkSameLength } from 'difflow';
 * checkSameLength('x', [1, 2], 'y', [3, 4]);
 * checkSameLength('x', [1, 2], 'y', [3]); // throws
 * ```
 */
export function checkSameLength(nameA: string, a: ArrayLike<number>, nameB: string, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new DifflowError(`${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`);
  }
}

/**
 * Throws unless `z.length` is a positive multiple of `dim`; returns the batch size.
 * @example
 * ```ts
 * import { checkBatch } from 'difflow';
 * checkBatch('z', new Float64Array(6), 2); // → 3
 * checkBatch('z', new Float64Array(5), 2); // throws
 * ```
 */
export function checkBatch(name: string, z: ArrayLike<number>, dim: number): number {
  if (z.length === 0 || z.length % dim !== 0) {
    throw new DifflowError(`${name} must hold [batch, ${dim}] values (a multiple of ${dim}), got length ${z.length}`);
  }
  return z.length / dim;
}

/**
 * Throws unless `name` is one of `valid`, listing the valid values.
 * @example
 * ```ts
 * import { checkName } from 'difflow';
 * checkName('grid', 'karras', ['uniform', 'karras']); // → 'karras'
 * checkName('grid', 'krras', ['uniform', 'karras']); // throws
 * ```
 */
export function checkName<T extends string>(what: string, name: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(name)) {
    throw new DifflowError(`unknown ${what} '${name}'; valid: ${valid.join(', ')}`);
  }
  return name as T;
}
