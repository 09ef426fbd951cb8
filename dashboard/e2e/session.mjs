// The hooks every test file registers: one Chromium per file, a fresh page
// per test, and after each test the check that the page logged no console
// error, page error or failed request.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach } from 'node:test';
import { launch, newPage } from './browser.mjs';

/** Registers the hooks; `session.page` is the running test's page (set before the file's own beforeEach hooks run). */
export function browserSession() {
  const session = { browser: undefined, page: undefined, context: undefined, problems: [] };
  before(async () => {
    session.browser = await launch();
  });
  after(async () => {
    await session.browser?.close();
  });
  beforeEach(async () => {
    Object.assign(session, await newPage(session.browser));
  });
  afterEach(async () => {
    await session.context.close();
    assert.deepEqual(session.problems, [], 'no console errors, page errors or failed requests');
  });
  return session;
}
