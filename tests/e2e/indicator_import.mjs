// The bulk import and warninglists pages (issue 15) in headless chromium,
// against the `parapet serve` run.sh started at $E2E_BASE, with its
// constituency (alice, analyst; bob, constituent of org 1).
// alice pastes a plain list: the preview names each row's result (a new
// domain, a public resolver held by a warninglist, a bad label refused with
// its line) and writes nothing (the held list stays as it was); the import
// then holds the resolver, and alice confirms it from the held list; the
// warninglists page shows the lists in force and their counts; the import
// page in Persian, right to left; bob is told the page is not his.
// Each check is one test case; the last line is "import: N passed, N failed".
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const BASE = process.env.E2E_BASE;
const ART = process.env.E2E_ARTIFACTS || 'e2e-artifacts';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const stamp = Date.now().toString(36);
const DOMAIN = `e2e-${stamp}.example`;
mkdirSync(ART, { recursive: true });

let passed = 0, failed = 0;
async function check(name, fn) {
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
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
async function newPage(who) {
  const ctx = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.on('console', m => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`${who}: ${m.text()}`);
  });
  page.on('pageerror', e => problems.push(`${who}: ${e.message}`));
  return page;
}
async function go(page, hash) {
  if (page.url() === `${BASE}/${hash}`) await page.reload();
  else await page.goto(`${BASE}/${hash}`);
  await page.waitForFunction(h => {
    const v = document.getElementById('view');
    return v && !v.hidden && v.dataset.route === h;
  }, hash);
}
async function login(page, user, password, lang = 'en') {
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#login-form', { state: 'visible' });
  await page.fill('#login-form input[name=login]', user);
  await page.fill('#login-form input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#nav', { state: 'visible' });
  if (await page.inputValue('#lang') !== lang) await page.selectOption('#lang', lang);
  await page.waitForFunction(l => document.documentElement.lang === l, lang);
}
const shot = (page, name) => page.screenshot({ path: join(ART, `${name}.png`), fullPage: true });
const heldRow = (page, value) => page.locator('#held tr', { hasText: value });

try {
  const a = await newPage('alice');
  await login(a, 'alice', 'analyst passphrase one');

  await check('import: the preview says what each row would do and writes nothing', async () => {
    await go(a, '#/indicator-import');
    await a.fill('#import-form textarea[name=text]',
                 `# from a peer\n${DOMAIN}\n8.8.4.4\nbad_label.example\n`);
    await a.selectOption('#import-form select[name=format]', 'plain');
    await a.click('#import-form button[name=preview]');
    await a.waitForSelector('#import-result tr[data-status]');
    const st = await a.$$eval('#import-result tr[data-status]', rs => rs.map(r => r.dataset.status));
    assert(JSON.stringify(st) === '["new","held","invalid"]', `statuses ${st}`);
    const held = await a.textContent('#import-result tr[data-status=held]');
    assert(held.includes('List of known IPv4 public DNS resolvers'), `held row: ${held}`);
    const bad = await a.textContent('#import-result tr[data-status=invalid]');
    assert(bad.includes('bad_label') && bad.includes('4'), `invalid row: ${bad}`);
    assert(await heldRow(a, '8.8.4.4').count() === 0, 'a preview held something');
    assert(await a.isEnabled('#import-form button[name=import]'), 'import not offered');
    await shot(a, 'imp-01-preview');
  });

  await check('import: the import holds the resolver, confirmed from the held list', async () => {
    await a.click('#import-form button[name=import]');
    await heldRow(a, '8.8.4.4').waitFor();
    const totals = await a.textContent('#import-result .totals');
    assert(totals.includes('1 new') && totals.includes('1 held'), totals);
    await shot(a, 'imp-02-held');
    await heldRow(a, '8.8.4.4').locator('button.confirm').click();
    await a.waitForFunction(() => ![...document.querySelectorAll('#held tr')]
      .some(r => r.textContent.includes('8.8.4.4')));
  });

  await check('import: the warninglists page shows the lists in force', async () => {
    await go(a, '#/warninglists');
    const text = await a.textContent('#view');
    assert(text.includes('shipped with Parapet'), 'no origin');
    assert(text.includes('public-dns-v4') && text.includes('cidr'), 'no list row');
    await shot(a, 'imp-03-warninglists');
  });

  await check('import: the page in Persian, right to left', async () => {
    await a.selectOption('#lang', 'fa');
    await go(a, '#/indicator-import');
    assert(await a.evaluate(() => document.documentElement.dir) === 'rtl', 'not rtl');
    const h1 = await a.textContent('#view h1');
    assert(h1 === 'ورود گروهی شاخص‌ها', `title ${h1}`);
    await shot(a, 'imp-04-fa');
    await a.selectOption('#lang', 'en');
  });

  const b = await newPage('bob');
  await login(b, 'bob', 'constituent passphrase one');
  await check('import: a constituent is told the page is not theirs', async () => {
    assert(await b.locator('#nav a[data-nav=indicator-import]').isHidden(), 'nav link shown');
    await go(b, '#/indicator-import');
    assert(await b.locator('#view p.error').count() === 1, 'no refusal');
    assert(await b.locator('#import-form').count() === 0, 'the form is there');
  });

  await check('import: no page errors', async () => {
    assert(problems.length === 0, problems.join('; '));
  });
} finally {
  await browser.close();
}
console.log(`import: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
