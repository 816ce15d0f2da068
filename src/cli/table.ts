/**
 * Plain-text tables for the terminal (and Markdown, with `markdown: true`): the first column left-aligned, the
 * others right-aligned (numbers), or every column left-aligned with `text: true` (tables of words).
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: { markdown?: boolean; text?: boolean } = {},
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 || options.text ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join(options.markdown ? ' | ' : '  ');
  const sep = widths.map((w) => '-'.repeat(w)).join(options.markdown ? ' | ' : '  ');
  const body = [line(header), sep, ...rows.map(line)];
  return options.markdown ? body.map((l) => `| ${l} |`).join('\n') : body.map((l) => l.trimEnd()).join('\n');
}

/** A number in a short form for tables: 3 significant digits, exponent when small or large. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}
