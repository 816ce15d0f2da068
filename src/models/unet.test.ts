import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../core/rng.js';
import { gradients } from '../engine/autodiff.js';
import { Builder } from '../engine/builder.js';
import { interpret } from '../engine/interpret.js';
import { buildForward } from './denoiserGraph.js';
import { initParams, parameterCount } from './network.js';
import { unet } from './unet.js';

test('the default U-Net has ~0.56 M parameters, a one-hot label with a null class, and starts at output zero', () => {
  const net = unet();
  assert.equal(parameterCount(net), 556_353);
  assert.equal(net.classes, 10);
  assert.deepEqual(net.image, [1, 28, 28]);
  assert.deepEqual(net.params.find((p) => p.name === 'classEmbedding')?.shape, [11, 128]);
  assert.throws(() => unet({ channels: 12, groups: 8 }), /8 groups do not divide 12 channels/);
  const small = unet({ channels: 4, groups: 2, attention: false });
  const out = interpret(buildForward(small, 1, initParams(small, rng(0))), {
    z: rng(1).normals(784),
    t: [0.3],
    label: Float64Array.from({ length: 11 }, (_, i) => +(i === 4)),
  });
  assert.ok(
    out.out.every((v) => v === 0),
    'zero-initialised output conv',
  );
});

test('U-Net gradients match central finite differences (float64), through the label, time and attention paths', () => {
  const net = unet({ channels: 4, groups: 2, embedding: 8, timeFrequencies: 2 });
  const values = initParams(net, rng(2));
  values['out.W'] = Float32Array.from(rng(3).normals(values['out.W'].length), (v) => 0.3 * v);
  const g = new Builder();
  const p = Object.fromEntries(net.params.map((s) => [s.name, g.input(s.name, s.shape)]));
  const z = g.input('z', [1, 784]);
  const t = g.input('t', [1, 1]);
  const label = g.input('label', [1, 11]);
  const loss = g.sumAll(g.square(net.forward(g, p, z, t, label)));
  g.output('loss', loss);
  const checked = ['classEmbedding', 'time1.W', 'attn.q.W', 'down2.conv1.W', 'res1.skip.W', 'pool1.conv.W', 'up1.conv.W'];
  const grads = gradients(
    g,
    loss,
    checked.map((n) => p[n]),
  );
  checked.forEach((n, i) => g.output(`d.${n}`, grads[i]));
  const feeds: Record<string, Float64Array> = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Float64Array.from(v)]));
  feeds.z = rng(4).normals(784);
  feeds.t = Float64Array.of(0.2);
  feeds.label = Float64Array.from({ length: 11 }, (_, i) => +(i === 3));
  const out = interpret(g, feeds);
  const r = rng(5);
  for (const name of checked) {
    for (let trial = 0; trial < 1; trial++) {
      const k = Math.floor(r.uniform() * feeds[name].length);
      const h = 1e-5;
      const at = (delta: number) => {
        const f = { ...feeds, [name]: feeds[name].slice() };
        f[name][k] += delta;
        return interpret(g, f).loss[0];
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      const analytic = out[`d.${name}`][k];
      assert.ok(
        Math.abs(numeric - analytic) <= 1e-5 * (1 + Math.abs(numeric)),
        `${name}[${k}]: autodiff ${analytic}, finite difference ${numeric}`,
      );
    }
  }
});
