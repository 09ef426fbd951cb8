// How long each view takes to show its data, in headless Chromium, against
// a running orgmap (ORGMAP_URL): from the start of navigation (a fresh page,
// no cache) to the view marking itself ready. For checking the dashboard
// on a large demo database by hand: `ORGMAP_URL=… node e2e/measure.mjs`.
import { api, BASE, launch, newPage, ready } from './browser.mjs';

const region = async (level) => (await api(`{ regions(level: ${level}, first: 1) { edges { node { code } } } }`)).regions.edges[0].node.code;
const [province, city, county, township] = await Promise.all(['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP'].map(region));
const org = (await api('{ organizations(filter: {basis: RULE}, first: 1) { edges { node { creditCode department: responsibility { department { code } } } } } }'))
  .organizations.edges[0].node;

// A day a year ago, in Asia/Shanghai: the oldest the trend charts show.
const yearAgo = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - 365 * 86_400_000));

const routes = [
  ['region: all', '#/region'],
  ['region: province', `#/region/${province}`],
  ['region: city', `#/region/${city}`],
  ['region: county', `#/region/${county}`],
  ['region: township', `#/region/${township}`],
  ['matrix: all', '#/matrix'],
  ['matrix: province', `#/matrix/${province}`],
  ['matrix: city', `#/matrix/${city}`],
  ['region: province, a year ago', `#/region/${province}?on=${yearAgo}`],
  ['ledger: all', '#/ledger'],
  ['ledger: province', `#/ledger/${province}`],
  ['ledger: city, overdue', `#/ledger/${city}?overdue=1`],
  ['gaps: all', '#/gaps'],
  ['gaps: province', `#/gaps/${province}`],
  ['gaps: city, unassigned', `#/gaps/${city}?kind=UNASSIGNED`],
  ['gaps: province, contested', `#/gaps/${province}?kind=CONTESTED`],
  ['org: search by name', `#/org?q=${encodeURIComponent('科技')}`],
  ['org: search, no match', `#/org?q=${encodeURIComponent('没有这个名字')}`],
  ['org: search by credit code', `#/org?q=${org.creditCode}`],
  ['org: detail', `#/org/${org.creditCode}`],
  ['department', `#/dept/${org.department.department.code}`],
  ['who oversees', `#/oversee?category=PRIVATE_SCHOOL&region=${township}`],
  ['impact: city scope', `#/impact?category=SOCIAL_GROUP&kind=COMMERCE&scope=${city}`],
  ['impact: province scope', `#/impact?category=SOCIAL_GROUP&kind=COMMERCE&scope=${province}`],
  ['impact: sole proprietors everywhere', `#/impact?category=SOLE_PROPRIETOR&kind=COMMERCE`],
];

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const browser = await launch();
const rows = [];
for (const [name, hash] of routes) {
  const times = [];
  let problems = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const { page, context, problems: seen } = await newPage(browser);
    const start = Date.now();
    await page.goto(`${BASE}/dashboard/${hash}`);
    await ready(page, 60_000);
    times.push(Date.now() - start);
    // Let what the view asks for after showing its data (the gap counts)
    // finish, so that the next measurement starts on an idle server.
    await page.waitForLoadState('networkidle');
    problems += seen.length;
    await context.close();
  }
  times.sort((a, b) => a - b);
  rows.push({ view: name, ms: `${times[Math.floor(times.length / 2)]} (${times[0]}–${times[times.length - 1]})`, problems });
}
// An in-page step: the next page of gaps.
{
  const { page, context } = await newPage(browser);
  await page.goto(`${BASE}/dashboard/#/gaps/${province}`);
  await ready(page, 60_000);
  const start = Date.now();
  await page.click('.pager button:has-text("下一页")');
  await page.waitForSelector('.pager-status:has-text("第 2 /")');
  await ready(page, 60_000);
  rows.push({ view: 'gaps: next page (in page)', ms: Date.now() - start, problems: 0 });
  await context.close();
}
await browser.close();
console.log(`| view | ms to data shown, median (min–max) of ${ROUNDS} |`);
console.log('|---|---:|');
for (const r of rows) console.log(`| ${r.view} | ${r.ms}${r.problems ? ` (${r.problems} console errors)` : ''} |`);
