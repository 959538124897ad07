// Gregorian <-> Solar Hijri (Jalali) calendar conversion, pure functions.
//
// The arithmetic rule: year Y (AP) is leap when (25*Y + 11) mod 33 < 8, and
// 1 Farvardin 1 AP is 22 March 622 (proleptic Gregorian). The days before
// 1 Farvardin of Y are 365*(Y-1) + floor((8*Y + 21) / 33). Months 1-6 have
// 31 days, 7-11 have 30, Esfand 29 (30 in a leap year). This rule matches
// the official (astronomical) calendar for 1210-1634 AP (1831-2256 CE),
// which is what tests/e2e/jalali.test.mjs checks, day by day, against an
// independent implementation (ICU's persian calendar, through Intl).

const EPOCH = -492268; // 1 Farvardin 1 AP as days since 1970-01-01
const DAY_MS = 86400000;

function floorDiv(a, b) {
  return Math.floor(a / b);
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
export function gregorianToDays(gy, gm, gd) {
  return Math.round(Date.UTC(gy, gm - 1, gd) / DAY_MS);
}

export function isJalaliLeap(jy) {
  return ((25 * jy + 11) % 33 + 33) % 33 < 8;
}

function yearStart(jy) { // days since 1970-01-01 of 1 Farvardin jy
  return EPOCH + 365 * (jy - 1) + floorDiv(8 * jy + 21, 33);
}

// Days since 1970-01-01 -> { jy, jm, jd } (month 1-12).
export function daysToJalali(days) {
  const since = days - EPOCH;
  let jy = 1 + floorDiv(33 * since + 3, 12053);
  // the estimate is exact or one year late/early at the edges; settle it
  while (yearStart(jy) > days) jy--;
  while (yearStart(jy + 1) <= days) jy++;
  const doy = days - yearStart(jy); // 0-based
  const jm = doy < 186 ? 1 + floorDiv(doy, 31) : 7 + floorDiv(doy - 186, 30);
  const jd = doy < 186 ? doy % 31 + 1 : (doy - 186) % 30 + 1;
  return { jy, jm, jd };
}

// Gregorian date (month 1-12) -> { jy, jm, jd }.
export function toJalali(gy, gm, gd) {
  return daysToJalali(gregorianToDays(gy, gm, gd));
}

// Jalali date -> { gy, gm, gd }.
export function toGregorian(jy, jm, jd) {
  const doy = jm <= 6 ? (jm - 1) * 31 : 186 + (jm - 7) * 30;
  const d = new Date((yearStart(jy) + doy + jd - 1) * DAY_MS);
  return { gy: d.getUTCFullYear(), gm: d.getUTCMonth() + 1, gd: d.getUTCDate() };
}

export function jalaliMonthLength(jy, jm) {
  if (jm <= 6) return 31;
  if (jm <= 11) return 30;
  return isJalaliLeap(jy) ? 30 : 29;
}
