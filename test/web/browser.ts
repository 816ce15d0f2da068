/**
 * What every browser test file needs: the explorer built once per test process (into its own temporary
 * folder, so that test files running side by side do not overwrite each other's build), served on loopback,
 * Debian's Chromium driven by playwright-core, and the page's console watched for errors and warnings.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type {} from '../../web/src/hooks.js';
import { serve } from './server.js';

/** Debian's Chromium, or the browser named by DIFFLOW_CHROMIUM. */
export const CHROMIUM = process.env.DIFFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join('test', 'web', 'artifacts');
export const PANELS = ['two-sides', 'samplers', 'weightings', 'churn', 'train'] as const;

/**
 * How many times over the machine's cores are booked (the 1-minute load average per core, at least 1): time
 * limits are multiplied by it, so that a loaded CI machine (or one shared by several test runs) stretches
 * them instead of failing, while an idle one holds the stated limits.
 */
export function loadFactor(): number {
  return Math.max(1, loadavg()[0] / availableParallelism());
}

export interface Explorer {
  readonly browser: Browser;
  readonly url: string;
  /** The static build's folder (web/dist's contents). */
  readonly dist: string;
  /** Console errors and warnings and page errors, from every page opened with `open`. */
  readonly problems: string[];
  /** A new page of `width` × `height` px at `path` (e.g. '?samplers-steps=4'), once the panels are drawn. */
  open(width: number, height: number, path?: string): Promise<Page>;
  close(): Promise<void>;
}

/** Builds the explorer with Vite, serves it and starts Chromium. */
export async function startExplorer(): Promise<Explorer> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) or set DIFFLOW_CHROMIUM`);
  const dist = mkdtempSync(join(tmpdir(), 'difflow-web-'));
  const build = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error', '--outDir', dist, '--emptyOutDir'],
    { encoding: 'utf8' },
  );
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  const server = await serve(dist);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const problems: string[] = [];
  return {
    browser,
    url: server.url,
    dist,
    problems,
    async open(width, height, path = '') {
      const page = await browser.newPage({ viewport: { width, height } });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(server.url + path);
      await page.waitForFunction(() => window.__difflow?.ready === true, null, { timeout: 60_000 });
      // The training panel is mounted after the others (its module is loaded on its own).
      await page.waitForSelector('[data-testid="train-start"]', { timeout: 60_000 });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Sets an <input type=range|number|checkbox> or <select> by data-testid and fires the events a user would. */
export async function setControl(page: Page, testid: string, value: string | boolean): Promise<void> {
  await page.locator(`[data-testid="${testid}"]`).evaluate((el, v) => {
    const input = el as HTMLInputElement | HTMLSelectElement;
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === true || v === 'true';
    else input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}

type Panels = Window['__difflow']['panels'];

/** A panel's entry of window.__difflow (the numbers it plots). */
export function panelState<K extends keyof Panels>(page: Page, key: K): Promise<Panels[K]> {
  return page.evaluate((k) => window.__difflow.panels[k], key) as Promise<Panels[K]>;
}

/**
 * A screenshot of a panel. Panels off screen are not rendered (content-visibility: auto) and take their real
 * height only once on screen, so the panel is scrolled into view and given two frames first.
 */
export async function panelShot(page: Page, name: string): Promise<Buffer> {
  const panel = page.locator(`[data-panel="${name}"]`);
  await panel.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await panel.scrollIntoViewIfNeeded();
  return panel.screenshot();
}
