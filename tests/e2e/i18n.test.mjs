// The message catalogues (web/i18n.js) are complete in both languages: the
// same keys in English and Persian, each with the same {placeholders};
// every key the pages name literally (t('key'), data-i18n="key" in
// index.html) exists; and the keys the advisory pages build from the API's
// values (target states, advisory statuses, action kinds, CVSS severities)
// exist for every value; and the tracking page's summary sentence in both;
// the DDoS page's keys built from flow values, its rates and durations.
// No browser: node reads the modules as they are.
// Prints "i18n: N passed, N failed" last.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogues, setLang } from '../../web/i18n.js';
import { TARGET_STATES, summarySentence } from '../../web/advisories.js';
import { EXPORT_FORMATS, tlpReach } from '../../web/indicator_exports.js';
import { IMPORT_STATUSES } from '../../web/indicator_import.js';
import { FLOW_BY, FLOW_DIRECTIONS, FLOW_ATTACK_TYPES, rate, duration } from '../../web/flow.js';

const web = join(dirname(fileURLToPath(import.meta.url)), '../../web');
// A test case is one property (below, each `cases(...)` group); it fails
// when any of its checks does, each failing check printed.
let passed = 0, failed = 0, current = null;
function check(name, ok, detail) {
  if (ok) return;
  current.bad++;
  console.log(`FAIL ${current.name}: ${name}${detail ? ': ' + detail : ''}`);
}
function testCase(name, body) {
  current = { name, bad: 0 };
  body();
  if (current.bad) failed++; else { passed++; console.log(`ok   ${name}`); }
}

const { en, fa } = catalogues;
const placeholders = s => [...String(s).matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort().join(',');
testCase('English and Persian have the same keys', () => {
  for (const k of Object.keys(en)) check(`fa has ${k}`, k in fa);
  for (const k of Object.keys(fa)) check(`en has ${k}`, k in en);
});
testCase('each message has the same {placeholders} in both', () => {
  for (const k of Object.keys(en))
    if (k in fa)
      check(k, placeholders(en[k]) === placeholders(fa[k]),
            `en {${placeholders(en[k])}} fa {${placeholders(fa[k])}}`);
});
testCase('no Persian message is empty where the English is not', () => {
  for (const k of Object.keys(en))
    if (k in fa) check(k, String(fa[k]).trim() !== '' || String(en[k]).trim() === '');
});

// keys named literally in the pages
const used = new Set();
for (const f of readdirSync(web)) {
  const text = readFileSync(join(web, f), 'utf8');
  if (f.endsWith('.js') && f !== 'i18n.js')
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]);
  if (f.endsWith('.html'))
    for (const m of text.matchAll(/data-i18n(?:-label|-placeholder|-title)?="([\w.]+)"/g)) used.add(m[1]);
}
testCase('every key a page names exists', () => {
  check('the pages name some keys', used.size > 100, `${used.size}`);
  for (const k of used) check(`key ${k}`, k in en);
});

// keys the advisory pages build from the API's values
const built = [
  ...TARGET_STATES.map(s => `target.${s}`),
  ...['draft', 'published', 'withdrawn'].map(s => `adv.status.${s}`),
  ...['patch', 'workaround', 'mitigation'].map(s => `adv.kind.${s}`),
  ...['none', 'low', 'medium', 'high', 'critical'].map(s => `cvss.${s}`),
  ...['read', 'acknowledged', 'patched', 'not_affected'].map(s => `forus.done.${s}`),
];
testCase('every key the advisory pages build from API values exists in both', () => {
  for (const k of built) check(k, k in en && k in fa);
  check('track.sentence joins three parts', placeholders(en['track.sentence']) === 'ack,patched,warned');
});

// keys the bulk import and warninglists pages build from the API's values
// (openapi IndicatorImportResult statuses, getWarninglists sources)
testCase('every key the import pages build from API values exists in both', () => {
  const keys = [...IMPORT_STATUSES.map(s => `imp.status.${s}`),
                ...['config', 'installed', 'shipped'].map(s => `wl.source.${s}`)];
  for (const k of keys) check(k, k in en && k in fa);
  check('five statuses', IMPORT_STATUSES.length === 5);
});

// the tracking page's sentence, as the issue words it, in both languages
const full = { warned: 12, days_before_deadline: 9.6, acknowledged: 10, ack_median_hours: 5.25,
               patched: 7, verified: 4 };
testCase('the tracking summary sentence in English', () => {
  setLang('en');
  let got = summarySentence(full);
  check('full', got === 'Warned 12 organisations 10 days before the deadline; 10 acknowledged '
        + 'within a median of 5.3 hours; 7 patched, 4 verified by scan.', got);
  got = summarySentence({ warned: 3, days_before_deadline: null, acknowledged: 0,
                          ack_median_hours: null, patched: 0, verified: 0 });
  check('without a deadline or an acknowledgement',
        got === 'Warned 3 organisations; 0 acknowledged; 0 patched, 0 verified by scan.', got);
});
testCase('the tracking summary sentence in Persian, with Persian digits', () => {
  setLang('fa');
  const got = summarySentence(full);
  check('full', got.includes('۱۲ سازمان ۱۰ روز پیش از مهلت') && got.includes('۵.۳ ساعت')
        && !/[0-9]/.test(got), got);
  setLang('en');
});

// the exports page (issue 15): every format a consumer may poll is named
// in both languages, and the TLP levels the page says a consumer receives
// follow the server's rule (RED never)
testCase('every export format is named in both languages', () => {
  check('eight formats', EXPORT_FORMATS.length === 8, `${EXPORT_FORMATS.length}`);
  for (const f of EXPORT_FORMATS) check(`cons.fmt.${f}`, `cons.fmt.${f}` in en && `cons.fmt.${f}` in fa);
});
testCase('the exports page shows the TLP rule: AMBER to members, AMBER+STRICT to strict, RED never', () => {
  const show = c => tlpReach(c).join(' ');
  check('public', show({}) === 'CLEAR GREEN', show({}));
  check('member', show({ member: true }) === 'CLEAR GREEN AMBER', show({ member: true }));
  check('strict', show({ member: true, strict: true }) === 'CLEAR GREEN AMBER AMBER+STRICT',
        show({ member: true, strict: true }));
  check('strict alone', show({ strict: true }) === 'CLEAR GREEN AMBER AMBER+STRICT', show({ strict: true }));
  for (const c of [{}, { member: true }, { strict: true }, { member: true, strict: true }])
    check('never RED', !tlpReach(c).includes('RED'));
});

// the DDoS page (issue 16): the keys it builds from the API's values (the
// figures, directions and attack types of src/flow, each unit at each
// scale), and rates and durations as an analyst reads them in both languages
testCase('every key the DDoS page builds from API values exists in both', () => {
  const keys = [...FLOW_BY.map(b => `flow.by.${b}`), ...FLOW_DIRECTIONS.map(d => `flow.dir.${d}`),
                ...FLOW_ATTACK_TYPES.map(a => `flow.type.${a}`),
                ...FLOW_BY.flatMap(b => [0, 1, 2, 3, 4].map(i => `flow.unit.${b}.${i}`))];
  for (const k of keys) check(k, k in en && k in fa);
  check('seven attack types', FLOW_ATTACK_TYPES.length === 7);
});
testCase('rates with units scaled by thousands, and durations, in English and Persian', () => {
  setLang('en');
  const cases = [[rate(999, 'pps'), '999 pps'], [rate(150000, 'pps'), '150 kpps'],
                 [rate(1200000000, 'bps'), '1.20 Gbit/s'], [rate(85500000, 'bps'), '85.5 Mbit/s'],
                 [rate(0, 'syn'), '0 SYN/s'], [rate(999960, 'pps'), '1.00 Mpps'],
                 [rate(999, 'bps'), '999 bit/s'], [rate(null, 'flows'), '—'],
                 [duration(45000), '45 s'], [duration(6 * 60000), '6 min'],
                 [duration(125 * 60000), '2 h 5 min'], [duration(27 * 3600000), '1 d 3 h']];
  for (const [got, want] of cases) check(want, got === want, got);
  setLang('fa');
  const fa1 = rate(150000, 'pps'), fa2 = duration(125 * 60000);
  check('Persian rate', fa1 === '۱۵۰ هزار بسته/ثانیه', fa1);
  check('Persian duration', fa2 === '۲ ساعت و ۵ دقیقه', fa2);
  setLang('en');
});

console.log(`i18n: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
