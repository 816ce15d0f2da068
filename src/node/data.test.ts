import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DifflowError } from '../core/validate.js';
import { rng } from '../core/rng.js';
import { parsePoints } from './data.js';

const bytes = (text: string) => new TextEncoder().encode(text);

test('a CSV of points reads plain decimals with a comma, semicolon or spaces, and skips a header line', () => {
  for (const text of ['x,y\n1,2\n3.5,-4e-1\n', '1;2\r\n3.5;-0.4', '1 2\n 3.5\t-0.4 \n']) {
    const d = parsePoints('p.csv', bytes(text));
    const all = new Set(Array.from(d.sample(200, rng(0))));
    assert.deepEqual(
      [...all].sort((a, b) => a - b),
      [-0.4, 1, 2, 3.5],
    );
  }
});

test('a CSV with hex, an empty field, an infinity or a third column is refused, naming the point', () => {
  for (const [text, point] of [
    ['1,2\n0x10,3\n', 2],
    ['1,,2\n3,4\n', 1],
    ['1,2\n3,Infinity\n', 2],
    ['1,2,3\n4,5\n', 1],
    ['1,2\n3,\n', 2],
    ['1,2\n4,5e\n', 2],
  ] as const) {
    assert.throws(
      () => parsePoints('p.csv', bytes(text)),
      (e) => e instanceof DifflowError && e.message.includes(`point ${point} is not two finite numbers`),
      text,
    );
  }
});

test('a JSON file of points must hold numbers, not strings that look like numbers', () => {
  assert.throws(() => parsePoints('p.json', bytes('[[1, 2], ["3", 4]]')), /point 2 is not two finite numbers/);
  assert.throws(() => parsePoints('p.json', bytes('{"x": 1}')), /must hold an array of \[x, y\] pairs/);
});
