// The README's picture of the region view (docs/dashboard-region.png),
// against a running orgmap (ORGMAP_URL) serving a demo province:
//
//   ORGMAP_URL=http://127.0.0.1:8000 node e2e/readme-screenshot.mjs [region code]
//
// Without a code it shows the city whose counties differ the most in their
// responsibility and work coverage rates, so that the worst-first table and
// its tints have something to show.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, launch, newPage, open } from './browser.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'dashboard-region.png');

async function mostVariedCity() {
  const { regions } = await api(
    '{ regions(level: CITY, first: 1000) { edges { node { code name children { coverage { organizations responsibilityRate workCoverageRate } } } } } }',
  );
  const spread = (values) => (values.length ? Math.max(...values) - Math.min(...values) : 0);
  let best = null;
  for (const { node } of regions.edges) {
    const measured = node.children.map((c) => c.coverage).filter((c) => c.organizations > 0);
    if (measured.length < 4) continue;
    const score = spread(measured.map((c) => c.responsibilityRate)) + spread(measured.map((c) => c.workCoverageRate));
    if (!best || score > best.score) best = { code: node.code, name: node.name, score };
  }
  if (!best) throw new Error('no city with four or more counties that have organizations');
  return best;
}

const code = process.argv[2] ?? (await mostVariedCity()).code;
const browser = await launch();
try {
  const { page } = await newPage(browser);
  await open(page, `#/region/${code}`);
  mkdirSync(dirname(OUT), { recursive: true });
  await page.screenshot({ path: OUT, fullPage: true });
  console.log(`${OUT}: the region view of ${code}`);
} finally {
  await browser.close();
}
