// Dates and numbers for display, in the chosen calendar and language.
import { toJalali, toGregorian, jalaliMonthLength } from './jalali.js';
import { getLang, getCalendar, t } from './i18n.js';

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

export function digits(s) {
  s = String(s);
  return getLang() === 'fa' ? s.replace(/[0-9]/g, d => PERSIAN_DIGITS[d]) : s;
}

export function num(n) {
  return n === null || n === undefined ? t('common.none') : digits(n);
}

const pad = n => String(n).padStart(2, '0');

// "2026-11-28 15:37" or "1405/09/07 15:37" in the browser's time zone.
export function formatDate(iso) {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (isNaN(d)) return t('common.none');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  let day;
  if (getCalendar() === 'jalali') {
    const j = toJalali(d.getFullYear(), d.getMonth() + 1, d.getDate());
    day = `${j.jy}/${pad(j.jm)}/${pad(j.jd)}`;
  } else {
    day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }
  return digits(`${day} ${time}`);
}

// A <time> element with the machine-readable instant.
export function timeEl(iso) {
  const el = document.createElement('time');
  if (iso) {
    el.dateTime = iso;
    el.title = iso;
  }
  el.textContent = formatDate(iso);
  return el;
}

// "2026-11-28" (a calendar day, no time zone) -> "2026-11-28" or "1405/09/07"
export function formatDay(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return t('common.none');
  if (getCalendar() !== 'jalali') return digits(day);
  const j = toJalali(+m[1], +m[2], +m[3]);
  return digits(`${j.jy}/${pad(j.jm)}/${pad(j.jd)}`);
}

// Persian (U+06F0-9) and Arabic-Indic (U+0660-9) digits as Latin ones
export function latinDigits(s) {
  return String(s).replace(/[\u06F0-\u06F9\u0660-\u0669]/g,
    d => String(d.charCodeAt(0) & 0xF));
}

// A Solar Hijri day typed by a reader ("1405/09/07", Persian or Latin
// digits, "/", "-" or "." between) -> { day: "2026-11-28" } (Gregorian,
// as the hash keeps it), or { error } in the catalogue's words; "" -> { day: "" }.
export function parseJalaliDay(text) {
  const s = latinDigits(text).trim();
  if (!s) return { day: '' };
  const m = /^(\d{3,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$/.exec(s);
  if (!m) return { error: t('inc.jalaliFormat') };
  const jy = +m[1], jm = +m[2], jd = +m[3];
  if (jm < 1 || jm > 12 || jd < 1) return { error: t('inc.jalaliFormat') };
  const n = jalaliMonthLength(jy, jm);
  if (jd > n) {
    return { error: t('inc.jalaliImpossible', { date: digits(`${jy}/${pad(jm)}/${pad(jd)}`),
      month: digits(jm), year: digits(jy), n: digits(n) }) };
  }
  const g = toGregorian(jy, jm, jd);
  return { day: `${String(g.gy).padStart(4, '0')}-${pad(g.gm)}-${pad(g.gd)}` };
}
