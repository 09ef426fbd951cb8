// The README's pictures of the dashboard, against a running orgmap
// (ORGMAP_URL) serving a demo province:
//
//   ORGMAP_URL=http://127.0.0.1:8000 node e2e/readme-screenshot.mjs [region code]
//
// - docs/dashboard-region.png: the region view of the city whose counties
//   differ the most in their responsibility and work coverage rates (or the
//   region given), so that the worst-first table and its tints show.
// - docs/dashboard-trends.png: the province's trend charts (the figure
//   cards and the line per figure), from the snapshots of the last year.
// - docs/dashboard-ledger.png: the 整改台账 of that city. When the city has
//   no items yet, its gaps are opened first (see ledgerItems) and one item
//   is taken into work, as an office would: this writes to the database.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, launch, newPage, open } from './browser.mjs';

const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');

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

/**
 * Gives the city's ledger something to show when it is empty: the seed's
 * three milestones when there are none (11月底前, 明年6月前, 明年年底前), its
 * UNASSIGNED gaps opened to the first and its FALLBACK_ONLY gaps to the
 * second, and one item taken into work with a note.
 */
async function ledgerItems(city) {
  const { rectificationSummary } = await api('query($c: String) { rectificationSummary(regionCode: $c) { total } }', { c: city });
  if (rectificationSummary.total > 0) return;
  let { milestones } = await api('{ milestones { code } }');
  if (milestones.length === 0) {
    for (const [code, name, dueDate] of [
      ['BATCH-1', '第一批', '2026-11-30'],
      ['BATCH-2', '第二批', '2027-06-30'],
      ['BATCH-3', '第三批', '2027-12-31'],
    ]) {
      await api('mutation($i: MilestoneInput!) { upsertMilestone(input: $i) { code } }', { i: { code, name, dueDate } });
    }
    ({ milestones } = await api('{ milestones { code } }'));
  }
  const open = (kind, milestone) =>
    api('mutation($c: String, $k: [GapKind!], $m: String) { openRectifications(input: {regionCode: $c, kinds: $k, milestoneCode: $m}) { opened } }', {
      c: city,
      k: [kind],
      m: milestone.code,
    });
  await open('UNASSIGNED', milestones[0]);
  await open('FALLBACK_ONLY', milestones[Math.min(1, milestones.length - 1)]);
  const { rectifications } = await api('query($c: String) { rectifications(filter: {regionCode: $c}, first: 1) { edges { node { id } } } }', { c: city });
  const id = rectifications.edges[0]?.node.id;
  if (id) await api('mutation($i: ID!) { updateRectification(input: {id: $i, status: IN_PROGRESS, note: "已约谈责任单位，明确整改时限。"}) { id } }', { i: id });
}

const city = process.argv[2] ?? (await mostVariedCity()).code;
const province = (await api('{ regions(level: PROVINCE, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
await ledgerItems(city);
mkdirSync(DOCS, { recursive: true });
const browser = await launch();
try {
  const { page } = await newPage(browser);
  await open(page, `#/region/${city}`);
  await page.screenshot({ path: join(DOCS, 'dashboard-region.png'), fullPage: true });
  console.log(`docs/dashboard-region.png: the region view of ${city}`);

  await open(page, `#/ledger/${city}`);
  const first = page.locator('.ledger-table button[aria-expanded]').first();
  if ((await first.count()) > 0) await first.click();
  await page.screenshot({ path: join(DOCS, 'dashboard-ledger.png'), fullPage: true });
  console.log(`docs/dashboard-ledger.png: the ledger of ${city}`);
  await open(page, `#/region/${province}`);
  await page.waitForSelector('.trend-section[data-ready="true"]');
  // The figures and their trends, without the child table below them.
  const view = await page.locator('#region-view').boundingBox();
  const trends = await page.locator('.trend-section').boundingBox();
  await page.screenshot({ path: join(DOCS, 'dashboard-trends.png'), clip: { x: view.x, y: view.y, width: view.width, height: trends.y + trends.height - view.y + 12 } });
  console.log(`docs/dashboard-trends.png: the trends of ${province}`);

} finally {
  await browser.close();
}
