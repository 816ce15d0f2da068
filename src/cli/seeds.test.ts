import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivedSeed } from './seeds.js';

test('derived seeds are seed + k below the top of the range, so committed results keep their streams', () => {
  assert.equal(derivedSeed(0, 1), 1);
  assert.equal(derivedSeed(12345, 300), 12645);
  assert.equal(derivedSeed(2 ** 53 - 301, 300), 2 ** 53 - 1);
});

test('near 2^53 derived seeds wrap exactly instead of rounding, so no two seeds share a derived stream', () => {
  // In doubles, (2^53 − 100) + 100 and (2^53 − 99) + 100 are both 2^53.
  assert.equal(2 ** 53 - 100 + 100, 2 ** 53 - 99 + 100);
  for (const k of [1, 7, 100, 200, 300]) {
    const seen = new Set<number>();
    for (let s = 2 ** 53 - 2 * k; s < 2 ** 53; s++) {
      const d = derivedSeed(s, k);
      assert.ok(Number.isSafeInteger(d) && d >= 0, `${s} + ${k} → ${d}`);
      seen.add(d);
    }
    assert.equal(seen.size, 2 * k, `k = ${k}: one-to-one`);
  }
});
