// End-to-end tests of the rectification ledger (整改台账) and of the region
// view's trends and past-date picker, in headless Chromium against a
// running orgmap (ORGMAP_URL) serving a demo province. Every figure the
// page shows is compared with the API's own answer; the tests write ledger
// items and snapshots through the API and the page, as an office would.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { api, BASE, int, open, pct, ready, screenshot } from './browser.mjs';
import { browserSession } from './session.mjs';

const session = browserSession();
let page;
beforeEach(() => {
  ({ page } = session);
});

/** The API's errors for a request that must be refused (nothing is written when it is). */
async function apiErrors(query, variables = {}) {
  const response = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()).errors ?? [];
}

/** Today and another day, as YYYY-MM-DD in Asia/Shanghai, where due dates and snapshots are counted. */
const shanghai = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const TODAY = shanghai(new Date());
const daysAgo = (n) => shanghai(new Date(Date.now() - n * 86_400_000));

const SUMMARY = 'total open inProgress resolved verified overdue gapGone reopened';

const firstRegion = async (level) => (await api(`{ regions(level: ${level}, first: 1) { edges { node { code name } } } }`)).regions.edges[0].node;

/** A milestone to open items against: the latest there is (not yet due), else one made for the tests. */
async function milestone() {
  const { milestones } = await api('{ milestones { code name dueDate } }');
  if (milestones.length && milestones.at(-1).dueDate > TODAY) return milestones.at(-1);
  return (await api('mutation { upsertMilestone(input: {code: "E2E-1", name: "第一批", dueDate: "2099-11-30"}) { code name dueDate } }')).upsertMilestone;
}

/**
 * A city with items: its UNASSIGNED gaps opened against a milestone, and its
 * FALLBACK_ONLY gaps opened with yesterday as the due date, so that the
 * ledger has overdue items and items that are not.
 */
let ledgerCity;
async function cityWithItems() {
  if (ledgerCity) return ledgerCity;
  const city = await firstRegion('CITY');
  const m = await milestone();
  await api('mutation($c: String, $m: String) { openRectifications(input: {regionCode: $c, kinds: [UNASSIGNED], milestoneCode: $m}) { opened } }', { c: city.code, m: m.code });
  await api('mutation($c: String, $d: String) { openRectifications(input: {regionCode: $c, kinds: [FALLBACK_ONLY], dueDate: $d}) { opened } }', { c: city.code, d: daysAgo(1) });
  ledgerCity = { ...city, milestone: m };
  return ledgerCity;
}

const itemsOf = async (filter) =>
  (await api('query($f: RectificationFilter) { rectifications(filter: $f, first: 0) { totalCount } }', { f: filter })).rectifications.totalCount;

/** The rows of the ledger table, as shown. */
const rows = () =>
  page.locator('.ledger-table tbody tr[data-id]').evaluateAll((trs) =>
    trs.map((tr) => ({ id: tr.dataset.id, status: tr.dataset.status, overdue: tr.dataset.overdue === 'true', kind: tr.dataset.kind })),
  );

const total = async () => Number(await page.getAttribute('#ledger-view .meta[data-total]', 'data-total'));

/** Waits for the list of the current hash to show `expected` items. */
async function waitTotal(expected) {
  await ready(page);
  await page.waitForSelector(`#ledger-view .meta[data-total="${expected}"]`);
}

describe('整改台账', () => {
  test('opening items from the gap view counts what the API opens', async () => {
    // A county with organizations nobody is responsible for.
    const { regions } = await api('{ regions(level: COUNTY, first: 1000) { edges { node { code coverage { unassigned } } } } }');
    const county = regions.edges.map((e) => e.node).find((c) => c.coverage.unassigned > 0);
    const m = await milestone();
    const { coverageGaps } = await api('query($c: String) { coverageGaps(regionCode: $c, kinds: [UNASSIGNED], first: 0) { totalCount } }', { c: county.code });
    await open(page, `#/gaps/${county.code}?kind=UNASSIGNED`);
    await page.click('.open-rectifications summary');
    await page.selectOption('select[aria-label="列入整改节点"]', m.code);
    await page.click('.open-rectifications button[type="submit"]');
    const result = page.locator('.open-rectifications [data-opened]');
    await result.waitFor();
    const opened = Number(await result.getAttribute('data-opened'));
    const already = Number(await result.getAttribute('data-already-open'));
    assert.ok(coverageGaps.totalCount > 0);
    assert.equal(opened + already, coverageGaps.totalCount, 'every UNASSIGNED gap of the county has an item');
    // Each gap of the list now shows its item.
    await page.waitForSelector('.gaps-table [data-field="rectification"] .tag');
    const tags = await page.locator('.gaps-table [data-field="rectification"]').allTextContents();
    assert.ok(tags.every((t) => /待整改|整改中|已整改/.test(t)), `each gap in the ledger: ${tags}`);
    assert.equal(await itemsOf({ regionCode: county.code, kinds: ['UNASSIGNED'], milestoneCode: m.code }) >= opened, true);
    // Again: nothing new, every one already in hand.
    await page.click('.open-rectifications button[type="submit"]');
    await page.waitForSelector(`.open-rectifications [data-opened="0"][data-already-open="${coverageGaps.totalCount}"]`);
    await screenshot(page, 'gaps-open-rectifications');
  });

  test('the view shows the API summary by milestone and the items, overdue first', async () => {
    const city = await cityWithItems();
    await open(page, `#/ledger/${city.code}`);
    const { milestones, all } = await api(`query($c: String) { milestones { code } all: rectificationSummary(regionCode: $c) { ${SUMMARY} } }`, { c: city.code });
    const figures = async (milestoneCode) => {
      const row = page.locator(`.summary-table tr[data-milestone="${milestoneCode}"]`);
      return Object.fromEntries(
        await Promise.all(SUMMARY.split(' ').map(async (k) => [k, (await row.locator(`[data-figure="${k}"]`).textContent()).trim()])),
      );
    };
    const expected = (s) => Object.fromEntries(SUMMARY.split(' ').map((k) => [k, int(s[k])]));
    assert.deepEqual(await figures(''), expected(all), 'all milestones');
    await page.waitForSelector(`.summary-table tr[data-milestone="${milestones[0].code}"] [data-figure="total"]:not(:text("—"))`);
    for (const m of milestones) {
      const { rectificationSummary } = await api(`query($c: String, $m: String) { rectificationSummary(regionCode: $c, milestoneCode: $m) { ${SUMMARY} } }`, { c: city.code, m: m.code });
      assert.deepEqual(await figures(m.code), expected(rectificationSummary), `milestone ${m.code}`);
    }
    assert.ok(all.overdue > 0 && all.total > all.overdue, `overdue and other items: ${JSON.stringify(all)}`);
    assert.equal(await total(), all.total);
    const shown = await rows();
    assert.equal(shown.length, Math.min(20, all.total));
    const firstOther = shown.findIndex((r) => !r.overdue);
    assert.ok(shown.slice(0, Math.min(all.overdue, 20)).every((r) => r.overdue), 'the overdue items come first');
    if (firstOther >= 0) assert.ok(shown.slice(firstOther).every((r) => !r.overdue), 'then the others');
    await screenshot(page, 'ledger');
  });

  test('the filters by status, kind, milestone, owner and overdue follow the API', async () => {
    const city = await cityWithItems();
    await open(page, `#/ledger/${city.code}`);

    await page.selectOption('select[aria-label="问题类型"]', 'FALLBACK_ONLY');
    await waitTotal(await itemsOf({ regionCode: city.code, kinds: ['FALLBACK_ONLY'] }));
    assert.ok((await rows()).every((r) => r.kind === 'FALLBACK_ONLY'), 'only FALLBACK_ONLY items');
    await page.selectOption('select[aria-label="问题类型"]', '');

    await page.check('input[aria-label="仅看超期"]');
    await waitTotal(await itemsOf({ regionCode: city.code, overdue: true }));
    assert.ok((await rows()).every((r) => r.overdue), 'only overdue items');
    await page.uncheck('input[aria-label="仅看超期"]');

    await page.selectOption('select[aria-label="整改节点"]', city.milestone.code);
    await waitTotal(await itemsOf({ regionCode: city.code, milestoneCode: city.milestone.code }));
    await page.selectOption('select[aria-label="整改节点"]', '');

    await page.click('.chips button[data-status="OPEN"]');
    await waitTotal(await itemsOf({ regionCode: city.code, statuses: ['OPEN'] }));
    assert.ok((await rows()).every((r) => r.status === 'OPEN'), 'only OPEN items');

    const owner = await page.locator('.ledger-table .owner-link').first().getAttribute('data-owner');
    await page.locator('.ledger-table .owner-link').first().click();
    await page.waitForFunction((o) => location.hash.includes(`owner=${encodeURIComponent(o)}`), owner);
    await waitTotal(await itemsOf({ regionCode: city.code, statuses: ['OPEN'], ownerDepartmentCode: owner }));
    assert.match(await page.locator('.owner-chip').textContent(), /责任单位：/);
  });

  test('an item moves along the workflow with a note, and a refused step shows the server’s Chinese error', async () => {
    const city = await cityWithItems();
    // An OPEN item whose gap is still there, in a list short enough to show it on the first page.
    const { rectifications: open1 } = await api(
      'query($c: String) { rectifications(filter: {regionCode: $c, statuses: [OPEN], gapOpen: true}, first: 1) { edges { node { id gapKind owner { code } } } } }',
      { c: city.code },
    );
    const { id, gapKind, owner } = open1.edges[0].node;
    await open(page, `#/ledger/${city.code}?status=OPEN&kind=${gapKind}&owner=${encodeURIComponent(owner.code)}`);
    const before = await total();
    assert.ok((await rows()).some((r) => r.id === id), 'the item is listed');
    await page.click(`tr[data-id="${id}"] button[aria-expanded]`);
    await page.fill(`tr[data-detail="${id}"] textarea[aria-label="办理说明"]`, '已约谈业务主管单位，明确整改责任人。');
    await page.click(`tr[data-detail="${id}"] button[data-to="IN_PROGRESS"]`);
    // The list follows: the item has left the OPEN items.
    await waitTotal(before - 1);
    assert.ok(!(await rows()).some((r) => r.id === id));
    const { rectifications } = await api(
      'query($c: String, $k: [GapKind!]) { rectifications(filter: {regionCode: $c, statuses: [IN_PROGRESS], kinds: $k}, first: 1000) { edges { node { id status history { status note } } } } }',
      { c: city.code, k: [gapKind] },
    );
    const moved = rectifications.edges.find((e) => e.node.id === id)?.node;
    assert.equal(moved?.status, 'IN_PROGRESS');
    assert.equal(moved.history.at(-1).note, '已约谈业务主管单位，明确整改责任人。');

    // 报整改完成 while the data still shows the gap: refused (CONFLICT), in the server's words.
    await page.click('.chips button[data-status="IN_PROGRESS"]');
    await ready(page);
    await page.click(`tr[data-id="${id}"] button[aria-expanded]`);
    const detail = page.locator(`tr[data-detail="${id}"]`);
    assert.match(await detail.locator('.history').textContent(), /已约谈业务主管单位/);
    await detail.locator('button[data-to="RESOLVED"]').click();
    const error = detail.locator('.error[data-error-code="CONFLICT"]');
    await error.waitFor();
    const [refusal] = await apiErrors('mutation($i: ID!) { updateRectification(input: {id: $i, status: RESOLVED}) { id } }', { i: id });
    assert.equal(refusal.extensions.code, 'CONFLICT');
    assert.equal((await error.locator('.error-message').textContent()).trim(), refusal.message);
    assert.match(refusal.message, /[\u4e00-\u9fff]/, 'the refusal is in Chinese');
    await screenshot(page, 'ledger-refused');
  });

  test('a read-only token sees the items and their history but no actions', async () => {
    const city = await cityWithItems();
    // The server answers as it does for a VIEWER token: the same data, another role.
    await page.route('**/graphql', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const answer of Array.isArray(body) ? body : [body]) if (answer.data?.me) answer.data.me.role = 'VIEWER';
      await route.fulfill({ response, json: body });
    });
    await open(page, `#/ledger/${city.code}`);
    const id = (await rows())[0].id;
    const handle = page.locator(`tr[data-id="${id}"] button[aria-expanded]`);
    assert.equal((await handle.textContent()).trim(), '记录');
    await handle.click();
    const detail = page.locator(`tr[data-detail="${id}"]`);
    assert.ok((await detail.locator('.history li').count()) > 0, 'the history');
    assert.equal(await detail.locator('button[data-to]').count(), 0, 'no actions');
    assert.match(await detail.textContent(), /当前令牌只能查看/);
    await open(page, `#/gaps/${city.code}`);
    assert.equal(await page.locator('.open-rectifications').count(), 0, 'no opening from the gap view');
    // The gap counts may still be on their way.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('the region view shows the overdue items of each child region', async () => {
    const city = await cityWithItems();
    const { region } = await api('query($c: String!) { region(code: $c) { children { code } } }', { c: city.code });
    await open(page, `#/region/${city.code}`);
    await page.waitForSelector('.children-table [data-figure="overdue"]:not(:text("—"))');
    let some = 0;
    for (const child of region.children) {
      const { rectificationSummary } = await api('query($c: String) { rectificationSummary(regionCode: $c) { overdue } }', { c: child.code });
      some += rectificationSummary.overdue;
      const cell = page.locator(`.children-table tr[data-code="${child.code}"] [data-figure="overdue"]`);
      assert.equal((await cell.textContent()).trim(), int(rectificationSummary.overdue), `child ${child.code}`);
    }
    assert.ok(some > 0, 'some child has overdue items');
  });
});

const POINT = 'at organizations unassigned fallbackOnly shouldEstablish responsibilityRate organizationalCoverageRate workCoverageRate';
const TRENDS = ['organizations', 'unassigned', 'fallbackOnly', 'shouldEstablish', 'responsibilityRate', 'organizationalCoverageRate', 'workCoverageRate'];
const RATES = new Set(['responsibilityRate', 'organizationalCoverageRate', 'workCoverageRate']);

const history = async (code, from, to) =>
  (await api(`query($c: String, $f: String!, $t: String!) { coverageHistory(regionCode: $c, from: $f, to: $t) { ${POINT} } }`, { c: code, f: from, t: to })).coverageHistory;

describe('区域概览：变化趋势与历史日期', () => {
  test('each figure has a line chart with the API snapshots as its points', async () => {
    await api('mutation { recordCoverageSnapshot }');
    const province = await firstRegion('PROVINCE');
    const points = await history(province.code, daysAgo(365), TODAY);
    assert.ok(points.length > 0);
    await open(page, `#/region/${province.code}`);
    await page.waitForSelector('.trend-section[data-ready="true"]');
    for (const figure of TRENDS) {
      const chart = page.locator(`.trend[data-figure="${figure}"]`);
      assert.equal(Number(await chart.getAttribute('data-points')), points.length, figure);
      const drawn = (await chart.locator('polyline').getAttribute('points')).trim().split(/\s+/);
      assert.equal(drawn.length, points.length, `${figure}: a vertex per snapshot`);
      const last = points.at(-1)[figure];
      assert.equal((await chart.locator('.trend-value').textContent()).trim(), RATES.has(figure) ? pct(last) : int(last), `${figure}: the latest value`);
    }
    await screenshot(page, 'region-trends');
  });

  test('the date picker shows the region as its snapshot of that day, and says when there is none', async () => {
    await api('mutation { recordCoverageSnapshot }');
    const province = await firstRegion('PROVINCE');
    // The earliest day with a snapshot in the last year (today's, at least).
    const points = await history(province.code, daysAgo(365), TODAY);
    await open(page, `#/region/${province.code}`);
    const now = (await page.locator('.cards [data-figure="organizations"] .card-value').textContent()).trim();

    // A day with no snapshot: said plainly, no figures.
    await page.fill('input[aria-label="查看历史日期"]', '2000-01-01');
    await page.waitForFunction(() => location.hash.includes('on=2000-01-01'));
    await ready(page);
    assert.match(await page.locator('.past-note[data-snapshot="none"]').textContent(), /2000年1月1日没有覆盖情况快照/);
    assert.equal(await page.locator('.cards').count(), 0, 'no figures for a day without a snapshot');

    const day = shanghai(new Date(points[0].at));
    const ofDay = (await history(province.code, day, day)).at(-1);
    await page.fill('input[aria-label="查看历史日期"]', day);
    await page.waitForFunction((d) => location.hash.includes(`on=${d}`), day);
    await ready(page);
    await page.waitForSelector(`.past-note[data-past="${day}"]:not([data-snapshot])`);
    const card = async (k) => (await page.locator(`.cards [data-figure="${k}"] .card-value`).textContent()).trim();
    assert.equal(await card('organizations'), int(ofDay.organizations));
    assert.equal(await card('unassigned'), int(ofDay.unassigned));
    assert.equal(await card('responsibilityRate'), ofDay.organizations ? pct(ofDay.responsibilityRate) : '—');
    assert.equal(await card('workCoverageRate'), ofDay.organizations ? pct(ofDay.workCoverageRate) : '—');
    assert.equal(await card('shouldEstablish'), int(ofDay.shouldEstablish));
    // Each child row is its own snapshot of that day.
    const { region } = await api('query($c: String!) { region(code: $c) { children { code } } }', { c: province.code });
    const child = region.children[0];
    const childPoint = (await history(child.code, day, day)).at(-1);
    if (childPoint) {
      const cell = page.locator(`.children-table tr[data-code="${child.code}"] [data-figure="organizations"]`);
      assert.equal((await cell.textContent()).trim(), int(childPoint.organizations));
    }
    await screenshot(page, 'region-past');

    await page.click('.date-picker button');
    await page.waitForFunction(() => !location.hash.includes('on='));
    await ready(page);
    assert.equal((await page.locator('.cards [data-figure="organizations"] .card-value').textContent()).trim(), now);
  });
});
