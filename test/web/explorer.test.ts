/**
 * The live explorer in a real browser: Debian's Chromium driven by playwright-core against the static build
 * (web/dist) served on loopback. Assertions are on the numbers the page plots (window.__difflow), not pixels;
 * screenshots of every panel go to test/web/artifacts/ and must not be blank.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parityRun } from '../../web/src/parity.js';
import type {} from '../../web/src/hooks.js';
import { inkFraction } from './pngStats.js';
import { serve } from './server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join('test', 'web', 'artifacts');
let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { encoding: 'utf8' });
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  server = await serve(join('web', 'dist'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.url);
  await page.waitForFunction(() => window.__difflow?.ready === true, null, { timeout: 60_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Sets an <input type=range|number> or <select> by data-testid and fires the events a user would. */
async function set(testid: string, value: string): Promise<void> {
  await page.locator(`[data-testid="${testid}"]`).evaluate((el, v) => {
    const input = el as HTMLInputElement | HTMLSelectElement;
    input.value = v;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

const panel = <K extends keyof Window['__difflow']['panels']>(key: K) => page.evaluate((k) => window.__difflow.panels[k], key) as Promise<Window['__difflow']['panels'][K]>;

test('the page loads with no console errors and every panel renders non-blank', async () => {
  for (const name of ['two-sides', 'samplers', 'weightings', 'churn', 'train']) {
    const shot = await page.locator(`[data-panel="${name}"]`).screenshot();
    writeFileSync(join(ARTIFACTS, `${name}.png`), shot);
    assert.ok(inkFraction(shot) > 0.02, `${name} panel looks blank (${inkFraction(shot)})`);
  }
  assert.deepEqual(problems, [], 'console errors or warnings');
});

test('moving the rescaling slider moves probability-flow Euler\'s end points but not DDIM\'s', async () => {
  await set('two-sides-theta', '0');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.theta === 0);
  const before = await panel('twoSides');
  await set('two-sides-theta', '1');
  await page.waitForFunction(() => window.__difflow.panels.twoSides?.theta === 1);
  const after = await panel('twoSides');
  assert.ok(before && after);
  after.ends.ddim.forEach((z, i) => assert.ok(Math.abs(z - before.ends.ddim[i]) < 1e-9, `DDIM end ${i}: ${before.ends.ddim[i]} → ${z}`));
  assert.ok(after.ends.euler.some((z, i) => Math.abs(z - before.ends.euler[i]) > 0.01), 'Euler ends move');
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

test('the churn slider moves weight from early to late steps', async () => {
  await set('churn-churn', '0');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0);
  const flat = (await panel('churn'))!.weights.map(Math.abs);
  await set('churn-churn', '0.5');
  await page.waitForFunction(() => window.__difflow.panels.churn?.churn === 0.5);
  const churned = (await panel('churn'))!.weights.map(Math.abs);
  assert.ok(Math.max(...flat) / Math.min(...flat) < 1.05, 'no churn: every step counts the same');
  assert.ok(churned[0] < 0.2 * churned[churned.length - 10], 'churn ½: the first steps are nearly forgotten');
});

test('the sampler panel animates particles and reports a finite error', async () => {
  await set('samplers-sampler', 'heun');
  await set('samplers-steps', '8');
  await page.waitForFunction(() => {
    const s = window.__difflow.panels.samplers;
    return s?.done === true && s.sampler === 'heun' && s.steps === 8;
  }, null, { timeout: 30_000 });
  const s = await panel('samplers');
  assert.ok(s!.frames >= 8, `frames ${s!.frames}`);
  assert.ok(Number.isFinite(s!.error) && s!.error >= 0, `error ${s!.error}`);
});

test('the browser and Node produce the same numbers for the same seed', async () => {
  const browserValues = await page.evaluate(() => window.__difflow.parity());
  const nodeValues = await parityRun();
  assert.equal(browserValues.length, nodeValues.length);
  browserValues.forEach((v, i) => assert.ok(Math.abs(v - nodeValues[i]) <= 1e-12 * Math.max(1, Math.abs(v)), `${i}: ${v} vs ${nodeValues[i]}`));
});

test('a short training run in the page lowers the loss, keeps the page responsive, and samples appear', async () => {
  // As a user would: the panel comes into view, the first interaction with it (here: focus) loads ONNX Runtime
  // and warms it up in the worker, then Train.
  await page.locator('[data-testid="train-start"]').scrollIntoViewIfNeeded();
  await page.locator('[data-testid="train-start"]').focus();
  await page.waitForFunction(() => window.__difflow.panels.train?.ready === true, null, { timeout: 90_000, polling: 250 });
  await page.locator('[data-testid="train-start"]').click();
  // Polled every 250 ms, not every frame: the test should not add work to the page it measures.
  await page.waitForFunction(() => (window.__difflow.panels.train?.losses.length ?? 0) >= 300, null, { timeout: 90_000, polling: 250 });
  await page.locator('[data-testid="train-stop"]').click();
  await page.waitForFunction(() => window.__difflow.panels.train?.running === false, null, { timeout: 10_000 });
  const t = (await panel('train'))!;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  assert.ok(mean(t.losses.slice(-50)) < 0.9 * mean(t.losses.slice(0, 50)), `loss ${mean(t.losses.slice(0, 50))} → ${mean(t.losses.slice(-50))}`);
  assert.ok(t.longestTaskMs <= 50, `the UI thread blocked for ${t.longestTaskMs} ms while training`);
  await page.locator('[data-testid="train-sample"]').click();
  await page.waitForFunction(() => (window.__difflow.panels.train?.samples.length ?? 0) > 0, null, { timeout: 30_000 });
  const samples = (await panel('train'))!.samples;
  assert.ok(samples.every(Number.isFinite) && samples.length >= 200, `${samples.length} sample values`);
  writeFileSync(join(ARTIFACTS, 'train-after.png'), await page.locator('[data-panel="train"]').screenshot());
  console.log(`browser training: ${t.stepsPerSecond.toFixed(1)} steps/s, longest main-thread task ${t.longestTaskMs.toFixed(0)} ms`);
});

test('on a phone-sized screen the page fits the width', async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(server.url);
  await phone.waitForFunction(() => window.__difflow?.ready === true, null, { timeout: 60_000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  writeFileSync(join(ARTIFACTS, 'phone.png'), await phone.screenshot({ fullPage: false }));
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  await phone.close();
});
