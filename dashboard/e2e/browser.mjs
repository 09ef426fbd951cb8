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

/**
 * Latin-letter words a person can see on the page: text on screen, the
 * options of visible drop-downs, placeholders and tooltips. Left out: what
 * is marked translate="no" (credit codes, department codes, the GraphiQL
 * link: identifiers, not words) and the heat map's canvas (drawn from the
 * same Chinese names the table shows). Texts the server writes (explanation
 * steps, gap details: [data-api-text]) may name department codes
 * (350100-EDUCATION) and credit codes; those identifiers are taken out
 * before looking; `apiText: false` leaves those texts out altogether.
 * Returns each offending word with the text around it.
 */
export async function latinWords(page, { apiText = true } = {}) {
  return page.evaluate((apiText) => {
    const found = [];
    const identifiers = /\b\d{6}(?:\d{3})?-[A-Z][A-Z0-9_]*\b|\b[0-9A-HJ-NPQRTUWXY]{18}\b/g;
    const look = (text, where) => {
      const cleaned = where.closest('[data-api-text]') ? text.replace(identifiers, ' ') : text;
      for (const m of cleaned.matchAll(/[A-Za-z]+/g)) {
        const at = m.index ?? 0;
        found.push(`${m[0]} in “${cleaned.slice(Math.max(0, at - 20), at + m[0].length + 20).trim()}”`);
      }
    };
    const skipped = (el) =>
      !!el.closest('[translate="no"], script, style, canvas, noscript') || (!apiText && !!el.closest('[data-api-text]'));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || skipped(el) || !node.textContent.trim()) continue;
      // An option is not rendered until its drop-down opens: it counts when its select is visible.
      const shown = el.closest('option') ? el.closest('select').checkVisibility() : el.checkVisibility({ visibilityProperty: true });
      if (shown) look(node.textContent, el);
    }
    look(document.title, document.body);
    for (const el of document.body.querySelectorAll('[placeholder], [title]')) {
      if (skipped(el) || !el.checkVisibility()) continue;
      for (const attr of ['placeholder', 'title']) if (el.getAttribute(attr)) look(el.getAttribute(attr), el);
    }
    return found;
  }, apiText);
}
