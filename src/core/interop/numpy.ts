/**
 * The few numpy operations whose exact semantics diffusers' timestep and sigma tables depend on:
 * `np.linspace` (last point exact), `np.round` (half to even) and `np.interp` on an integer grid.
 */

/** np.linspace(start, stop, n): start + i·(stop − start)/(n − 1), with the last point exactly `stop`. */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  out[n - 1] = stop;
  return out;
}

/** np.round: to the nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.interp(x, arange(table.length), table): linear interpolation in the index, clamped at the ends. */
export function interpIndex(table: ArrayLike<number>, x: number): number {
  const last = table.length - 1;
  if (x <= 0) return table[0];
  if (x >= last) return table[last];
  const i = Math.floor(x);
  const w = x - i;
  return w === 0 ? table[i] : table[i] + (table[i + 1] - table[i]) * w;
}

/** The same array in reverse order (numpy's `[::-1]`). */
export function reversed(a: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[a.length - 1 - i]);
}
