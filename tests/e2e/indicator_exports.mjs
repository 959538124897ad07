// The indicator exports page (issue 15) in headless chromium, against the
// `parapet serve` run.sh started at $E2E_BASE, with its constituency (alice,
// analyst; bob, constituent of org 1). The analyst creates a consumer (a
// member resolver polling the RPZ zone): its token is shown once, with the
// URL and the command that polls; a poll with that token (no session)
// answers 200 and the page then shows the consumer's last fetch; a new
// token replaces it and the old one is refused; the page in Persian, right
// to left, the token kept left to right; the consumer removed; a
// constituent neither sees the page in the menu nor gets its data.
// Each check is one test case; the last line is "exports: N passed, N failed".
import { stamp, check, assert, problems, newPage, rendered, go, login, shot, suite } from './lib.mjs';

const NAME = `e2e-resolver-${stamp}`;
// a consumer's poll: its token, no cookie
async function poll(page, token) {
  return page.evaluate(async t => {
    // no-store: the browser's own cache would answer within max-age
    const r = await fetch('/api/v1/export/indicators', { credentials: 'omit', cache: 'no-store',
      headers: { Authorization: `Bearer ${t}` } });
    return { status: r.status, etag: r.headers.get('ETag'), type: r.headers.get('Content-Type') };
  }, token);
}
const row = page => page.locator('#consumer-list tr.consumer', { hasText: NAME });

await suite('exports', async () => {
  const a = await newPage('alice', { acceptDialogs: true });
  await login(a, 'alice', 'analyst passphrase one');
  let token = null;

  await check('exports: the analyst reaches the page from the menu', async () => {
    assert(await a.isVisible('#nav a[data-nav="indicator-exports"]'), 'no menu entry');
    await a.click('#nav a[data-nav="indicator-exports"]');
    await rendered(a, '#/indicator-exports');
    assert(await a.isVisible('#consumer-new'), 'no form to add a consumer');
    assert((await a.textContent('#view')).includes('/api/v1/export/indicators'), 'no URL to poll');
  });

  await check('exports: a new consumer\'s token is shown once, with the command that polls', async () => {
    await a.fill('#consumer-new [name=name]', NAME);
    await a.selectOption('#consumer-new [name=format]', 'rpz');
    await a.check('#consumer-new [name=member]');
    await a.check('#consumer-new [name=types][value=domain]');
    await a.click('#consumer-new button[type=submit]');
    await a.waitForSelector('#consumer-token');
    token = (await a.textContent('#consumer-token pre.token')).trim();
    assert(/^pcx_[0-9a-f]{64}$/.test(token), `token ${token}`);
    assert((await a.textContent('#consumer-token pre.command')).includes(token), 'no curl line');
    await row(a).waitFor();
    const text = await row(a).textContent();
    assert(text.includes('TLP:AMBER') && !text.includes('AMBER+STRICT') && !text.includes('RED'),
           `TLP reach: ${text}`);
    assert(text.includes('domain') && text.includes('never'), `filter or last fetch: ${text}`);
    await shot(a, 'exports-01-token');
    // shown once: a reload has no token anywhere
    await go(a, '#/indicator-exports');
    assert(!(await a.textContent('#view')).includes(token), 'the token is shown again');
  });

  await check('exports: the token polls without a session, and the page shows the fetch', async () => {
    const r = await poll(a, token);
    assert(r.status === 200 && r.etag && r.type.startsWith('text/dns'), JSON.stringify(r));
    await go(a, '#/indicator-exports');
    await row(a).waitFor();
    assert(!(await row(a).textContent()).includes('never'), 'last fetch still "never"');
  });

  await check('exports: a new token replaces the old one at once', async () => {
    await row(a).locator('button.rotate').click();
    await a.waitForSelector('#consumer-token');
    const fresh = (await a.textContent('#consumer-token pre.token')).trim();
    assert(/^pcx_[0-9a-f]{64}$/.test(fresh) && fresh !== token, 'no new token');
    assert((await poll(a, token)).status === 401, 'the old token still works');
    assert((await poll(a, fresh)).status === 200, 'the new token does not work');
    token = fresh;
  });

  await check('exports: the page in Persian, right to left, the token left to right', async () => {
    await a.selectOption('#lang', 'fa');
    await a.waitForFunction(() => document.documentElement.dir === 'rtl');
    await rendered(a, '#/indicator-exports');
    const text = await a.textContent('#view');
    assert(text.includes('خروجی‌های نشانگرها') && text.includes('مصرف‌کنندهٔ تازه'), 'not Persian');
    await row(a).locator('button.rotate').click();
    await a.waitForSelector('#consumer-token');
    assert(await a.$eval('#consumer-token pre.token', el => getComputedStyle(el).direction) === 'ltr',
           'the token is not left to right');
    await shot(a, 'exports-02-fa');
    token = (await a.textContent('#consumer-token pre.token')).trim();
    await a.selectOption('#lang', 'en');
    await a.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  await check('exports: a removed consumer\'s token stops working', async () => {
    await go(a, '#/indicator-exports');
    await row(a).locator('button.remove').click();
    await a.waitForFunction(n => ![...document.querySelectorAll('#consumer-list tr.consumer')]
      .some(tr => tr.textContent.includes(n)), NAME);
    assert((await poll(a, token)).status === 401, 'the token of a removed consumer works');
  });

  await check('exports: a constituent has no menu entry and no consumers', async () => {
    const b = await newPage('bob', { acceptDialogs: true });
    await login(b, 'bob', 'constituent passphrase one');
    assert(!(await b.isVisible('#nav a[data-nav="indicator-exports"]')), 'menu entry shown');
    await go(b, '#/indicator-exports');
    assert(await b.locator('#consumer-list').count() === 0, 'consumers listed to a constituent');
    const r = await b.evaluate(async () => (await fetch('/api/v1/indicator-consumers')).status);
    assert(r === 403, `the API answered ${r}`);
  });

  await check('exports: no script errors on the page', async () => {
    assert(problems.length === 0, problems.join('; '));
  });
});
