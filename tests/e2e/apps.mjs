// The apps pages (issue 15) in headless chromium, against the `parapet
// serve` run.sh started at $E2E_BASE, with its constituency: alice
// (analyst), bob (constituent of org 1). alice uploads a signed APK
// (tests/data/apk/sample.apk, mkapks.py's) through the form and lands on
// its verdict (package, author, signer, permissions, candidates with the
// warninglist that holds a popular domain); ticks the C2 URL and confirms
// the app malicious with a reason; reads the takedown letter in English and
// in Persian (right to left); compares the app with itself (same signer);
// the list filtered by status. bob has no apps entry and is refused the
// page. Each check is one test case; the last line is
// "apps: N passed, N failed".
import { check, assert, problems, newPage, go, login, shot, suite } from './lib.mjs';

const SAMPLE = new URL('../data/apk/sample.apk', import.meta.url).pathname;
let id = null;

await suite('apps', async () => {
  const a = await newPage('alice');
  await login(a, 'alice', 'analyst passphrase one');

  await check('apps: an analyst uploads an APK and lands on its verdict', async () => {
    await go(a, '#/apps');
    assert(await a.isVisible('#app-upload'), 'no upload form');
    await a.setInputFiles('#app-upload input[type=file]', SAMPLE);
    await a.click('#app-upload button[type=submit]');
    await a.waitForFunction(() => /^#\/apps\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    id = /(\d+)$/.exec(await a.evaluate(() => document.getElementById('view').dataset.route))[1];
    const text = await a.textContent('#view');
    assert(text.includes('ir.example.flashlight'), 'no package');
    assert((await a.textContent('#app-author')).includes('Alice Dev'), 'no author');
    assert(await a.locator('tr.signer').count() === 1, 'no signer row');
    assert(text.includes('android.permission.RECEIVE_SMS'), 'no permission');
    assert(!/\bnull\b|undefined/.test(text), 'a missing part written out as text');
    await shot(a, 'app-01-verdict');
  });

  await check('apps: a popular domain among the candidates names its warninglist', async () => {
    const row = a.locator('tr.candidate', { hasText: 'api.telegram.org' });
    assert(await row.count() === 1, 'candidate missing');
    assert(await row.locator('.badge.held').count() === 1, 'warninglist not named');
  });

  await check('apps: the analyst ticks the C2 URL and confirms the app malicious', async () => {
    await a.check('tr.candidate:has-text("https://evil-c2.example.ir/gate.php?id=1") input[type=checkbox]');
    await a.fill('#app-confirm [name=reason]', 'SMS stealer seen in an e2e run');
    await a.click('#app-confirm button[type=submit]');
    await a.waitForFunction(() => /indicators listed/.test(document.querySelector('#app-confirm .form-status')?.textContent || ''));
    await go(a, `#/apps/${id}`);
    assert(await a.locator('.badge.app-malicious').count() >= 1, 'not malicious');
    assert(await a.locator('#app-letter').count() === 1, 'no takedown card');
  });

  await check('apps: the takedown letter in English, then in Persian right to left', async () => {
    await a.click('button[data-lang=en]');
    await a.waitForSelector('#app-letter pre[lang=en]');
    const en = await a.textContent('#app-letter pre');
    assert(en.includes('ir.example.flashlight') && en.includes('SMS stealer') &&
           en.includes('https://evil-c2.example.ir/gate.php?id=1'), en.slice(0, 200));
    await a.click('button[data-lang=fa]');
    await a.waitForSelector('#app-letter pre[lang=fa][dir=rtl]');
    const fa = await a.textContent('#app-letter pre');
    assert(fa.includes('\u0646\u0627\u0645 \u0628\u0633\u062a\u0647'), 'no Persian letter');
    await shot(a, 'app-02-letter');
  });

  await check('apps: the list filtered by status, and an app compared with itself', async () => {
    await go(a, '#/apps?status=malicious');
    assert(await a.locator(`tr.app[data-id="${id}"]`).count() === 1, 'not listed as malicious');
    await go(a, `#/apps/diff?a=${id}&b=${id}`);
    assert((await a.textContent('#same-signer')).trim() === 'yes', 'not the same signer');
  });

  await check('apps: a constituent has no apps entry and is refused the page', async () => {
    const b = await newPage('bob');
    await login(b, 'bob', 'constituent passphrase one');
    assert(!(await b.isVisible('#nav a[data-nav=apps]')), 'nav entry shown');
    await go(b, '#/apps');
    assert(!(await b.isVisible('#app-upload')), 'upload form shown');
    assert(await b.locator('.error, [role=alert]').count() >= 1, 'no refusal shown');
  });

  await check('no console errors or script errors on the apps pages', async () => {
    const real = problems.filter(p => !/403/.test(p));
    assert(real.length === 0, real.slice(0, 3).join(' | '));
  });
});
