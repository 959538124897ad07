// Shared by the pages: the signed-in person, DOM helpers, routing helpers.
import { withQuery } from './api.js';
import { t, hasKey } from './i18n.js';
import { num, timeEl } from './format.js';

export const STAFF = ['admin', 'analyst', 'provincial', 'responder'];
export const FEEDS_ROLES = ['admin', 'analyst']; // national lists (openapi uploadReport)
// who changes a watched site's settings (openapi updateSite, acceptSiteBaseline)
export const SITE_ROLES = ['admin', 'analyst', 'provincial'];
export const isAnalyst = () => !!session.me && SITE_ROLES.includes(session.me.role);

// the person signed in (the session's whoami), set by app.js
export const session = { me: null };
export const isStaff = () => !!session.me && STAFF.includes(session.me.role);


// h('a', {href: '#/x', class: 'y'}, 'text', child...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const badge = (kind, value) => h('span', { class: `badge ${kind}-${value}` }, t(`${kind}.${value}`));

export function table(columns, rows, empty) {
  if (!rows.length) return h('p', { class: 'empty' }, t(empty || 'common.empty'));
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, rows)));
}

// The message of a failure in the reader's language, from the catalogue,
// chosen by the problem's status and "field" (RFC 9457): problem.400.lang,
// else problem.400.field ("the value of {field}"), else problem.400; a
// failure without a status (the network) is problem.network.
export function problemMessage(e) {
  const status = e && e.status;
  if (!status) return t('problem.network');
  const field = e.field ? String(e.field) : '';
  if (field && hasKey(`problem.${status}.${field}`)) return t(`problem.${status}.${field}`);
  if (field && status === 400) return t('problem.400.field', { field });
  if (hasKey(`problem.${status}`)) return t(`problem.${status}`);
  return t('problem.other', { status });
}

// The same sentence but for case and the closing stop ("Wrong login or
// password." and the server's "wrong login or password").
const sameText = (a, b) => {
  const norm = s => s.trim().replace(/[.!]+$/, '').toLowerCase();
  return norm(a) === norm(b);
};

// A failure: the catalogue's message, and under it the server's own
// (English) detail as secondary text, unless it says the same thing. Never
// the raw body.
export function errorBox(e) {
  const main = problemMessage(e);
  const detail = e && e.status && e.message && typeof e.message === 'string' ? e.message : '';
  return h('p', { class: 'error', role: 'alert' },
    h('span', { class: 'problem-message' }, main),
    detail && !sameText(detail, main)
      ? [' ', h('span', { class: 'problem-detail', lang: 'en', dir: 'auto' }, detail)] : null);
}

export function select(name, values, current, labelOf, withAll) {
  const s = h('select', { name });
  if (withAll) s.append(h('option', { value: '' }, t('common.all')));
  for (const v of values) s.append(h('option', { value: v, selected: v === current }, labelOf(v)));
  return s;
}

export function labelled(textKey, control) {
  return h('label', {}, h('span', {}, t(textKey)), ' ', control);
}

/* ------------------------------------------------------------------ routing */

export function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(query || '') };
}

export function hashFor(path, params) {
  return '#' + withQuery(path, params);
}

// Cursor pagination: the API pages forward with an opaque cursor; the pages
// already seen are remembered here, per list and filter, to page back.
export const trails = new Map();
export function pager(listKey, filters, cursor, next) {
  const key = listKey + JSON.stringify(filters);
  if (!trails.has(key)) trails.set(key, []);
  const trail = trails.get(key);
  // forget pages after the current one, if we came back
  const at = trail.indexOf(cursor || '');
  if (at >= 0) trail.length = at;
  const nav = h('nav', { class: 'pager' });
  if (cursor) {
    if (trail.length) {
      const prev = trail[trail.length - 1];
      nav.append(h('a', { href: hashFor(`/${listKey}`, { ...filters, cursor: prev || undefined }),
                          rel: 'prev', class: 'button quiet' }, t('common.prev')));
    } else {
      nav.append(h('a', { href: hashFor(`/${listKey}`, filters), class: 'button quiet' },
                   t('common.first')));
    }
  }
  if (next) {
    const link = h('a', { href: hashFor(`/${listKey}`, { ...filters, cursor: next }), rel: 'next',
                          class: 'button quiet' }, t('common.next'));
    link.addEventListener('click', () => trail.push(cursor || ''));
    nav.append(link);
  }
  return nav;
}


// a <dl class="facts"> row
export function field(key, value, cls) {
  return [h('dt', {}, t(key)), h('dd', { class: cls }, value)];
}

// a section with a heading
export function card(titleKey, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, t(titleKey)), ...children);
}

// "1.2 KiB"
export function bytes(n) {
  if (n === null || n === undefined) return t('common.none');
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0, v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return num(i ? v.toFixed(1) : String(v)) + ' ' + units[i];
}

// the posture grade as a badge ("A+", "C", or "not graded")
export function gradeBadge(grade) {
  if (!grade) return h('span', { class: 'grade grade-none' }, t('posture.none'));
  const cls = grade === 'A+' ? 'a-plus' : grade.toLowerCase();
  return h('span', { class: `grade grade-${cls}` }, grade);
}

// a time, or "never"
export const when = iso => (iso ? timeEl(iso) : t('common.none'));

// not found (a wrong id, or outside the caller's scope: the API answers 404)
export function notFound(view, key, backHash, backKey) {
  view.append(h('h1', { id: 'not-found' }, t(key)),
              backHash ? h('p', {}, h('a', { href: backHash }, t(backKey))) : null);
}

// A failed form: the server's message (RFC 9457 "detail") in `out`, and the
// control its "field" names marked invalid and focused.
export function showProblem(form, out, e) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  out.replaceChildren(errorBox(e));
  const ctl = e && e.field ? form.querySelector(`[name="${CSS.escape(e.field)}"]`) : null;
  if (ctl) {
    ctl.setAttribute('aria-invalid', 'true');
    if (out.id) ctl.setAttribute('aria-describedby', out.id);
    ctl.focus();
  }
}

// A form that posts: its buttons are disabled while fn runs; an error is
// shown by showProblem in `out` (a status line of the form).
export function onSubmit(form, out, fn) {
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    out.replaceChildren();
    try {
      await fn(ev);
    } catch (e) {
      if (e.status === 401) throw e;
      showProblem(form, out, e);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  });
}

// the status line of one form, with an id for aria-describedby
let outSeq = 0;
export function formStatus() {
  return h('p', { class: 'form-status', role: 'status', id: `form-status-${++outSeq}` });
}

// "" for an empty input, else the integer (NaN stays NaN for the server to refuse)
export const intOrNull = v => (String(v).trim() === '' ? null : Number(String(v).trim()));
