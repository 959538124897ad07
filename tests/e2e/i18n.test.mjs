// The message catalogues (web/i18n.js) are complete in both languages: the
// same keys in English and Persian, each with the same {placeholders};
// every key the pages name literally (t('key'), data-i18n="key" in
// index.html) exists; and the keys the advisory pages build from the API's
// values (target states, advisory statuses, action kinds, CVSS severities)
// exist for every value. No browser: node reads the modules as they are.
// Prints "i18n: N passed, N failed" last.
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogues } from '../../web/i18n.js';
import { TARGET_STATES } from '../../web/advisories.js';

const web = join(dirname(fileURLToPath(import.meta.url)), '../../web');
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`); }
}

const { en, fa } = catalogues;
const placeholders = s => [...String(s).matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort().join(',');
for (const k of Object.keys(en)) {
  check(`fa has ${k}`, k in fa);
  if (k in fa) {
    check(`${k}: same placeholders`, placeholders(en[k]) === placeholders(fa[k]),
          `en {${placeholders(en[k])}} fa {${placeholders(fa[k])}}`);
    check(`${k}: not empty in Persian`, String(fa[k]).trim() !== '' || String(en[k]).trim() === '');
  }
}
for (const k of Object.keys(fa)) check(`en has ${k}`, k in en);

// keys named literally in the pages
const used = new Set();
for (const f of readdirSync(web)) {
  const text = readFileSync(join(web, f), 'utf8');
  if (f.endsWith('.js') && f !== 'i18n.js')
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]);
  if (f.endsWith('.html'))
    for (const m of text.matchAll(/data-i18n(?:-label|-placeholder|-title)?="([\w.]+)"/g)) used.add(m[1]);
}
check('the pages name some keys', used.size > 100, `${used.size}`);
for (const k of used) check(`key ${k} used by a page exists`, k in en);

// keys the advisory pages build from the API's values
const built = [
  ...TARGET_STATES.map(s => `target.${s}`),
  ...['draft', 'published', 'withdrawn'].map(s => `adv.status.${s}`),
  ...['patch', 'workaround', 'mitigation'].map(s => `adv.kind.${s}`),
  ...['none', 'low', 'medium', 'high', 'critical'].map(s => `cvss.${s}`),
  ...['read', 'acknowledged', 'patched', 'not_affected'].map(s => `forus.done.${s}`),
];
for (const k of built) check(`built key ${k} exists in both`, k in en && k in fa);
// the summary sentence of the tracking page
check('track.sentence joins three parts', placeholders(en['track.sentence']) === 'ack,patched,warned');

console.log(`i18n: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
