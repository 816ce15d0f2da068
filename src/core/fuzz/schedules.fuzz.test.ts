import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzParameters, time } from '../../../test/helpers/fuzz.js';
import { allSchedules, violations } from '../../../test/helpers/schedules.js';

const schedules = allSchedules();

test('every schedule and transform keeps its properties at random times, near the ends most of all', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: schedules.length - 1 }), time(), (i, t) => {
      assert.deepEqual(violations(schedules[i], t), []);
    }),
    fuzzParameters(20),
  );
});

test('t(λ) of every schedule is in [0, 1] and monotone (to 1e-15) for any λ, infinities included', () => {
  const lambda = fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -60, max: 60, noNaN: true }));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: schedules.length - 1 }), lambda, lambda, (i, a, b) => {
      const s = schedules[i];
      const [ta, tb] = [s.tOfLambda(a), s.tOfLambda(b)];
      assert.ok(ta >= 0 && ta <= 1 && tb >= 0 && tb <= 1, `${s.name}: t(${a}) = ${ta}, t(${b}) = ${tb}`);
      if (a < b) assert.ok(ta >= tb - 1e-15, `${s.name}: λ ${a} < ${b} but t ${ta} < ${tb}`);
    }),
    fuzzParameters(20),
  );
});
