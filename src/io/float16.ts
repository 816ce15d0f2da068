/**
 * IEEE binary16 (F16) and bfloat16 (BF16) as raw 16-bit patterns in Uint16Arrays, converted to and from
 * JavaScript numbers. Encoding rounds the number itself (float64, so float32 values too) to the nearest
 * representable value, ties to even, as PyTorch does from float32; values at or beyond the largest finite
 * value plus half a unit in the last place become ±∞; NaN becomes the positive quiet NaN (0x7E00, 0x7FC0;
 * PyTorch's vectorised BF16 conversion writes 0xFFFF). Decoding is exact, as PyTorch's: every F16 and BF16
 * value is a float32 value, and a NaN keeps its sign and payload.
 */

/** A 16-bit float format: its exponent and mantissa widths and its quiet NaN. */
interface Format {
  readonly exponentBits: number;
  readonly mantissaBits: number;
  readonly nan: number;
}

const F16: Format = { exponentBits: 5, mantissaBits: 10, nan: 0x7e00 };
const BF16: Format = { exponentBits: 8, mantissaBits: 7, nan: 0x7fc0 };

/** The nearest integer to q ≥ 0, ties to even. */
function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** ⌊log₂ a⌋ for a finite a > 0, exactly. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

function encode(x: number, { exponentBits, mantissaBits, nan }: Format): number {
  if (Number.isNaN(x)) return nan;
  const sign = x < 0 || Object.is(x, -0) ? 1 << 15 : 0;
  const a = Math.abs(x);
  const bias = 2 ** (exponentBits - 1) - 1;
  const infinity = (2 ** exponentBits - 1) << mantissaBits;
  // At or above the largest finite value plus half an ulp: the tie rounds to the even neighbour, ∞.
  if (a >= (2 - 2 ** -(mantissaBits + 1)) * 2 ** bias) return sign | infinity;
  const e = a === 0 ? -Infinity : exponentOf(a);
  // Subnormals (and zero) count units of 2^(1 − bias − mantissaBits); a carry into 2^mantissaBits is the smallest normal.
  if (e < 1 - bias) return sign | roundHalfEven(a * 2 ** (bias - 1 + mantissaBits));
  // Normals: the mantissa rounded; a carry into the exponent field is the next binade, exactly right.
  const mantissa = roundHalfEven((a / 2 ** e - 1) * 2 ** mantissaBits);
  return sign | (((e + bias) << mantissaBits) + mantissa);
}

function decode(bits: number, { exponentBits, mantissaBits }: Format): number {
  const sign = bits & (1 << 15) ? -1 : 1;
  const exponent = (bits >> mantissaBits) & (2 ** exponentBits - 1);
  const mantissa = bits & (2 ** mantissaBits - 1);
  const bias = 2 ** (exponentBits - 1) - 1;
  if (exponent === 2 ** exponentBits - 1) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** (1 - bias - mantissaBits);
  return sign * (1 + mantissa * 2 ** -mantissaBits) * 2 ** (exponent - bias);
}

/** The F16 bit patterns of `values`, each rounded to nearest, ties to even. */
export function toFloat16Bits(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from(values as ArrayLike<number>, (x) => encode(x, F16));
}

/** The values of F16 bit patterns, exactly (a NaN's sign and payload shifted into float32's). */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  const out = Float32Array.from(bits, (b) => decode(b, F16));
  const patterns = new Uint32Array(out.buffer);
  bits.forEach((b, i) => {
    if ((b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0) patterns[i] = ((b & 0x8000) << 16) | 0x7f800000 | ((b & 0x3ff) << 13);
  });
  return out;
}

/** The BF16 bit patterns of `values`, each rounded to nearest, ties to even. */
export function toBfloat16Bits(values: ArrayLike<number>): Uint16Array {
  return Uint16Array.from(values as ArrayLike<number>, (x) => encode(x, BF16));
}

/** The values of BF16 bit patterns, exactly: a BF16 value is the upper half of a float32's bits. */
export function fromBfloat16Bits(bits: Uint16Array): Float32Array {
  return new Float32Array(Uint32Array.from(bits, (b) => b << 16).buffer);
}
