import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDecimal } from './numbers.js';

test('parseDecimal reads plain decimals and exponents', () => {
  for (const [text, value] of [
    ['12', 12],
    ['-0.5', -0.5],
    ['1e-3', 1e-3],
    ['.5', 0.5],
    ['3.', 3],
    [' 7 ', 7],
    ['+2E2', 200],
  ] as const) {
    assert.equal(parseDecimal(text), value, text);
  }
});

test('parseDecimal refuses hex, empty text, infinities and trailing junk that Number() accepts or half-reads', () => {
  for (const text of ['', ' ', '0x10', '0b1', 'Infinity', '-Infinity', 'nan', '1,5', '1e', '--1', '1 2', '5px', '½']) {
    assert.ok(Number.isNaN(parseDecimal(text)), `'${text}'`);
  }
});
