import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeRuntime } from '../engine/ortNode.js';
import { makeConfig } from './config.js';
import { Trainer, type TrainState } from './trainer.js';

/** A deep copy of a state, to see whether a step changed the one it was given. */
const copy = (s: TrainState): TrainState => ({
  ...s,
  params: s.params.slice(),
  m: s.m.slice(),
  v: s.v.slice(),
  ema: s.ema.slice(),
  rngState: s.rngState.slice(),
  losses: [...s.losses],
});

test('a step maps a state to the next, leaving the one it was given unchanged; the same state steps to the same next state', async () => {
  const trainer = await Trainer.create(
    makeConfig({ data: 'moons', batch: 64, hidden: 32, layers: 2, threads: 1, spinning: false }),
    nodeRuntime,
  );
  try {
    const s0 = trainer.freshState();
    const before = copy(s0);
    const a = await trainer.step(s0);
    assert.deepEqual(s0, before, 'the state handed to step() is unchanged');
    const b = await trainer.step(s0);
    assert.deepEqual(a.state, b.state, 'stepping the same state twice gives the same next state');
    assert.equal(a.state.step, 1);
    assert.deepEqual(a.state.losses, [a.loss]);
    assert.notDeepEqual([...a.state.params], [...s0.params], 'the parameters moved');
    assert.notDeepEqual([...a.state.rngState], [...s0.rngState], 'the generator moved on');
    const c = await trainer.step(a.state);
    assert.equal(c.state.step, 2);
    assert.deepEqual(c.state.losses, [a.loss, c.loss]);
    assert.deepEqual(a.state.losses, [a.loss], 'the earlier state keeps its own loss history');
  } finally {
    await trainer.release();
  }
});
