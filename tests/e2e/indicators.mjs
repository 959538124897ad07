// The indicator pages (issue 15) in headless chromium, against the `parapet
// serve` run.sh started at $E2E_BASE, with its constituency:
//   org 1 "Ministry of Energy" (bob, constituent), org 2 "Ministry of Roads"
//   (carol, constituent), alice (analyst).
// alice adds a domain through the form and lands on its page; adds 8.8.8.8
// and is told it is held, with MISP's public-resolver list named; confirms
// it on its page; changes a TLP; retires one (still found by the status
// filter); searches by an address a network covers. bob sees the GREEN
// indicator and org 1's AMBER, never org 2's AMBER (not listed, and its
// page "not found"). The list and a page in Persian, right to left.
// Each check is one test case; the last line is "indicators: N passed, N failed".
import { stamp, check, assert, problems, newPage, rendered, go, login, shot, apiCall, suite } from './lib.mjs';

const routeId = async page => {
  const m = /^#\/indicators\/(\d+)$/.exec(await page.evaluate(() => document.getElementById('view').dataset.route || ''));
  return m ? m[1] : null;
};

const domain = `c2-${stamp}.example`;
let ids = {};

await suite('indicators', async () => {
  const a = await newPage('alice');
  await login(a, 'alice', 'analyst passphrase one');

  await check('indicators: an analyst adds a domain through the form and lands on its page', async () => {
    await go(a, '#/indicators');
    assert(await a.isVisible('#indicator-add'), 'no add form');
    await a.fill('#indicator-add [name=value]', domain.toUpperCase() + '.');
    await a.fill('#indicator-add [name=reason]', 'C2 of a sample');
    await a.selectOption('#indicator-add [name=tlp]', 'GREEN');
    await a.fill('#indicator-add [name=tags]', 'c2, e2e');
    await a.click('#indicator-add button[type=submit]');
    await a.waitForFunction(() => /^#\/indicators\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    ids.green = await routeId(a);
    const facts = await a.textContent('#indicator-facts');
    assert((await a.textContent('#indicator-value')).includes(domain), 'value not canonical');
    assert(facts.includes('TLP:GREEN') && facts.includes('domain') && facts.includes('c2'), facts);
    await shot(a, 'ind-01-page');
  });

  await check('indicators: a bad value is refused beside its field', async () => {
    await go(a, '#/indicators');
    await a.selectOption('#indicator-add [name=type]', 'cidr');
    await a.fill('#indicator-add [name=value]', '10.1.2.3/16');
    await a.click('#indicator-add button[type=submit]');
    await a.locator('#indicator-add [name=value][aria-invalid=true]').waitFor();
  });

  await check('indicators: 8.8.8.8 is held, the warninglist named; confirmed on its page', async () => {
    await go(a, '#/indicators');
    await a.fill('#indicator-add [name=value]', '8.8.8.8');
    await a.click('#indicator-add button[type=submit]');
    const held = await a.locator('#indicator-held').textContent();
    assert(/DNS resolvers/.test(held), held);
    await a.click('#indicator-held a');
    await a.waitForFunction(() => /^#\/indicators\/\d+$/.test(document.getElementById('view').dataset.route || ''));
    ids.held = await routeId(a);
    assert((await a.textContent('#indicator-facts')).includes('held'), 'not shown held');
    await shot(a, 'ind-02-held');
    await a.click('#indicator-confirm');
    await a.waitForFunction(() => /active/.test(document.querySelector('#indicator-facts .ind-status')?.textContent || ''));
  });

  await check('indicators: TLP changed on the page; retired, then found by status', async () => {
    await go(a, `#/indicators/${ids.held}`);
    await a.selectOption('#indicator-edit [name=tlp]', 'RED');
    await a.click('#indicator-edit button[type=submit]');
    await a.waitForFunction(() => /TLP:RED/.test(document.querySelector('#indicator-facts .ind-tlp')?.textContent || ''));
    await a.click('#indicator-retire');
    await a.waitForFunction(() => /retired/.test(document.querySelector('#indicator-facts .ind-status')?.textContent || ''));
    await go(a, '#/indicators?status=retired');
    assert(await a.locator(`tr.indicator[data-id="${ids.held}"]`).count() === 1, 'retired not listed');
  });

  await check('indicators: search by an address a network covers', async () => {
    const mk = async body => JSON.parse((await apiCall(a, 'POST', '/api/v1/indicators', body)).body).id;
    ids.net = await mk({ type: 'cidr', value: '45.155.205.0/24', tlp: 'clear', confirm: true });
    ids.ambA = await mk({ value: `a-${stamp}.example`, tlp: 'amber', org_id: 1 });
    ids.ambB = await mk({ value: `b-${stamp}.example`, tlp: 'amber', org_id: 2 });
    await go(a, '#/indicators?contains=45.155.205.9');
    const rows = await a.locator('tr.indicator').count();
    assert(rows === 1, `${rows} rows`);
    assert(await a.locator(`tr.indicator[data-id="${ids.net}"]`).count() === 1, 'network not found');
  });

  await check('indicators: the list and a page in Persian, right to left', async () => {
    await go(a, '#/indicators');
    await a.selectOption('#lang', 'fa');
    await a.waitForFunction(() => document.documentElement.dir === 'rtl');
    await rendered(a, '#/indicators');
    const text = await a.textContent('#view');
    assert(text.includes('شاخص‌های تهدید') && text.includes('افزودن شاخص'), 'not Persian');
    await go(a, `#/indicators/${ids.green}`);
    assert((await a.textContent('#indicator-facts')).includes('نخستین مشاهده'), 'facts not Persian');
    assert(await a.$eval('#indicator-value bdi', el => getComputedStyle(el).direction) === 'ltr',
           'the value is not kept left to right');
    await shot(a, 'ind-03-fa');
    await a.selectOption('#lang', 'en');
    await a.waitForFunction(() => document.documentElement.dir === 'ltr');
  });

  await check('indicators: a constituent sees GREEN and its own AMBER, never another organisation\'s', async () => {
    const b = await newPage('bob');
    await login(b, 'bob', 'constituent passphrase one');
    await go(b, '#/indicators?type=domain');
    assert(!(await b.isVisible('#indicator-add')), 'a constituent has the add form');
    assert(await b.locator(`tr.indicator[data-id="${ids.green}"]`).count() === 1, 'GREEN not listed');
    assert(await b.locator(`tr.indicator[data-id="${ids.ambA}"]`).count() === 1, 'own AMBER not listed');
    assert(await b.locator(`tr.indicator[data-id="${ids.ambB}"]`).count() === 0, 'org 2 AMBER listed');
    await go(b, `#/indicators/${ids.ambB}`);
    assert(await b.isVisible('#not-found'), 'org 2 AMBER page shown');
    await go(b, `#/indicators/${ids.held}`);
    assert(await b.isVisible('#not-found'), 'RED page shown');
    await shot(b, 'ind-04-constituent');
  });

  await check('no console errors or script errors on the indicator pages', async () => {
    assert(problems.length === 0, problems.slice(0, 3).join(' | '));
  });
});
