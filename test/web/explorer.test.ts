/**
 * The live explorer in a real browser: Debian's Chromium driven by playwright-core against the static build
 * served on loopback. Assertions are on the numbers the page plots (window.__difflow), not pixels;
 * screenshots of every panel go to test/web/artifacts/ and must not be blank.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parityRun } from '../../web/src/parity.js';
import { ARTIFACTS, PANELS, panelShot, panelState, setControl, startExplorer, type Explorer } from './browser.js';
import { inkFraction } from './pngStats.js';

let explorer: Explorer;
let page: Page;

before(async () => {
  explorer = await startExplorer();
  page = await explorer.open(1280, 900);
});

after(async () => {
  await explorer?.close();
});

const set = (testid: string, value: string) => setControl(page, testid, value);
const panel = <K extends keyof Window['__difflow']['panels']>(key: K) => panelState(page, key);

test('the page loads with no console errors and every panel renders non-blank', async () => {
  for (const name of PANELS) {
    const shot = await panelShot(page, name);
    writeFileSync(join(ARTIFACTS, `${name}-1280.png`), shot);
    assert.ok(inkFraction(shot) > 0.02, `${name} panel looks blank (${inkFraction(shot)})`);
  }
  assert.deepEqual(explorer.problems, [], 'console errors or warnings');
});

test("moving the rescaling slider moves probability-flow Euler's end points but not DDIM's", async () => {
  await set('two-sides-theta', '0');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.theta === 0);
  const before = await panel('twoSides');
  await set('two-sides-theta', '1');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.theta === 1);
  const after = await panel('twoSides');
  assert.ok(before && after);
  after.ends.ddim.forEach((z, i) => assert.ok(Math.abs(z - before.ends.ddim[i]) < 1e-9, `DDIM end ${i}: ${before.ends.ddim[i]} → ${z}`));
  assert.ok(
    after.ends.euler.some((z, i) => Math.abs(z - before.ends.euler[i]) > 0.01),
    'Euler ends move',
  );
  // The data variance changes the exact answer: N(0, v) sends z₁ = −2 to −2·sqrt(v).
  await set('two-sides-variance', '0.25');
  await page.waitForFunction(() => Math.abs((window.__difflow.panels.twoSides?.variance ?? 0) - 0.25) < 1e-9);
  const wide = await panel('twoSides');
  assert.ok(Math.abs(wide!.ends.exact[0] - -1) < 1e-6, `exact end ${wide!.ends.exact[0]}`);
});

test('the weighting bias slider changes the sigmoid curve and nothing else', async () => {
  await set('weightings-bias', '0');
  await page.waitForFunction(() => window.__difflow.panels.weightings?.bias === 0);
  const a = await panel('weightings');
  await set('weightings-bias', '3');
  await page.waitForFunction(() => window.__difflow.panels.weightings?.bias === 3);
  const b = await panel('weightings');
  const curve = (p: typeof a, name: string) => p!.curves.find((c) => c.name === name)!.w;
  assert.notDeepEqual(curve(a, 'sigmoid'), curve(b, 'sigmoid'));
  assert.deepEqual(curve(a, 'fm'), curve(b, 'fm'));
});

test('the implied weighting of flow matching (t uniform, u-MSE) is the FM weighting, on the same scale', async () => {
  await set('weightings-schedule', 'fm');
  await set('weightings-output', 'u');
  await page.waitForFunction(
    () => window.__difflow.panels.weightings?.implied?.schedule === 'fm' && window.__difflow.panels.weightings.implied.output === 'u',
  );
  const w = (await panel('weightings'))!;
  assert.ok(['fm', 'v-cosine'].includes(w.implied!.closest) && w.implied!.distance < 1e-6, JSON.stringify(w.implied));
  const fm = w.curves.find((c) => c.name === 'fm')!.w;
  const v = w.curves.find((c) => c.name === 'v-cosine')!.w;
  fm.forEach((x, i) => assert.ok(Math.abs(x - v[i]) < 1e-9, `FM and v-cosine differ at λ = ${w.lambda[i]}`));
});

test('the churn slider moves weight from early to late steps', async () => {
  await set('churn-churn', '0');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0);
  const flat = (await panel('churn'))!.weights.map(Math.abs);
  await set('churn-churn', '0.5');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0.5);
  const churned = (await panel('churn'))!.weights.map(Math.abs);
  assert.ok(Math.max(...flat) / Math.min(...flat) < 1.05, 'no churn: every step counts the same');
  assert.ok(churned[0] < 0.2 * churned[churned.length - 10], 'churn ½: the first steps are nearly forgotten');
  // The jump: the starting noise keeps its weight at c = 0 and none at any c > 0 (λ₁ = −∞ on cosine).
  await set('churn-churn', '0');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0);
  assert.ok((await panel('churn'))!.start > 0.9);
  await set('churn-churn', '0.01');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0.01);
  assert.equal((await panel('churn'))!.start, 0);
});

test('the samplers run side by side from the same noise; the RMS distance to the exact ODE answer ranks them', async () => {
  await set('samplers-steps', '8');
  await page.waitForFunction(
    () => {
      const s = window.__difflow.panels.samplers;
      return s?.done === true && s.steps === 8;
    },
    null,
    { timeout: 30_000 },
  );
  const s = (await panel('samplers'))!;
  const run = (name: string) => s.runs.find((r) => r.sampler === name)!;
  assert.deepEqual(s.runs.map((r) => r.sampler).sort(), ['ddim', 'ddpm', 'dpmpp2m', 'heun']);
  // Point by point against the exact answer: no sampling noise, so even small differences separate the solvers.
  const [ddim, heun, dpm] = [run('ddim').rmsToExact, run('heun').rmsToExact, run('dpmpp2m').rmsToExact];
  assert.ok(heun < 0.8 * ddim && dpm < ddim, `RMS to exact: DDIM ${ddim}, Heun ${heun}, DPM-Solver++ ${dpm}`);
  assert.ok(Number.isNaN(run('ddpm').rmsToExact) && Number.isFinite(run('ddpm').spread), 'DDPM is measured by its spread alone');
  assert.ok(run('heun').nfe > run('ddim').nfe && run('ddim').nfe === 8, 'Heun pays for its accuracy in denoiser calls');
  for (const r of s.runs)
    assert.match(
      (await page.locator(`[data-testid="samplers-error-${r.sampler}"]`).textContent()) ?? '',
      r.deterministic ? /RMS to exact ODE answer/ : /stochastic · spread/,
    );
  // The scrubber moves every canvas to one time: at 0 the particles are the shared noise.
  await set('samplers-time', '0');
  await page.waitForFunction(() => window.__difflow.panels.samplers?.progress === 0);
  assert.equal(await page.locator('[data-testid="samplers-t"]').textContent(), 't = 1.000');
  const pixels = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('[data-testid^="samplers-canvas-"]')].map(
      (c) => `${c.width}×${c.height} ${c.toDataURL()}`,
    ),
  );
  assert.equal(pixels.length, 4);
  assert.ok(
    pixels.every((p) => p === pixels[0]),
    `at t = 1 every canvas shows the same noise (${pixels.map((p) => p.length).join(', ')})`,
  );
  await set('samplers-time', '1');
  await page.waitForFunction(() => window.__difflow.panels.samplers?.progress === 1);
  console.log(
    `samplers at 8 steps, RMS to exact: ${s.runs.map((r) => `${r.sampler} ${r.rmsToExact.toPrecision(3)} (${r.nfe} calls)`).join(', ')}; ` +
      `spread ${s.runs.map((r) => r.spread.toPrecision(3)).join(', ')}`,
  );
});

test('the zoom near t = 0 shows the end-point miss, and the legend stays put while a slider moves', async () => {
  await set('two-sides-theta', '0');
  await set('two-sides-variance', '0.01');
  await set('two-sides-steps', '5');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.theta === 0 && window.__difflow.panels.twoSides.steps === 5);
  const miss = (await panel('twoSides'))!.miss;
  assert.ok(Math.abs(miss.ddim - 0.64) < 0.01, `DDIM misses the end points by ${miss.ddim}`);
  assert.match((await page.locator('[data-testid="two-sides-zoom"]').textContent()) ?? '', /Near t = 0: end points miss by 64 %/);
  const plotBox = () => page.locator('#two-sides .chart svg g.legend').first().boundingBox();
  const before = await plotBox();
  await set('two-sides-variance', '1');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.variance === 1);
  assert.deepEqual(await plotBox(), before, 'the legend moved');
});

test('the browser and Node produce the same numbers for the same seed', async () => {
  const browserValues = await page.evaluate(() => window.__difflow.parity());
  const nodeValues = await parityRun();
  assert.equal(browserValues.length, nodeValues.length);
  browserValues.forEach((v, i) =>
    assert.ok(Math.abs(v - nodeValues[i]) <= 1e-12 * Math.max(1, Math.abs(v)), `${i}: ${v} vs ${nodeValues[i]}`),
  );
});

test('on a phone-sized screen the page fits the width', async () => {
  const phone = await explorer.open(390, 844);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  writeFileSync(join(ARTIFACTS, 'phone.png'), await phone.screenshot({ fullPage: false }));
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  await phone.close();
});
