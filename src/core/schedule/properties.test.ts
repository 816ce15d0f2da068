import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDGE_TIMES, allSchedules, violations } from '../../../test/helpers/schedules.js';

// Every schedule the library makes and every transform of each (test/helpers/schedules.ts): the schedule
// properties of docs/reliability.md ("The core maths") at and near t ∈ {0, 1} and at a spread of inner times.
const times = [...EDGE_TIMES, ...Array.from({ length: 40 }, (_, i) => (i + 0.5 + 0.1234 * Math.sin(i)) / 40)];

for (const s of allSchedules()) {
  test(`${s.name} keeps λ = log α²/σ², α' and σ' consistent with λ' and with finite differences, and t(λ(t)) = t`, () => {
    const found = times.flatMap((t) => violations(s, t));
    assert.deepEqual(found.slice(0, 5), []);
  });
}
