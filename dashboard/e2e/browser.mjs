// Shared by the end-to-end tests and the timing script: Debian's Chromium
// driven by playwright-core (no browser download), the server under test,
// and the API's own answers to compare the page with.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = (process.env.ORGMAP_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // The tests load only the local server; the sandbox needs privileges
    // that root and many containers do not give.
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page that records every console error and uncaught page error. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return { page, context, problems };
}

/** Opens a dashboard route ('#/region/350100') and waits until its view shows data. */
export async function open(page, hash) {
  await page.goto(`${BASE}/dashboard/${hash}`);
  await ready(page);
}

/** Waits until the view of the current hash has shown its data. */
export async function ready(page, timeout = 15_000) {
  await page.waitForFunction(
    () => {
      const main = document.querySelector('main');
      const view = document.querySelector('.view');
      return !!main && !!view && main.dataset.hash === location.hash && view.dataset.ready === 'true';
    },
    null,
    { timeout },
  );
}

/** The API's own answer, over the same public endpoint the page uses. */
export async function api(query, variables = {}) {
  const response = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The page's formats: "12,345" and "99.59%". */
export const int = (n) => new Intl.NumberFormat('zh-CN').format(n);
export const pct = (x) => `${(x * 100).toFixed(2)}%`;
