/**
 * Numbers as people type them on a command line or in a CSV file: plain decimals (`12`, `-0.5`, `1e-3`, `.5`).
 * `Number()` is too lenient for input: it reads `''` and `' '` as 0, `0x10` as 16 and `Infinity` as a number.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The value of a plain decimal literal (surrounding spaces allowed), NaN for anything else. */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
}
