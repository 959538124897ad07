// The advisory pages (issue 14) in headless chromium, against the `parapet
// serve` run.sh started at $E2E_BASE, after e2e.mjs, with its constituency:
//   org 1 "Ministry of Energy" (Tehran, energy; bob, constituent)
//   org 2 "Ministry of Roads" (Fars, transport; carol, constituent)
//   alice (analyst), parvin (provincial analyst of Tehran, who tracks
//   Tehran's targets only).
// Org 1 is given a declared product asset (Cisco IOS 15.2(4)E7) here. The
// analyst writes an advisory for Cisco IOS before 15.2(5) and for the
// province of Fars, and the live preview must list org 1 (its product
// asset) and org 2 (the audience) with why, counts by province and sector,
// and the computed CVSS score; a target is removed with a reason and put
// back; the advisory is published; the tracking page gives totals and the
// summary sentence; bob acknowledges and says patched, carol says not
// affected (a reason required); the tracking page then counts them; all of
// it again in Persian, right to left. The checks that need the advisory
// domain (targets, publishing, tracking) pass once it is built; the pages
// render and speak both languages without it.
// Each check is one test case; the last line is "advisories: N passed, N failed".
import { BASE, stamp, check, assert, problems, newPage, rendered, go, login, shot, apiCall, suite } from './lib.mjs';

const TITLE = `Cisco Smart Install remote code execution ${stamp}`;
const TITLE_FA = `اجرای کد از راه دور در Smart Install سیسکو ${stamp}`;
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8, critical
const rowOf = (page, name) => page.locator('#target-preview tr.target', { hasText: name });

let advHash = null;

await suite('advisories', async () => {
  const a = await newPage('alice');
  await login(a, 'alice', 'analyst passphrase one');

  await check('advisories: the list and the editor render for an analyst', async () => {
    await go(a, '#/advisories');
    assert(await a.isVisible('#new-advisory'), 'no "new advisory" button');
    assert(await a.isVisible('#csaf-import input[type=file]'), 'no CSAF import');
    await go(a, '#/advisories/new');
    for (const n of ['title_en', 'title_fa', 'summary_en', 'summary_fa', 'cves', 'cvss', 'tlp',
                     'exploited', 'deadline', 'aud_provinces'])
      assert(await a.locator(`#advisory-form [name=${n}]`).count() === 1, `no field ${n}`);
    assert(await a.isVisible('#target-preview'), 'no live preview');
    await a.click('#products .add-row');
    assert(await a.locator('#products .row.product [name=cpe]').count() === 1, 'no product row');
    await shot(a, 'adv-01-editor');
  });

  await check('advisories: the editor in Persian, right to left', async () => {
    await a.selectOption('#lang', 'fa');
    await a.waitForFunction(() => document.documentElement.dir === 'rtl');
    await rendered(a, '#/advisories/new');
    const text = await a.textContent('#view');
    assert(text.includes('هشدار تازه') && text.includes('بردار CVSS') && text.includes('چه کسانی آسیب‌پذیرند'),
           'editor labels not Persian');
    assert(await a.$eval('#advisory-form [name=cvss]', el => getComputedStyle(el).direction) === 'ltr',
           'the CVSS vector is not kept left to right');
    // the deadline is typed in the Solar Hijri calendar
    assert(await a.getAttribute('#advisory-form [name=deadline]', 'data-calendar') === 'jalali',
           'deadline not Jalali');
    await shot(a, 'adv-02-editor-fa');
    await a.selectOption('#lang', 'en');
    await a.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  await check('advisories: the live preview lists the targets with why and hosts, by province and sector, and the CVSS score', async () => {
    // a product asset as a CPE 2.3 name with its version, or as free text
    let r;
    for (const value of ['cpe:2.3:o:cisco:ios:15.2.4:*:*:*:*:*:*:*', 'cisco ios 15.2.4']) {
      r = await apiCall(a, 'POST', '/api/v1/orgs/1/assets', { type: 'product', value });
      if (r.status === 201 || r.status === 409) break;
    }
    assert(r.status === 201 || r.status === 409, `product asset: ${r.status} ${r.body}`);
    await go(a, '#/advisories/new');
    await a.fill('#advisory-form [name=title_en]', TITLE);
    await a.fill('#advisory-form [name=title_fa]', TITLE_FA);
    await a.fill('#advisory-form [name=summary_en]', 'Smart Install lets anyone run code on the switch.');
    await a.fill('#advisory-form [name=cves]', 'CVE-2018-0171');
    await a.fill('#advisory-form [name=cvss]', VECTOR);
    await a.check('#advisory-form [name=exploited]');
    await a.fill('#advisory-form [name=deadline]', '2031-01-20');
    await a.click('#products .add-row');
    const row = a.locator('#products .row.product').first();
    await row.locator('[name=cpe]').fill('cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*');
    await row.locator('[name=end]').fill('15.2(5)');
    await a.fill('#advisory-form [name=aud_provinces]', 'Fars');
    // the preview follows the typing, without a save
    await rowOf(a, 'Ministry of Energy').waitFor();
    await rowOf(a, 'Ministry of Roads').waitFor();
    const energy = await rowOf(a, 'Ministry of Energy').textContent();
    assert(/declared product/.test(energy) && /cisco/i.test(energy), `why: ${energy}`);
    assert(/Tehran/.test(await a.textContent('#by-province')) && /Fars/.test(await a.textContent('#by-province')),
           'counts by province');
    assert(/energy/.test(await a.textContent('#by-sector')), 'counts by sector');
    assert(/2 organisations/.test(await a.textContent('#preview-total')), await a.textContent('#preview-total'));
    await a.waitForFunction(() => /9\.8/.test(document.getElementById('cvss-score').textContent));
    assert(/critical/.test(await a.textContent('#cvss-score')), 'severity not shown');
    await shot(a, 'adv-03-preview');
  });

  await check('advisories: a wrong CVSS vector is refused with the field marked', async () => {
    await a.fill('#advisory-form [name=cvss]', 'CVSS:3.1/AV:N/AC:L');
    await a.waitForSelector('#advisory-form [name=cvss][aria-invalid=true]');
    await a.fill('#advisory-form [name=cvss]', VECTOR);
    await a.waitForFunction(() => !document.querySelector('#advisory-form [name=cvss][aria-invalid]'));
  });

  await check('advisories: saved as a draft, a target removed with a reason and put back', async () => {
    await a.click('#save-advisory');
    await a.waitForFunction(() => /^#\/advisories\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    advHash = await a.evaluate(() => location.hash);
    assert((await a.inputValue('#advisory-form [name=title_en]')) === TITLE, 'title not kept');
    await rowOf(a, 'Ministry of Roads').waitFor();
    const roads = rowOf(a, 'Ministry of Roads');
    await roads.locator('input[name=reason]').fill('handled by their own CERT');
    await roads.locator('.exclude-form button').click();
    await a.locator('#target-preview tr.target.excluded', { hasText: 'handled by their own CERT' }).waitFor();
    assert(/1 organisations/.test(await a.textContent('#preview-total')), 'removed target still counted');
    await a.locator('#target-preview tr.target.excluded button.include').click();
    await a.waitForFunction(() => !document.querySelector('#target-preview tr.target.excluded'));
    assert(await a.isVisible('#csaf-export'), 'no CSAF export link');
    const csaf = await apiCall(a, 'GET', `/api/v1/advisories/${advHash.split('/').pop()}/csaf`);
    assert(csaf.status === 200 && JSON.parse(csaf.body).document.csaf_version === '2.0', 'CSAF export');
  });

  await check('advisories: published to both organisations', async () => {
    await a.click('#publish-advisory');
    await a.locator('#publish-card .form-status', { hasText: 'Published: 2 organisations' }).waitFor();
    await shot(a, 'adv-04-published');
  });

  await check('tracking page: every target, totals per state, the summary sentence', async () => {
    await go(a, `${advHash}/tracking`);
    const s = await a.textContent('#tracking-summary');
    assert(/^Warned 2 organisations/.test(s), `summary: ${s}`);
    assert(await a.locator('#tracking-targets tr.target').count() === 2, 'targets listed');
    assert((await a.textContent('#tracking-totals li[data-state=notified] .total')).trim() === '2', 'totals');
  });

  const b = await newPage('bob');
  await login(b, 'bob', 'constituent passphrase one');
  await check('constituent: "advisories for us" lists it; opening it reads it', async () => {
    await go(b, '#/advisories');
    assert((await b.textContent('#view h1')) === 'Advisories for us', 'title');
    await b.locator('#view a.advisory-link', { hasText: TITLE }).click();
    await b.waitForFunction(() => /^#\/advisories\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    await b.locator('#our-state', { hasText: 'read' }).waitFor();
    assert(await b.isVisible('#ack-advisory') && await b.isVisible('#patched-advisory'), 'buttons');
  });

  await check('constituent: acknowledge, then patched', async () => {
    await b.click('#ack-advisory');
    await b.locator('#our-state', { hasText: 'acknowledged' }).waitFor();
    await b.click('#patched-advisory');
    await b.locator('#our-state', { hasText: 'patched' }).waitFor();
    await shot(b, 'adv-05-constituent');
  });

  await check('constituent, in Persian: the page and its buttons right to left', async () => {
    await b.selectOption('#lang', 'fa');
    await b.waitForFunction(() => document.documentElement.dir === 'rtl');
    await b.locator('#ack-advisory', { hasText: 'تأیید دریافت' }).waitFor();
    assert((await b.textContent('#view h1')).includes(TITLE_FA), 'Persian title');
    assert((await b.textContent('#our-state')).includes('وصله‌شده'), 'state in Persian');
    await shot(b, 'adv-06-constituent-fa');
    await b.selectOption('#lang', 'en');
  });

  const c = await newPage('carol');
  await login(c, 'carol', 'constituent passphrase two');
  await check('constituent: "not affected" needs a reason', async () => {
    await go(c, advHash);
    await c.click('#not-affected-form button[type=submit]');
    await c.waitForSelector('#not-affected-form [name=reason][aria-invalid=true]');
    await c.fill('#not-affected-form [name=reason]', 'we replaced these switches in 2025');
    await c.click('#not-affected-form button[type=submit]');
    await c.locator('#our-state', { hasText: 'not affected' }).waitFor();
  });

  await check('tracking page after the answers; in Persian, right to left', async () => {
    await go(a, `${advHash}/tracking`);
    assert((await a.textContent('#tracking-totals li[data-state=patched] .total')).trim() === '1', 'patched total');
    assert((await a.textContent('#tracking-totals li[data-state=not_affected] .total')).trim() === '1', 'not affected total');
    assert(/1 acknowledged/.test(await a.textContent('#tracking-summary')), 'acknowledged count');
    assert((await a.textContent('#tracking-targets')).includes('we replaced these switches'), 'reason shown');
    await a.selectOption('#lang', 'fa');
    await a.waitForFunction(() => document.documentElement.dir === 'rtl');
    await rendered(a, `${advHash}/tracking`);
    const s = await a.textContent('#tracking-summary');
    assert(/۲ سازمان/.test(s) && s.includes('وصله کردند'), `summary in Persian: ${s}`);
    await shot(a, 'adv-07-tracking-fa');
    await a.selectOption('#lang', 'en');
  });

  await check('provincial analyst: reads the advisory, no editor; tracks its province\'s targets only', async () => {
    const p = await newPage('parvin');
    await login(p, 'parvin', 'provincial passphrase one');
    await go(p, advHash);
    assert(!(await p.isVisible('#advisory-form')), 'the editor is offered');
    assert(await p.isVisible('#tracking-link'), 'no tracking link');
    await go(p, `${advHash}/tracking`);
    const names = await p.$$eval('#tracking-targets tr.target', rows => rows.map(r => r.textContent));
    assert(names.length === 1 && names[0].includes('Ministry of Energy'), `targets: ${names.join(' | ')}`);
  });

  await check('CSAF import: a vendor\'s file becomes a draft, opened in the editor', async () => {
    const csaf = {
      document: {
        category: 'csaf_security_advisory', csaf_version: '2.0', title: `Vendor advisory ${stamp}`,
        publisher: { category: 'vendor', name: 'Example Vendor', namespace: 'https://vendor.example' },
        distribution: { tlp: { label: 'GREEN' } },
        notes: [{ category: 'summary', text: 'A flaw in RouterOS.' }],
        tracking: { id: `example-e2e-${stamp}`, status: 'final', version: '1',
                    initial_release_date: '2026-12-01T00:00:00Z', current_release_date: '2026-12-01T00:00:00Z',
                    revision_history: [{ date: '2026-12-01T00:00:00Z', number: '1', summary: 'first' }] },
      },
      product_tree: { branches: [{ category: 'vendor', name: 'MikroTik', branches: [{ category: 'product_name',
        name: 'RouterOS', branches: [{ category: 'product_version', name: '6.42.1', product: {
          name: 'MikroTik RouterOS 6.42.1', product_id: 'P1',
          product_identification_helper: { cpe: 'cpe:2.3:o:mikrotik:routeros:6.42.1:*:*:*:*:*:*:*' } } }] }] }] },
      vulnerabilities: [{ cve: 'CVE-2018-14847', product_status: { known_affected: ['P1'] } }],
    };
    await go(a, '#/advisories');
    await a.setInputFiles('#csaf-import input[type=file]', { name: 'vendor.json', mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(csaf)) });
    await a.click('#csaf-import button[type=submit]');
    await a.waitForFunction(() => /^#\/advisories\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    assert((await a.inputValue('#advisory-form [name=title_en]')).includes(`Vendor advisory ${stamp}`), 'title');
    // a file that is not JSON is refused in the page
    await go(a, '#/advisories');
    await a.setInputFiles('#csaf-import input[type=file]', { name: 'x.json', mimeType: 'application/json',
      buffer: Buffer.from('not json') });
    await a.click('#csaf-import button[type=submit]');
    await a.locator('#csaf-import .error').waitFor();
  });

  await check('signed link page: a malformed link says so, without logging in', async () => {
    const anon = await newPage('anonymous');
    await anon.goto(`${BASE}/#/advisory-link/not-a-token`);
    await rendered(anon, '#/advisory-link/not-a-token');
    const text = await anon.textContent('#link-error');
    assert(/not valid/.test(text), text);
    assert(await anon.isVisible('#login-form'), 'no log-in offered');
  });

  await check('no console errors or script errors on the advisory pages', async () => {
    assert(problems.length === 0, problems.slice(0, 3).join(' | '));
  });
});
