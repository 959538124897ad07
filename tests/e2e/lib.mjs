// tests/e2e/lib.mjs: what the page suites run.sh starts after e2e.mjs
// (advisories, indicators, indicator_exports, indicator_import, apps)
// share, so that a change to how the browser starts, how a user logs in or
// how a case is counted is made once: the server's address from run.sh
// ($E2E_BASE), one headless chromium, the test-case counter, a page per
// user that collects console and script errors, navigation to a route once
// the view rendered it, log-in, screenshots and an API call with the
// page's session. e2e.mjs keeps its own (two servers, CSP reports).
// Each suite wraps its cases in suite(NAME, body), which prints the line
// run.sh counts: "NAME: N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.E2E_BASE;
export const ART = process.env.E2E_ARTIFACTS || 'e2e-artifacts';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// makes the values one run writes unique on a server earlier runs used
export const stamp = Date.now().toString(36);
mkdirSync(ART, { recursive: true });

let passed = 0, failed = 0;
// check NAME FN: one test case; it fails when FN throws or returns false
export async function check(name, fn) {
  try {
    const r = await fn();
    if (r === false) throw new Error('condition false');
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e.message || e).split('\n')[0]}`);
  }
}
export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// console errors and script errors of every page newPage made; each suite's
// last case asserts there are none (a failed request's own console line is
// left out: the cases that provoke one check its answer themselves)
export const problems = [];
// newPage WHO: a fresh context (Tehran's time zone, English locale) and its
// page; acceptDialogs answers the page's confirm() boxes with yes
export async function newPage(who, { acceptDialogs = false } = {}) {
  const ctx = await browser.newContext({ timezoneId: 'Asia/Tehran', locale: 'en-GB',
                                         viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`${who}: ${m.text()}`);
  });
  page.on('pageerror', e => problems.push(`${who}: ${e.message}`));
  if (acceptDialogs) page.on('dialog', d => d.accept());
  return page;
}
// rendered PAGE HASH: waits until the view shows route HASH (the page set
// data-route once it drew it, not when the request left)
export async function rendered(page, hash) {
  await page.waitForFunction(h => {
    const v = document.getElementById('view');
    return v && !v.hidden && v.dataset.route === h;
  }, hash);
}
// go PAGE HASH: opens route HASH (reloads it if it is the current one)
export async function go(page, hash) {
  if (page.url() === `${BASE}/${hash}`) await page.reload();
  else await page.goto(`${BASE}/${hash}`);
  await rendered(page, hash);
}
// login PAGE USER PASSWORD [LANG]: through the form, then the interface in LANG
export async function login(page, user, password, lang = 'en') {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await page.fill('#login-form input[name=login]', user);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav', { state: 'visible' });
  if (await page.inputValue('#lang') !== lang) await page.selectOption('#lang', lang);
  await page.waitForFunction(l => document.documentElement.lang === l, lang);
}
export async function shot(page, name) {
  await page.screenshot({ path: join(ART, `${name}.png`), fullPage: true });
}
// apiCall PAGE METHOD PATH [BODY]: the API with the page's session (its
// cookie and CSRF token); returns { status, body } (the body as text)
export async function apiCall(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const who = await (await fetch('/api/v1/session')).json();
    const r = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json',
      'X-CSRF-Token': who.csrf || '' }, body: b === undefined ? undefined : JSON.stringify(b) });
    return { status: r.status, body: await r.text() };
  }, [method, path, body]);
}
// suite NAME BODY: runs the cases in BODY; an exception outside a case is
// one failure; the browser is always closed; prints the counted line and
// exits non-zero on any failure
export async function suite(name, body) {
  try {
    await body();
  } catch (e) {
    failed++;
    console.log(`FAIL unexpected: ${e.stack || e}`);
  } finally {
    await browser.close();
  }
  console.log(`${name}: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
