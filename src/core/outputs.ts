/**
 * Network outputs ε̂, x̂, v̂, û and every conversion between them given z_t (FRAMEWORK.md §3).
 * All arrays are flat [batch·dim]; α, σ are the schedule's values at the current t.
 */
import { DifflowError, checkSameLength } from './validate.js';

/** What a network predicts: noise ε, data x, velocity v = αε − σx, or the flow-matching field u = ε − x. */
export type OutputKind = 'eps' | 'x' | 'v' | 'u';
export const OUTPUT_KINDS: readonly OutputKind[] = ['eps', 'x', 'v', 'u'];

/**
 * Why an output of `kind` determines no x̂ or ε̂ at (α, σ), or undefined where it determines both: ε̂ says nothing
 * about x̂ where α = 0 (x̂ = (z − σε̂)/α), x̂ nothing about ε̂ where σ = 0; v̂ and û need only α, σ ≥ 0, not both 0.
 * @example
 * ```ts
 * import { undetermined } from 'difflow';
 * undetermined('eps', 0, 1) !== undefined; // → true
 * undetermined('v', 0, 1); // → undefined
 * ```
 */
export function undetermined(kind: OutputKind, alpha: number, sigma: number): string | undefined {
  if (!(alpha >= 0 && sigma >= 0 && alpha + sigma > 0 && Number.isFinite(alpha + sigma))) {
    return `α and σ must be finite, ≥ 0 and not both 0, got α = ${alpha}, σ = ${sigma}`;
  }
  if (kind === 'eps' && alpha === 0) return 'an ε-prediction determines no x̂ where α = 0 (x̂ = (z − σε̂)/α): use an x, v or u output there';
  if (kind === 'x' && sigma === 0) return 'an x-prediction determines no ε̂ where σ = 0 (ε̂ = (z − αx̂)/σ): use an ε, v or u output there';
  return undefined;
}

/**
 * x̂ and ε̂ from an output of `kind` at z; refused where the output does not determine them (`undetermined`).
 * @example
 * ```ts
 * import { toXEps } from 'difflow';
 * const z = Float64Array.of(1), v = Float64Array.of(0.2); // v = αε − σx
 * const { x, eps } = toXEps('v', v, z, 0.6, 0.8);
 * [x[0], eps[0]]; // → [0.44, 0.92]
 * ```
 */
export function toXEps(
  kind: OutputKind,
  out: Float64Array,
  z: Float64Array,
  alpha: number,
  sigma: number,
): { x: Float64Array; eps: Float64Array } {
  const reason = undetermined(kind, alpha, sigma);
  if (reason) throw new DifflowError(reason);
  checkSameLength(`the ${kind} output`, out, 'z', z);
  const n = z.length;
  const x = new Float64Array(n);
  const eps = new Float64Array(n);
  switch (kind) {
    case 'eps':
      for (let i = 0; i < n; i++) {
        x[i] = (z[i] - sigma * out[i]) / alpha;
        eps[i] = out[i];
      }
      break;
    case 'x':
      for (let i = 0; i < n; i++) {
        x[i] = out[i];
        eps[i] = (z[i] - alpha * out[i]) / sigma;
      }
      break;
    case 'v': {
      const r = alpha * alpha + sigma * sigma;
      for (let i = 0; i < n; i++) {
        x[i] = (alpha * z[i] - sigma * out[i]) / r;
        eps[i] = (sigma * z[i] + alpha * out[i]) / r;
      }
      break;
    }
    case 'u': {
      const r = alpha + sigma;
      for (let i = 0; i < n; i++) {
        x[i] = (z[i] - sigma * out[i]) / r;
        eps[i] = (z[i] + alpha * out[i]) / r;
      }
      break;
    }
  }
  return { x, eps };
}

/**
 * The output of `kind` from x̂ and ε̂.
 * @example
 * ```ts
 * import { fromXEps } from 'difflow';
 * const x = Float64Array.of(1), eps = Float64Array.of(-1);
 * fromXEps('u', x, eps, 0.5, 0.5); // → [-2]
 * fromXEps('v', x, eps, 0.6, 0.8); // → [-1.4]
 * ```
 */
export function fromXEps(kind: OutputKind, x: Float64Array, eps: Float64Array, alpha: number, sigma: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  switch (kind) {
    case 'eps':
      out.set(eps);
      break;
    case 'x':
      out.set(x);
      break;
    case 'v':
      for (let i = 0; i < n; i++) out[i] = alpha * eps[i] - sigma * x[i];
      break;
    case 'u':
      for (let i = 0; i < n; i++) out[i] = eps[i] - x[i];
      break;
  }
  return out;
}

/**
 * Converts an output of kind `from` into kind `to` at z; refused where `from` does not determine x̂ and ε̂.
 * @example
 * ```ts
 * import { convert } from 'difflow';
 * const z = Float64Array.of(0.5), eps = Float64Array.of(1);
 * convert('eps', 'x', eps, z, 0.5, 0.5); // → [0]
 * ```
 */
export function convert(from: OutputKind, to: OutputKind, out: Float64Array, z: Float64Array, alpha: number, sigma: number): Float64Array {
  if (from === to) return Float64Array.from(out);
  const { x, eps } = toXEps(from, out, z, alpha, sigma);
  return fromXEps(to, x, eps, alpha, sigma);
}

/**
 * The factor by which an output's squared error exceeds the ε-squared error at (α, σ):
 * ‖ô − o‖² = mseWeight · ‖ε̂ − ε‖². x: σ²/α² = e^{−λ}; v: (α² + σ²)²/α² = α²(e^{−λ} + 1)²;
 * u: (1 + σ/α)² = (e^{−λ/2} + 1)²; ε: 1.
 * @example
 * ```ts
 * import { mseWeight } from 'difflow';
 * mseWeight('eps', 0.6, 0.8); // → 1
 * mseWeight('x', 0.6, 0.8); // → 1.778
 * ```
 */
export function mseWeight(kind: OutputKind, alpha: number, sigma: number): number {
  switch (kind) {
    case 'eps':
      return 1;
    case 'x':
      return (sigma / alpha) ** 2;
    case 'v':
      return (alpha * alpha + sigma * sigma) ** 2 / (alpha * alpha);
    case 'u':
      return (1 + sigma / alpha) ** 2;
  }
}

/**
 * The probability-flow velocity dz/dt = α' x̂ + σ' ε̂ (for flow matching: û).
 * @example
 * ```ts
 * import { flowMatching, pfVelocity } from 'difflow';
 * const fm = flowMatching();
 * const x = Float64Array.of(1), eps = Float64Array.of(0);
 * pfVelocity(x, eps, fm.dAlpha(0.5), fm.dSigma(0.5)); // → [-1]
 * ```
 */
export function pfVelocity(x: Float64Array, eps: Float64Array, dAlpha: number, dSigma: number): Float64Array {
  const v = new Float64Array(x.length);
  for (let i = 0; i < v.length; i++) v[i] = dAlpha * x[i] + dSigma * eps[i];
  return v;
}
