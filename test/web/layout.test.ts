/**
 * The explorer as a shared link and on a phone: every control's value round-trips through the URL; the
 * built site's links to the README, the formula sheet and the explorer notes work from a plain static
 * server; at 390 px every control is a touch target of at least 32 px, formulas wrap instead of scrolling,
 * the page does not overflow, and the controls that drive a figure stay in view beside it. Screenshots of
 * every panel at 1280 and 390 px go to test/web/artifacts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, PANELS, panelShot, startExplorer, type Explorer } from './browser.js';
import { inkFraction } from './pngStats.js';

let explorer: Explorer;

before(async () => {
  explorer = await startExplorer();
});

after(async () => {
  await explorer?.close();
});

/** Every control of the explorer's panels: selects and inputs with a data-testid. */
const CONTROLS = PANELS.map((p) => `[data-panel="${p}"] select[data-testid], [data-panel="${p}"] input[data-testid]`).join(', ');

/** Sets every control to a value other than its default (as a user would, with input and change events); returns them. */
function changeEveryControl(page: Page, defaults: Record<string, string>): Promise<Record<string, string>> {
  return page.evaluate(
    ([selector, initial]) => {
      const values: Record<string, string> = {};
      for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(selector)) {
        const key = el.dataset.testid!;
        if (el instanceof HTMLSelectElement) {
          // Neither its value now nor its default (another control may have changed it, e.g. an output its weighting).
          const other = [...el.options].find((o) => o.value !== el.value && o.value !== initial[key])!;
          el.value = other.value;
        } else if (el.type === 'checkbox') {
          el.checked = !el.checked;
        } else {
          const [min, max, step] = [Number(el.min), Number(el.max), el.step === 'any' ? 0 : Number(el.step)];
          const v = Number(el.value);
          // The next step up, or down at the top of the range; 'any' steps: a nearby round value.
          const next = step > 0 ? (v + step <= max ? v + step : v - step) : v * 2 <= max ? v * 2 : v / 2;
          el.value = String(Math.max(min, Math.min(max, Number(next.toPrecision(12)))));
        }
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
      // Read back after every listener ran (one control may set another, e.g. an output's natural weighting).
      for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(selector)) {
        values[el.dataset.testid!] = el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
      }
      return values;
    },
    [CONTROLS, defaults] as const,
  );
}

function readControls(page: Page): Promise<Record<string, string>> {
  return page.evaluate((selector) => {
    const values: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(selector)) {
      values[el.dataset.testid!] = el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
    }
    return values;
  }, CONTROLS);
}

test('every control round-trips through the URL, and a fresh page opens the shared view', async () => {
  const page = await explorer.open(1280, 900);
  const defaults = await readControls(page);
  assert.ok(Object.keys(defaults).length >= 25, `only ${Object.keys(defaults).length} controls found`);
  const changed = await changeEveryControl(page, defaults);
  for (const key of Object.keys(defaults)) assert.notEqual(changed[key], defaults[key], `${key} did not change`);
  const query = new URL(page.url()).search;
  for (const key of Object.keys(changed)) assert.ok(new URLSearchParams(query).has(key), `${key} is not in the URL ${query}`);
  await page.close();
  const shared = await explorer.open(1280, 900, query);
  assert.deepEqual(await readControls(shared), changed);
  // The panels computed the shared view, not the defaults.
  const samplers = await shared.evaluate(() => window.__difflow.panels.samplers!);
  assert.equal(samplers.steps, Number(changed['samplers-steps']));
  await shared.close();
  assert.deepEqual(explorer.problems, [], 'console errors or warnings');
});

test('the built site links to the README, the formula sheet and the explorer notes, and their links resolve', async () => {
  const index = await (await fetch(explorer.url)).text();
  const pages = ['README.html', 'docs/FRAMEWORK.html', 'docs/explorer.html'];
  for (const href of pages) assert.ok(index.includes(`href="${href}"`), `index.html does not link ${href}`);
  for (const href of pages) {
    assert.ok(existsSync(join(explorer.dist, href)), `${href} is not in the build`);
    const response = await fetch(new URL(href, explorer.url));
    assert.equal(response.status, 200, href);
    const html = await response.text();
    assert.match(html, /<h1[^>]*>/, `${href} has a heading`);
    // Every relative link and image of the page resolves on the same static server.
    const targets = [...html.matchAll(/(?:href|src)="([^"#]+)(?:#[^"]*)?"/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
    for (const target of targets) {
      const status = (await fetch(new URL(target, new URL(href, explorer.url)))).status;
      assert.equal(status, 200, `${href} → ${target}`);
    }
  }
  assert.match(await (await fetch(new URL('docs/FRAMEWORK.html', explorer.url))).text(), /Conventions/);
});

test('on a phone every control is a 32 px touch target, formulas wrap, and nothing overflows', async () => {
  const phone = await explorer.open(390, 844);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `horizontal overflow of ${overflow}px`);
  const small = await phone.evaluate(
    (panels) => {
      const selector = ['header.site nav a', ...panels.map((p) => `[data-panel="${p}"] :is(input, select, button)`)].join(', ');
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        // A checkbox's target is its label; hidden controls (the drawing pad's) are skipped.
        const target = el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.closest('label') ?? el) : el;
        const box = target.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.width < 32 || box.height < 32)
          out.push(`${el.dataset.testid ?? el.textContent}: ${box.width.toFixed(0)}×${box.height.toFixed(0)}`);
      }
      return out;
    },
    [...PANELS],
  );
  assert.deepEqual(small, [], 'touch targets under 32 px');
  const wide = await phone.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.math dd')]
      .filter((dd) => dd.scrollWidth > dd.clientWidth + 1)
      .map((dd) => `${dd.previousElementSibling?.textContent}: ${dd.scrollWidth} > ${dd.clientWidth}`),
  );
  assert.deepEqual(wide, [], 'formulas that scroll sideways on a phone');
  for (const name of PANELS) {
    const shot = await panelShot(phone, name);
    writeFileSync(join(ARTIFACTS, `${name}-390.png`), shot);
    assert.ok(inkFraction(shot) > 0.02, `${name} panel looks blank at 390 px`);
  }
  await phone.close();
});

test('on a phone the time scrubber and the Train/Stop/Sample buttons stay in view beside their figures', async () => {
  const phone = await explorer.open(390, 844);
  const inView = (testid: string) =>
    phone.locator(`[data-testid="${testid}"]`).evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
    });
  // Scrolled twice, two frames apart: panels that come into view take their real height (content-visibility).
  const scrollTo = async (testid: string) => {
    for (let i = 0; i < 2; i++) {
      await phone.locator(`[data-testid="${testid}"]`).evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await phone.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    }
  };
  await scrollTo('samplers-canvas-ddpm');
  assert.ok(await inView('samplers-time'), 'the scrubber is out of view when the last canvases are');
  writeFileSync(join(ARTIFACTS, 'samplers-phone-scrubber.png'), await phone.screenshot());
  await scrollTo('train-samples');
  for (const id of ['train-start', 'train-stop', 'train-sample'])
    assert.ok(await inView(id), `${id} is out of view beside the samples chart`);
  writeFileSync(join(ARTIFACTS, 'train-phone-controls.png'), await phone.screenshot());
  await phone.close();
  assert.deepEqual(explorer.problems, [], 'console errors or warnings');
});
