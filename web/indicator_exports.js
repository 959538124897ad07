// Indicator exports (issue 15): the consumers that poll the registry's
// blocklists (resolvers, firewalls, peers), their tokens, formats, TLP marks
// and saved filters, the URL each polls and when it last did; and a staff
// download of any export. Route: #/indicator-exports (national staff:
// admins and analysts, as the API's consumer routes).
// A token is shown once, right after it is made (create or rotate): the
// server keeps only its hash, so the page says so and never shows it again.
// Everything the page says is in i18n.js; every rule is the server's (its
// 400 names the field at fault, shown beside it).
import { api, withQuery } from './api.js';
import { t } from './i18n.js';
import { h, table, labelled, select, card, when, session, showProblem, formStatus } from './ui.js';

// who manages consumers (openapi createIndicatorConsumer)
export const CONSUMER_ADMINS = ['admin', 'analyst'];
export const EXPORT_FORMATS = ['plain', 'csv', 'json', 'stix', 'misp', 'rpz', 'suricata', 'nft'];
const TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'sha256', 'sha1', 'md5', 'tls',
               'asn', 'app'];
// the path a consumer polls, with its token as a bearer credential
export const POLL_PATH = '/api/v1/export/indicators';

const put = (el, ...xs) => el.append(...xs.flat(Infinity).filter(x => x !== null && x !== undefined && x !== false));
const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
const list = s => String(s || '').split(',').map(x => x.trim()).filter(Boolean);
const pollUrl = () => `${location.origin}${POLL_PATH}`;
const check = (name, text, value) => h('label', { class: 'inline' },
  h('input', { type: 'checkbox', class: 'check', name, value }), ' ', h('span', {}, text));

// The TLP levels a consumer receives: CLEAR and GREEN always, AMBER as a
// member, AMBER+STRICT (and so AMBER) when named strict; RED never (the
// server's rule, indicator_export_allows, shown so an analyst sees what a
// mark means).
export function tlpReach(c) {
  const levels = ['CLEAR', 'GREEN'];
  if (c.member || c.strict) levels.push('AMBER');
  if (c.strict) levels.push('AMBER+STRICT');
  return levels;
}

// The filter in words: "types: domain, url; min. confidence 50".
function filterText(f) {
  const parts = [];
  if (f && f.types && f.types.length) parts.push(t('cons.filter.types', { list: f.types.join(', ') }));
  if (f && f.classes && f.classes.length) parts.push(t('cons.filter.classes', { list: f.classes.join(', ') }));
  if (f && f.tags && f.tags.length) parts.push(t('cons.filter.tags', { list: f.tags.join(', ') }));
  if (f && f.min_confidence) parts.push(t('cons.filter.confidence', { n: f.min_confidence }));
  return parts.length ? parts.join('; ') : t('cons.filter.none');
}

// The token, once: with the command a resolver's operator runs to poll.
function tokenBox(name, token) {
  const cmd = `curl -H 'Authorization: Bearer ${token}' ${pollUrl()}`;
  return h('section', { class: 'card token-once', id: 'consumer-token', role: 'alert' },
    h('h2', {}, t('cons.token.title', { name })),
    h('p', {}, t('cons.token.once')),
    h('pre', { class: 'json token', dir: 'ltr' }, token),
    h('p', {}, t('cons.token.poll')),
    h('pre', { class: 'json command', dir: 'ltr' }, cmd));
}

function filterBody(form) {
  const f = new FormData(form);
  const filter = {};
  const types = f.getAll('types');
  if (types.length) filter.types = types;
  if (list(f.get('classes')).length) filter.classes = list(f.get('classes'));
  if (list(f.get('tags')).length) filter.tags = list(f.get('tags'));
  const mc = String(f.get('min_confidence') || '').trim();
  if (mc !== '') filter.min_confidence = Number(mc);
  return filter;
}

function createForm(onToken) {
  const out = formStatus();
  const form = h('form', { class: 'card', id: 'consumer-new' },
    h('h2', {}, t('cons.new')),
    labelled('cons.name', h('input', { name: 'name', required: true, maxlength: 127, dir: 'ltr',
                                       pattern: '[A-Za-z0-9._\\-]+' })),
    labelled('cons.format', select('format', EXPORT_FORMATS, 'rpz', v => t(`cons.fmt.${v}`))),
    check('member', t('cons.member')),
    check('strict', t('cons.strict')),
    h('fieldset', {}, h('legend', {}, t('cons.types')),
      TYPES.map(v => check('types', ltr(v), v))),
    labelled('cons.classes', h('input', { name: 'classes', dir: 'ltr' })),
    labelled('cons.tags', h('input', { name: 'tags', dir: 'ltr' })),
    labelled('cons.minConfidence', h('input', { name: 'min_confidence', type: 'number', min: 0, max: 100 })),
    h('p', { class: 'meta' }, t('cons.tlpRule')),
    h('button', { type: 'submit' }, t('cons.create')), out);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { name: String(f.get('name')).trim(), format: f.get('format'),
                   member: f.get('member') === 'on', strict: f.get('strict') === 'on',
                   filter: filterBody(form) };
    try {
      const c = await api('POST', '/api/v1/indicator-consumers', body);
      onToken(c.name, c.token);
    } catch (e) {
      showProblem(form, out, e);
    }
  });
  return form;
}

function consumerRow(c, onToken, redraw) {
  const rotate = h('button', { type: 'button', class: 'quiet rotate' }, t('cons.rotate'));
  rotate.addEventListener('click', async () => {
    if (!confirm(t('cons.rotate.confirm', { name: c.name }))) return;
    const r = await api('POST', `/api/v1/indicator-consumers/${c.id}/rotate`);
    onToken(c.name, r.token);
  });
  const toggle = h('button', { type: 'button', class: 'quiet toggle' },
    t(c.disabled ? 'cons.enable' : 'cons.disable'));
  toggle.addEventListener('click', async () => {
    await api('PATCH', `/api/v1/indicator-consumers/${c.id}`, { disabled: !c.disabled });
    redraw();
  });
  const remove = h('button', { type: 'button', class: 'danger remove' }, t('cons.remove'));
  remove.addEventListener('click', async () => {
    if (!confirm(t('cons.remove.confirm', { name: c.name }))) return;
    await api('DELETE', `/api/v1/indicator-consumers/${c.id}`);
    redraw();
  });
  return h('tr', { class: 'consumer', dataset: { id: c.id } },
    h('td', {}, ltr(c.name)),
    h('td', {}, t(`cons.fmt.${c.format}`)),
    h('td', {}, tlpReach(c).map(v => h('span', { class: `tlp tlp-${v.toLowerCase()}` }, `TLP:${v}`))),
    h('td', {}, filterText(c.filter)),
    h('td', {}, c.disabled ? t('cons.disabled') : t('cons.enabled')),
    h('td', {}, c.last_fetch ? when(c.last_fetch) : t('cons.never')),
    h('td', { class: 'buttons' }, rotate, toggle, remove));
}

function downloadForm() {
  const form = h('form', { class: 'card', id: 'export-download' },
    h('h2', {}, t('cons.download')),
    h('p', { class: 'meta' }, t('cons.download.rule')),
    labelled('cons.format', select('format', EXPORT_FORMATS, 'csv', v => t(`cons.fmt.${v}`))),
    h('button', { type: 'submit' }, t('cons.download.go')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(form);
    // a plain navigation: the browser saves the attachment with the session
    location.href = withQuery('/api/v1/indicators/export', { format: f.get('format') });
  });
  return form;
}

export async function viewIndicatorExports(view) {
  const role = session.me ? session.me.role : '';
  put(view, h('h1', {}, t('cons.title')));
  if (!CONSUMER_ADMINS.includes(role)) {
    put(view, h('p', { class: 'error' }, t('error.forbidden')));
    return;
  }
  const tokenSlot = h('div', { id: 'token-slot' });
  const listSlot = h('div', { id: 'consumer-list' });
  const redraw = async () => {
    const page = await api('GET', '/api/v1/indicator-consumers');
    listSlot.replaceChildren(table(
      ['cons.col.name', 'cons.col.format', 'cons.col.tlp', 'cons.col.filter', 'cons.col.state',
       'cons.col.lastFetch', 'cons.col.actions'],
      page.items.map(c => consumerRow(c, onToken, redraw)), 'cons.empty'));
  };
  const onToken = (name, token) => {
    tokenSlot.replaceChildren(tokenBox(name, token));
    tokenSlot.scrollIntoView();
    redraw();
  };
  put(view,
    h('p', {}, t('cons.intro')),
    card('cons.poll', h('p', {}, t('cons.poll.how')), h('pre', { class: 'json', dir: 'ltr' }, pollUrl())),
    tokenSlot, listSlot, createForm(onToken), downloadForm());
  await redraw();
}
