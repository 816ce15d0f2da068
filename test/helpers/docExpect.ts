// The checks that test/docExamples.test.ts writes into the core's `@example` blocks.
import assert from 'node:assert/strict';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** `actual` as the example prints it: a number to the digits of `expected`, an array element by element. */
function matches(actual: unknown, expected: string): boolean {
  const text = expected.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const parts = text
      .slice(1, -1)
      .split(',')
      .map((p) => p.trim());
    const values = Array.from(actual as ArrayLike<unknown>);
    return values.length === parts.length && values.every((v, i) => matches(v, parts[i]));
  }
  if (NUMBER.test(text) && typeof actual === 'number') {
    const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
    const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
    return Math.abs(actual - Number(text)) <= 0.5 * 10 ** (Number(exponent) - decimals);
  }
  if (text === 'Infinity' || text === '-Infinity') return actual === Number(text);
  return String(actual) === text.replace(/^'(.*)'$/, '$1');
}

function shown(value: unknown): string {
  const listed = Array.isArray(value) || ArrayBuffer.isView(value);
  return listed ? `[${Array.from(value as ArrayLike<unknown>).join(', ')}]` : String(value);
}

/** Fails unless `actual` prints as `expected` (the text after `// →`). */
export function __expect(actual: unknown, expected: string): void {
  assert.ok(matches(actual, expected), `expected ${expected}, got ${shown(actual)}`);
}

/** Fails unless `run` throws a DifflowError (a line marked `// throws`). */
export function __throws(run: () => unknown): void {
  assert.throws(run, { name: 'DifflowError' });
}
