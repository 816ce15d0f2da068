/**
 * Scales for the plot library: a map from a data domain to a pixel range, "nice" ticks (1, 2 or 5 × 10^k)
 * and compact tick labels ("0.2", "1e-3", "−10"). Linear on both axes; logarithmic (base 10) for y.
 */

/** A tick: its data value and its label. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** A map from `domain` (data) to `range` (pixels); `map` gives NaN where the scale has no value (log of v ≤ 0). */
export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  map(value: number): number;
  /** About `count` ticks inside the domain (ends included when they are nice), labelled consistently. */
  ticks(count?: number): readonly Tick[];
}

const MINUS = '\u2212';

/**
 * The nice step (1, 2 or 5 × 10^k) that cuts [lo, hi] into about `count` intervals (d3's rule: the candidate
 * nearest to span / count on a log scale), made smaller where fewer than two of its multiples lie in [lo, hi].
 */
export function tickStep(lo: number, hi: number, count = 5): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  let m = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  let p = power;
  // Smaller steps until at least two ticks fit (a narrow domain can fall between two multiples of the step).
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  while (Math.floor(b / (m * p) + 1e-9) - Math.ceil(a / (m * p) - 1e-9) < 1) {
    if (m === 1) [m, p] = [5, p / 10];
    else m = m === 10 ? 5 : m === 5 ? 2 : 1;
  }
  return m * p;
}

/** `i × step` as the double nearest the decimal value (3 × 0.2 gives 0.6, not 0.6000000000000001). */
function multiple(i: number, step: number): number {
  if (step >= 1) return i * step;
  const inv = Math.round(1 / step);
  if (Math.abs(1 / inv - step) < step * 1e-9) return i / inv;
  const k = Math.ceil(-Math.log10(step)) + 1;
  const scale = 10 ** k;
  return (i * Math.round(step * scale)) / scale;
}

/** The multiples of `tickStep(lo, hi, count)` that lie in [lo, hi], increasing; [0, 1] gives 0, 0.2, …, 1. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return [];
  if (a === b) return [a];
  const step = tickStep(a, b, count);
  const eps = step * 1e-9;
  const first = Math.ceil((a - eps) / step);
  const last = Math.floor((b + eps) / step);
  const out: number[] = [];
  for (let i = first; i <= last; i++) out.push(multiple(i, step) + 0); // + 0 turns −0 into 0
  return out;
}

/** `domain` widened outward to multiples of its tick step, so that the first and last ticks are its ends. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  const step = tickStep(lo, hi, count);
  return [multiple(Math.floor(lo / step + 1e-9), step), multiple(Math.ceil(hi / step - 1e-9), step)];
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function exponential(a: number, digits: number): string {
  let e = Math.floor(Math.log10(a));
  let m = Number((a / 10 ** e).toFixed(Math.max(0, digits)));
  if (m >= 10) {
    m /= 10;
    e += 1;
  }
  return `${trimZeros(m.toFixed(Math.max(0, digits)))}e${e}`;
}

/**
 * A compact label for a tick `value` on an axis with tick spacing `step`: at most as many decimals as the
 * step needs, trailing zeros dropped ("0.2", "1", "−10"); exponent form when the step is below 0.01 or at least 1e5 ("1e-3", "2.5e5").
 * Negative numbers take the typographic minus U+2212.
 */
export function formatTick(value: number, step: number): string {
  if (!Number.isFinite(value)) return '';
  if (Math.abs(value) < Math.abs(step) * 1e-9 || value === 0) return '0';
  const sign = value < 0 ? MINUS : '';
  const a = Math.abs(value);
  const stepExp = Math.floor(Math.log10(Math.abs(step)) + 1e-9);
  if (step < 0.01 || step >= 1e5) return sign + exponential(a, Math.floor(Math.log10(a) + 1e-9) - stepExp);
  return sign + trimZeros(a.toFixed(Math.max(0, -stepExp)));
}

/** A compact label for a number of any size: up to 4 significant digits, exponent form outside [0.01, 1e5). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  if (value === 0) return '0';
  const sign = value < 0 ? MINUS : '';
  const a = Math.abs(value);
  if (a < 0.01 || a >= 1e5) return sign + exponential(a, 3);
  return sign + trimZeros(a.toPrecision(4).includes('e') ? a.toFixed(0) : a.toPrecision(4));
}

function checkDomain(domain: readonly [number, number], positive: boolean): [number, number] {
  let [lo, hi] = domain;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`a scale's domain must be finite, got [${lo}, ${hi}]`);
  if (positive && !(lo > 0 && hi > 0)) throw new RangeError(`a log scale's domain must be positive, got [${lo}, ${hi}]`);
  if (lo === hi) {
    const d = positive ? 10 : Math.max(1, Math.abs(lo) * 0.1);
    [lo, hi] = positive ? [lo / d, hi * d] : [lo - d, hi + d];
  }
  return [lo, hi];
}

/** A linear scale from `domain` to `range`; an empty domain [a, a] is widened to [a − d, a + d]. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = checkDomain(domain, false);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return {
    kind: 'linear',
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => r0 + (v - d0) * k,
    ticks(count = 5) {
      const step = tickStep(d0, d1, count);
      return niceTicks(d0, d1, count).map((value) => ({ value, label: formatTick(value, step) }));
    },
  };
}

/** 10^k as the double nearest the decimal value. */
function pow10(k: number): number {
  return k >= 0 ? 10 ** k : 1 / 10 ** -k;
}

/**
 * Ticks of a log scale on [lo, hi]: powers of ten (those of k divisible by 2, 3, 5, 10, … when there are
 * more than about `count`); under three decades also 2× and 5× (or 3×) where they fit in about `count`;
 * linear ticks when fewer than two such ticks lie in the domain.
 */
export function logTicks(lo: number, hi: number, count = 5): Tick[] {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  const k0 = Math.ceil(Math.log10(a) - 1e-9);
  const k1 = Math.floor(Math.log10(b) + 1e-9);
  const inside = (v: number) => v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9);
  const label = (v: number) => formatNumber(v);
  if (k1 - k0 >= 2) {
    let every = 1;
    for (const m of [2, 3, 5, 10, 20, 50, 100]) if ((k1 - k0 + 1) / every > Math.max(1, count) + 1) every = m;
    const out: Tick[] = [];
    for (let k = k0; k <= k1; k++) if (k % every === 0) out.push({ value: pow10(k), label: label(pow10(k)) });
    return out;
  }
  for (const mantissas of [[1, 2, 5], [1, 3], [1]]) {
    const out: Tick[] = [];
    for (let k = Math.floor(Math.log10(a)); k <= k1; k++) {
      for (const m of mantissas) {
        const v = k >= 0 ? m * pow10(k) : m / 10 ** -k;
        if (inside(v)) out.push({ value: v, label: label(v) });
      }
    }
    if (out.length >= 2 && (out.length <= Math.max(1, count) + 1 || mantissas.length === 1)) return out;
  }
  const step = tickStep(a, b, count);
  return niceTicks(a, b, count).map((value) => ({ value, label: formatTick(value, step) }));
}

/** A base-10 logarithmic scale from a positive `domain` to `range`; `map(v)` is NaN for v ≤ 0. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = checkDomain(domain, true);
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  return {
    kind: 'log',
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN),
    ticks: (count = 5) => logTicks(d0, d1, count),
  };
}

/** The smallest and largest finite values (positive only, with `positive`) over `arrays`; undefined if none. */
export function extent(arrays: readonly ArrayLike<number>[], positive = false): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || (positive && !(v > 0))) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * A domain for data spanning [lo, hi], widened by `pad` × span on each side (in log10 units with `log`);
 * a single value gets a unit-wide (or one-decade) domain; no data (undefined) gives [0, 1] or [1, 10].
 */
export function paddedDomain(data: [number, number] | undefined, pad: number, log = false): [number, number] {
  if (data === undefined) return log ? [1, 10] : [0, 1];
  const [lo, hi] = log ? [Math.log10(data[0]), Math.log10(data[1])] : data;
  const span = hi - lo;
  const d = span > 0 ? span * pad : log ? 0.5 : Math.max(0.5, Math.abs(lo) * 0.1);
  const a = lo - d;
  const b = hi + d;
  return log ? [10 ** a, 10 ** b] : [a, b];
}
