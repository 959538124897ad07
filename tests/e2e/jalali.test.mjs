// Unit tests of web/jalali.js: known dates, round trips, and every day of
// 1900-2100 CE against ICU's persian calendar (Intl) as an independent check.
// Prints "jalali: N passed, N failed" last.
import { toJalali, toGregorian, isJalaliLeap, jalaliMonthLength } from '../../web/jalali.js';

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`); }
}
const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// known dates (Nowruz and others)
const known = [
  [[2026, 3, 21], [1405, 1, 1]],
  [[2026, 3, 20], [1404, 12, 29]],
  [[2025, 3, 21], [1404, 1, 1]],
  [[2024, 3, 20], [1403, 1, 1]],
  [[2025, 3, 20], [1403, 12, 30]],   // 1403 is leap
  [[1979, 2, 11], [1357, 11, 22]],
  [[2000, 1, 1], [1378, 10, 11]],
  [[2026, 11, 28], [1405, 9, 7]],
  [[1989, 6, 4], [1368, 3, 14]],
];
for (const [g, j] of known) {
  const got = toJalali(...g);
  check(`toJalali ${g.join('-')}`, eq([got.jy, got.jm, got.jd], j), JSON.stringify(got));
  const back = toGregorian(...j);
  check(`toGregorian ${j.join('/')}`, eq([back.gy, back.gm, back.gd], g), JSON.stringify(back));
}
check('1403 leap', isJalaliLeap(1403));
check('1404 not leap', !isJalaliLeap(1404));
check('1408 leap', isJalaliLeap(1408));
check('Esfand 1404 has 29 days', jalaliMonthLength(1404, 12) === 29);

// every day 1900-01-01 .. 2100-12-31 against Intl's persian calendar, and round trips
const fmt = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
  timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
let mismatches = 0, roundtrip = 0, days = 0, first = '';
for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2100, 11, 31); t += 86400000) {
  const d = new Date(t);
  const g = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  const j = toJalali(...g);
  const parts = Object.fromEntries(fmt.formatToParts(d).map(p => [p.type, p.value]));
  const ij = [parseInt(parts.year, 10), parseInt(parts.month, 10), parseInt(parts.day, 10)];
  if (!eq([j.jy, j.jm, j.jd], ij)) {
    if (!mismatches) first = `${g.join('-')}: ours ${j.jy}/${j.jm}/${j.jd}, Intl ${ij.join('/')}`;
    mismatches++;
  }
  const b = toGregorian(j.jy, j.jm, j.jd);
  if (!eq([b.gy, b.gm, b.gd], g)) roundtrip++;
  days++;
}
check(`agrees with Intl persian calendar on ${days} days (1900-2100)`, mismatches === 0,
      `${mismatches} mismatches, first ${first}`);
check(`round trip on ${days} days`, roundtrip === 0, `${roundtrip} failures`);

console.log(`jalali: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
