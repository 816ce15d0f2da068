import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromFloat16Bits, toFloat16, toFloat16Bits, fromFloat16 } from './float16.js';

test('every finite half round-trips through its value exactly', () => {
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) === 0x7c00) continue; // Inf and NaN below
    assert.equal(toFloat16Bits(fromFloat16Bits(h)), h === 0x8000 ? 0x8000 : h, `bits ${h.toString(16)}`);
  }
});

test('known values: one, the largest half, the smallest subnormal, infinities and NaN', () => {
  assert.equal(toFloat16Bits(1), 0x3c00);
  assert.equal(toFloat16Bits(-2), 0xc000);
  assert.equal(toFloat16Bits(65504), 0x7bff);
  assert.equal(fromFloat16Bits(0x7bff), 65504);
  assert.equal(fromFloat16Bits(0x0001), 2 ** -24);
  assert.equal(toFloat16Bits(2 ** -24), 0x0001);
  assert.equal(toFloat16Bits(1e6), 0x7c00);
  assert.equal(toFloat16Bits(-Infinity), 0xfc00);
  assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
  assert.equal(toFloat16Bits(2 ** -26), 0); // below half the smallest subnormal
});

test('conversion rounds to the nearest half, ties to even', () => {
  // Halves near 1 are 2^-10 apart.
  assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even (1)
  assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (1 + 2·2^-10)
  assert.equal(toFloat16Bits(1 + 2 ** -11 + 2 ** -20), 0x3c01); // above the tie
  assert.equal(toFloat16Bits(65519), 0x7bff); // below the overflow midpoint
  assert.equal(toFloat16Bits(65520), 0x7c00); // the midpoint rounds to even: Infinity
  assert.equal(toFloat16Bits(3 * 2 ** -25), 0x0002); // subnormal tie → even
  for (const v of [0.1, -3.14159, 1234.5, 6e-5, 1e-7]) {
    const back = fromFloat16(toFloat16([v]))[0];
    assert.ok(Math.abs(back - v) <= Math.max(Math.abs(v) * 2 ** -11, 2 ** -25), `${v} → ${back}`);
  }
});
