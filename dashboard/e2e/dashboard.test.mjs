// End-to-end tests of the dashboard in headless Chromium against a running
// orgmap (ORGMAP_URL). Every figure the page shows is compared with the
// API's own answer, never with a number written here.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { api, BASE, int, latinWords, open, pct, ready, screenshot } from './browser.mjs';
import { browserSession } from './session.mjs';

const FIGURES = 'organizations unassigned fallbackOnly responsibilityRate fallbackShare organizationalCoverageRate workCoverageRate';

const session = browserSession();
let page;
beforeEach(() => {
  ({ page } = session);
});

/** The six figure cards of the view, as shown. */
async function cards() {
  const read = async (key) => (await page.locator(`.cards [data-figure="${key}"] .card-value`).textContent()).trim();
  return {
    organizations: await read('organizations'),
    responsibilityRate: await read('responsibilityRate'),
    fallbackShare: await read('fallbackShare'),
    unassigned: await read('unassigned'),
    organizationalCoverageRate: await read('organizationalCoverageRate'),
    workCoverageRate: await read('workCoverageRate'),
  };
}

function expected(c) {
  return {
    organizations: int(c.organizations),
    responsibilityRate: pct(c.responsibilityRate),
    fallbackShare: pct(c.fallbackShare),
    unassigned: int(c.unassigned),
    organizationalCoverageRate: pct(c.organizationalCoverageRate),
    workCoverageRate: pct(c.workCoverageRate),
  };
}

async function regionCoverage(code) {
  const d = await api(`query($c: String!) { region(code: $c) { code name coverage { ${FIGURES} } children { code name coverage { ${FIGURES} } } } }`, { c: code });
  return d.region;
}

/** Worst first, as the page sorts by default. */
function worstFirst(a, b) {
  return (
    a.coverage.responsibilityRate - b.coverage.responsibilityRate ||
    b.coverage.unassigned - a.coverage.unassigned ||
    b.coverage.fallbackShare - a.coverage.fallbackShare ||
    a.coverage.workCoverageRate - b.coverage.workCoverageRate ||
    a.code.localeCompare(b.code)
  );
}

describe('the dashboard', () => {
  test('is served by orgmap at /dashboard', async () => {
    const response = await page.goto(`${BASE}${process.env.ORGMAP_DASHBOARD_PATH ?? '/dashboard'}`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^text\/html/);
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  });

  test('region view: the whole data set, then drilling down to a township, shows the API figures', async () => {
    await open(page, '#/region');
    const all = await api(`{ coverage { ${FIGURES} } regions(level: PROVINCE) { edges { node { code } } } }`);
    assert.deepEqual(await cards(), expected(all.coverage));
    await screenshot(page, 'region-all');

    // Drill down: province → city → county → township, each by clicking the
    // worst child row, and the cards follow the API's numbers.
    let code = all.regions.edges[0].node.code;
    await page.click(`.children-table tr[data-code="${code}"] a.region-link`);
    for (let depth = 0; depth < 4; depth++) {
      await page.waitForFunction((c) => location.hash === `#/region/${c}`, code);
      await ready(page);
      const region = await regionCoverage(code);
      assert.deepEqual(await cards(), expected(region.coverage), `figures of ${region.name} (${code})`);
      assert.equal((await page.locator('.breadcrumb strong').textContent()).trim(), region.name);
      if (depth === 0) await screenshot(page, 'region-province');
      if (region.children.length === 0) break;
      // The child table lists every child, worst first.
      const rows = await page.locator('.children-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
      assert.deepEqual(rows, [...region.children].sort(worstFirst).map((c) => c.code), `worst first under ${region.name}`);
      const first = [...region.children].sort(worstFirst)[0];
      const row = page.locator(`.children-table tr[data-code="${first.code}"]`);
      assert.equal((await row.locator('[data-figure="organizations"]').textContent()).trim(), int(first.coverage.organizations));
      assert.equal((await row.locator('[data-figure="unassigned"]').textContent()).trim(), int(first.coverage.unassigned));
      code = first.code;
      await row.locator('a.region-link').click();
    }
    await screenshot(page, 'region-township');
  });

  test('region view: each child region is labelled as its GB/T 2260 code says', async () => {
    // County digits 5–6: 01–20 区, 21–80 县, 81–99 县级市 (digits 3–4 of 90: under the province itself).
    const countyLabel = (code) => {
      if (code.slice(2, 4) === '90') return '省直辖县级行政单位';
      const n = Number(code.slice(4, 6));
      return n <= 20 ? '区' : n <= 80 ? '县' : '县级市';
    };
    const { regions } = await api('{ regions(level: CITY, first: 3) { edges { node { code children { code level } } } } }');
    for (const { node: city } of regions.edges) {
      await open(page, `#/region/${city.code}`);
      for (const child of city.children.filter((c) => c.level === 'COUNTY')) {
        const label = (await page.locator(`.children-table tr[data-code="${child.code}"] td:first-child .muted`).textContent()).trim();
        assert.equal(label, `${countyLabel(child.code)} ${child.code}`, `county ${child.code}`);
      }
    }
    assert.match(await page.locator('.table-caption').textContent(), /下辖县（市、区）/);
  });

  test('region view: the child table sorts by a column', async () => {
    const province = (await api('{ regions(level: PROVINCE) { edges { node { code } } } }')).regions.edges[0].node.code;
    await open(page, `#/region/${province}`);
    const region = await regionCoverage(province);
    await page.click('button.sort[data-sort="organizations"]');
    const rows = await page.locator('.children-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
    const byCount = [...region.children].sort((a, b) => b.coverage.organizations - a.coverage.organizations || worstFirst(a, b));
    assert.deepEqual(rows, byCount.map((c) => c.code));
  });

  test('matrix: a heat map, and its numbers are the API matrix', async () => {
    const city = (await api('{ regions(level: CITY, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    await open(page, `#/matrix/${city}`);
    assert.equal(await page.locator('.heatmap canvas').count() > 0, true, 'a canvas');
    const { coverageMatrix } = await api(`query($c: String) { coverageMatrix(regionCode: $c) { category { code } departmentKind { code } basis count } }`, { c: city });
    const sum = (f) => coverageMatrix.filter(f).reduce((s, c) => s + c.count, 0);
    await page.click('.matrix-details summary');
    const total = async (col) => (await page.locator(`.matrix-table tfoot [data-col="${col}"]`).textContent()).trim();
    assert.equal(await total('__NONE'), int(sum((c) => c.basis === 'NONE')), 'unassigned column');
    assert.equal(await total('__FALLBACK'), int(sum((c) => c.basis === 'FALLBACK')), 'fallback column');
    const kinds = [...new Set(coverageMatrix.filter((c) => c.departmentKind && c.basis !== 'FALLBACK').map((c) => c.departmentKind.code))];
    for (const k of kinds) {
      assert.equal(await total(k), int(sum((c) => c.departmentKind?.code === k && c.basis !== 'FALLBACK')), `column ${k}`);
    }
    await page.click('.matrix-details summary');
    await screenshot(page, 'matrix');
  });

  test('gaps: the filter by kind and the pages follow the API', async () => {
    const city = (await api('{ regions(level: CITY, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    await open(page, `#/gaps/${city}`);
    const gaps = async (kinds) =>
      (await api(`query($c: String, $k: [GapKind!]) { coverageGaps(regionCode: $c, kinds: $k, first: 25) { totalCount pageInfo { hasNextPage } } }`, { c: city, k: kinds })).coverageGaps;
    const all = await gaps(null);
    assert.equal(await page.getAttribute('#gaps-view .meta[data-total]', 'data-total'), String(all.totalCount));
    await screenshot(page, 'gaps');

    for (const kind of ['UNASSIGNED', 'FALLBACK_ONLY']) {
      await page.click(`.chips button[data-kind="${kind}"]`);
      await page.waitForFunction((k) => location.hash.includes(`kind=${k}`), kind);
      await ready(page);
      const some = await gaps([kind]);
      await page.waitForSelector(`#gaps-view .meta[data-total="${some.totalCount}"]`);
      const shown = await page.locator('.gaps-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.kind));
      assert.equal(shown.length, Math.min(25, some.totalCount));
      assert.ok(shown.every((k) => k === kind), `only ${kind} rows: ${shown}`);
      if (some.pageInfo.hasNextPage) {
        const firstPage = await page.locator('.gaps-table tbody tr').first().textContent();
        await page.click('.pager button:has-text("下一页")');
        await page.waitForSelector('.pager-status:has-text("第 2 /")');
        await ready(page);
        assert.notEqual(await page.locator('.gaps-table tbody tr').first().textContent(), firstPage);
        await page.click('.pager button:has-text("上一页")');
        await page.waitForSelector('.pager-status:has-text("第 1 /")');
      }
    }
    // Each organization gap links to its organization.
    await page.click('.chips button[data-kind="UNASSIGNED"]');
    await page.waitForFunction(() => location.hash.includes('kind=UNASSIGNED'));
    await ready(page);
    const link = page.locator('.gaps-table a.gap-target').first();
    if ((await link.count()) > 0) {
      const name = (await link.textContent()).trim();
      await link.click();
      await page.waitForFunction(() => location.hash.startsWith('#/org/'));
      await ready(page);
      assert.equal((await page.locator('#org-view h1').textContent()).trim(), name);
    }
  });

  test('organization lookup: by name and by credit code, with the explanation', async () => {
    const { organizations } = await api(
      '{ organizations(filter: {basis: RULE}, first: 1) { edges { node { creditCode name responsibility { basis department { code name } explanation contestedBy { name } } } } } }',
    );
    const org = organizations.edges[0].node;
    await open(page, '#/org');
    await page.fill('input[type="search"]', org.name);
    await page.click('form.search button[type="submit"]');
    await page.waitForSelector(`tr[data-credit-code="${org.creditCode}"]`);
    await ready(page);
    await screenshot(page, 'org-search');
    await page.click(`tr[data-credit-code="${org.creditCode}"] a.org-link`);
    await page.waitForFunction(() => location.hash.startsWith('#/org/'));
    await ready(page);
    assert.equal((await page.locator('#org-view h1').textContent()).trim(), org.name);
    assert.equal((await page.locator('.verdict-dept a').first().textContent()).trim(), org.responsibility.department.name);
    assert.equal(await page.getAttribute('.verdict', 'data-basis'), org.responsibility.basis);
    const steps = await page.locator('ol.explanation li').allTextContents();
    assert.deepEqual(steps, org.responsibility.explanation);
    await screenshot(page, 'org');

    // The credit code finds it too, in lower case.
    await page.fill('input[type="search"]', org.creditCode.toLowerCase());
    await page.click('form.search button[type="submit"]');
    await page.waitForSelector(`#org-search-view tr[data-credit-code="${org.creditCode}"]`);

    // The responsible department's page.
    await page.goto(`${BASE}/dashboard/#/dept/${org.responsibility.department.code}`);
    await ready(page);
    assert.equal((await page.locator('#dept-view h1').textContent()).trim(), org.responsibility.department.name);
    await screenshot(page, 'department');
  });

  test('who oversees: the rule, kind and department of the API', async () => {
    const township = (await api('{ regions(level: TOWNSHIP, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const { whoOversees } = await api(
      `query($r: String) { whoOversees(categoryCode: "PRIVATE_SCHOOL", regionCode: $r) { rule { category { name } } departmentKind { name } department { name } } }`,
      { r: township },
    );
    await open(page, `#/oversee?category=PRIVATE_SCHOOL&region=${township}`);
    assert.match(await page.locator('[data-field="rule"]').textContent(), new RegExp(whoOversees.rule.category.name));
    assert.match(await page.locator('[data-field="kind"]').textContent(), new RegExp(whoOversees.departmentKind.name));
    assert.match(await page.locator('[data-field="department"]').textContent(), new RegExp(whoOversees.department.name));
    await screenshot(page, 'oversee');
  });

  test('rule impact preview: the form shows the API counts', async () => {
    const city = (await api('{ regions(level: CITY, first: 1) { edges { node { code } } } }')).regions.edges[0].node;
    const province = (await api('{ regions(level: PROVINCE, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const { ruleImpact } = await api(
      `query($s: String) { ruleImpact(input: {categoryCode: "SOCIAL_GROUP", departmentKindCode: "COMMERCE", scopeRegionCode: $s}) { changedCount departmentChangedCount } }`,
      { s: city.code },
    );
    await open(page, '#/impact');
    await page.selectOption('select[aria-label="组织类别"]', 'SOCIAL_GROUP');
    await page.selectOption('select[aria-label="部门条线"]', 'COMMERCE');
    await page.selectOption('select[aria-label="适用范围（第 1 级）"]', province);
    await page.waitForSelector('select[aria-label="适用范围（第 2 级）"]');
    await page.selectOption('select[aria-label="适用范围（第 2 级）"]', city.code);
    await page.click('form.form button[type="submit"]');
    await page.waitForFunction((c) => location.hash.includes(`scope=${c}`), city.code);
    await ready(page);
    const figure = async (name) => (await page.locator(`[data-figure="${name}"] .card-value`).textContent()).trim();
    assert.equal(await figure('departmentChangedCount'), int(ruleImpact.departmentChangedCount));
    assert.equal(await figure('changedCount'), int(ruleImpact.changedCount));
    assert.match(await page.locator('[data-figure="departmentChangedCount"] .card-label').textContent(), /将改变责任部门的组织/);
    await screenshot(page, 'impact');
  });

  test('a token is sent when set, and UNAUTHENTICATED asks for one', async () => {
    let seen;
    await page.route('**/graphql', async (route) => {
      seen = route.request().headers().authorization;
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ data: null, errors: [{ message: '需要提供访问令牌。', extensions: { code: 'UNAUTHENTICATED' } }] }),
      });
    });
    await page.goto(`${BASE}/dashboard/#/region`);
    await page.waitForSelector('.error[data-error-code="UNAUTHENTICATED"]');
    assert.match(await page.locator('.error').textContent(), /访问令牌/);
    await page.click('.error button');
    await page.fill('textarea[aria-label="访问令牌"]', 'secret-token');
    await page.click('.token-panel button[type="submit"]');
    await page.waitForFunction(() => localStorage.getItem('orgmap.token') === 'secret-token');
    await page.waitForSelector('.error[data-error-code="UNAUTHENTICATED"]');
    assert.equal(seen, 'Bearer secret-token');
    assert.deepEqual(await latinWords(page), [], 'no English on the error');
    await screenshot(page, 'unauthenticated');
  });

  test('no English on any view: labels, enum values, empty states and errors are Chinese', async (t) => {
    const province = (await api('{ regions(level: PROVINCE, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const city = (await api('{ regions(level: CITY, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const county = (await api('{ regions(level: COUNTY, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const township = (await api('{ regions(level: TOWNSHIP, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const { organizations } = await api('{ organizations(first: 1) { edges { node { creditCode responsibility { department { code } } } } } }');
    const org = organizations.edges[0].node;
    // The texts the server writes (explanations, gap details) are the
    // server's to translate: they are looked at once it answers in Chinese.
    const { organization } = await api('query($c: String!) { organization(creditCode: $c) { responsibility { explanation } } }', { c: org.creditCode });
    const identifiers = /\b\d{6}(?:\d{3})?-[A-Z][A-Z0-9_]*\b|\b[0-9A-HJ-NPQRTUWXY]{18}\b/g;
    const apiText = !/[A-Za-z]/.test(organization.responsibility.explanation.join(' ').replace(identifiers, ' '));
    if (!apiText) t.diagnostic('the server answers in English: explanation steps and gap details are left out of this check');
    const { __type } = await api('{ __type(name: "GapKind") { enumValues { name } } }');
    const hashes = [
      '#/region',
      `#/region/${province}`,
      `#/region/${city}`,
      `#/region/${county}`,
      `#/region/${township}`,
      '#/region/999999',
      `#/matrix/${city}`,
      `#/gaps/${city}`,
      '#/ledger',
      `#/ledger/${city}`,
      `#/ledger/${city}?overdue=1&status=OPEN`,
      `#/region/${province}?on=2000-01-01`,
      ...__type.enumValues.map((k) => `#/gaps/${city}?kind=${k.name}`),
      '#/org',
      '#/org?q=%E7%A7%91%E6%8A%80',
      `#/org?q=${org.creditCode}`,
      `#/org/${org.creditCode}`,
      `#/dept/${org.responsibility.department.code}`,
      '#/dept/NO-SUCH-DEPARTMENT',
      '#/oversee',
      `#/oversee?category=PRIVATE_SCHOOL&region=${township}`,
      `#/oversee?category=ACADEMIC_SOCIETY&region=${township}`,
      '#/impact',
      `#/impact?category=SOCIAL_GROUP&kind=COMMERCE&scope=${city}`,
      '#/no-such-view',
    ];
    const english = {};
    for (const hash of hashes) {
      await open(page, hash).catch((e) => assert.fail(`${hash}: ${e.message}`));
      if (hash.startsWith('#/matrix')) await page.click('.matrix-details summary');
      const words = await latinWords(page, { apiText });
      if (words.length) english[hash] = words;
    }
    assert.deepEqual(english, {});
  });

  test('a subtree with no organizations shows "—" for its rates, not 100.00%', async () => {
    const county = (await api('{ regions(level: COUNTY, first: 1) { edges { node { code children { code } } } } }')).regions.edges[0].node;
    // A new, empty township (a 乡's code, GB/T 2260 200–299) that no sibling uses.
    const taken = new Set(county.children.map((c) => c.code));
    let code = '';
    for (let n = 299; n >= 200 && !code; n--) if (!taken.has(`${county.code}${n}`)) code = `${county.code}${n}`;
    const { upsertRegion } = await api(
      `mutation($c: String!, $p: String!) { upsertRegion(input: {code: $c, name: "空白乡", level: TOWNSHIP, parentCode: $p}) { code coverage { ${FIGURES} } } }`,
      { c: code, p: county.code },
    );
    assert.equal(upsertRegion.coverage.organizations, 0);

    await open(page, `#/region/${county.code}`);
    const row = page.locator(`.children-table tr[data-code="${code}"]`);
    for (const figure of ['responsibilityRate', 'fallbackShare', 'organizationalCoverageRate', 'workCoverageRate']) {
      assert.equal((await row.locator(`[data-figure="${figure}"]`).textContent()).trim(), '—', `${figure} in the row`);
    }
    assert.equal((await row.locator('[data-figure="organizations"]').textContent()).trim(), '0');
    assert.match(await row.textContent(), /乡/, 'the label its code gives it');

    await open(page, `#/region/${code}`);
    const shown = await cards();
    assert.deepEqual(shown, {
      organizations: '0',
      responsibilityRate: '—',
      fallbackShare: '—',
      unassigned: '0',
      organizationalCoverageRate: '—',
      workCoverageRate: '—',
    });
  });

  test('应建未建: the region view shows the API figure, for the region and for each child', async () => {
    const province = (await api('{ regions(level: PROVINCE, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    const { region } = await api(
      'query($c: String!) { region(code: $c) { coverage { shouldEstablish } children { code coverage { shouldEstablish } } } }',
      { c: province },
    );
    await open(page, `#/region/${province}`);
    const card = (await page.locator('.cards [data-figure="shouldEstablish"] .card-value').textContent()).trim();
    assert.equal(card, int(region.coverage.shouldEstablish));
    assert.match(await page.locator('.cards [data-figure="shouldEstablish"] .card-label').textContent(), /应建未建/);
    for (const child of region.children) {
      const cell = page.locator(`.children-table tr[data-code="${child.code}"] [data-figure="shouldEstablish"]`);
      assert.equal((await cell.textContent()).trim(), int(child.coverage.shouldEstablish), `child ${child.code}`);
    }
  });

  test('应建未建 and 类别与代码不符: the gap filters list gaps of that kind', async () => {
    const province = (await api('{ regions(level: PROVINCE, first: 1) { edges { node { code } } } }')).regions.edges[0].node.code;
    await open(page, `#/gaps/${province}`);
    for (const [kind, label] of [
      ['SHOULD_ESTABLISH', '应建未建'],
      ['CATEGORY_MISMATCH', '类别与代码不符'],
    ]) {
      const { coverageGaps } = await api(
        'query($c: String, $k: [GapKind!]) { coverageGaps(regionCode: $c, kinds: $k, first: 25) { totalCount edges { node { organization { creditCode } } } } }',
        { c: province, k: [kind] },
      );
      const chip = page.locator(`.chips button[data-kind="${kind}"]`);
      assert.match(await chip.textContent(), new RegExp(label));
      await chip.click();
      await page.waitForFunction((k) => location.hash.includes(`kind=${k}`), kind);
      await ready(page);
      await page.waitForSelector(`#gaps-view .meta[data-total="${coverageGaps.totalCount}"]`);
      const rows = await page.locator('.gaps-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.kind));
      assert.equal(rows.length, coverageGaps.edges.length);
      assert.ok(rows.every((k) => k === kind), `only ${kind} rows: ${rows}`);
      const orgs = await page.locator('.gaps-table a.gap-target').evaluateAll((as) => as.map((a) => decodeURIComponent(a.hash.replace('#/org/', ''))));
      assert.deepEqual(orgs, coverageGaps.edges.map((e) => e.node.organization.creditCode));
      // The kind's tag (a row may also carry its ledger item's status tag).
      const tags = await page.locator(`.gaps-table tbody .tag.gap-${kind}`).allTextContents();
      assert.equal(tags.length, rows.length);
      assert.ok(tags.every((t) => t === label), `labelled ${label}: ${tags}`);
      await screenshot(page, `gaps-${kind}`);
    }
  });
});
