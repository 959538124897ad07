// The indicator registry (issue 15): the list with its search filters
// (value, prefix, CIDR containment, type, TLP, status, tag, expiry), the
// analysts' add form (a value on a MISP warninglist comes back held, with
// the lists named), and an indicator's page (its fields, incidents and
// sightings; analysts edit TLP, expiry, reason and confidence, confirm a
// held one, retire it). Routes:
//   #/indicators?value=&prefix=&contains=&within=&type=&tlp=&status=&tag=&expired=&cursor=
//   #/indicators/ID
// Everything the pages say is in i18n.js; every rule is the server's (the
// API's 400 names the field at fault, shown beside it).
import { api, withQuery } from './api.js';
import { t } from './i18n.js';
import { num } from './format.js';
import { h, table, select, labelled, hashFor, pager, field, card, when, notFound, session,
         onSubmit, formStatus, intOrNull } from './ui.js';

// who writes the registry (openapi createIndicator, updateIndicator)
export const INDICATOR_WRITERS = ['admin', 'analyst', 'provincial'];
export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'sha256',
                                'sha1', 'md5', 'tls', 'asn', 'app'];
export const INDICATOR_STATUSES = ['active', 'held', 'retired'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const FILTERS = ['value', 'prefix', 'contains', 'within', 'type', 'tlp', 'status', 'tag',
                 'expired'];
const PAGE = 50;

const isWriter = () => !!session.me && INDICATOR_WRITERS.includes(session.me.role);
const isId = s => /^\d+$/.test(s || '');
const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
const tlpBadge = v => (v ? h('span', { class: `tlp tlp-${v.toLowerCase()}` }, `TLP:${v}`) : null);
const statusBadge = s => h('span', { class: `badge ind-${s}` }, t(`ind.status.${s}`));
// an <input type="date"> value as the end of that day, UTC (ISO 8601)
const dayEnd = v => (v ? `${v}T23:59:59Z` : undefined);

/* --------------------------------------------------------------------- list */

export async function viewIndicators(view, query) {
  const filters = {};
  for (const k of FILTERS) filters[k] = query.get(k) || '';
  const cursor = query.get('cursor') || '';
  const text = (name, key) => labelled(key, h('input', { name, value: filters[name], dir: 'ltr' }));
  const form = h('form', { class: 'filters card', id: 'indicator-filter', role: 'search' },
    text('value', 'ind.f.value'), text('prefix', 'ind.f.prefix'),
    text('contains', 'ind.f.contains'), text('within', 'ind.f.within'),
    labelled('ind.f.type', select('type', INDICATOR_TYPES, filters.type, v => v, true)),
    labelled('ind.f.tlp', select('tlp', TLPS, filters.tlp, v => `TLP:${v}`, true)),
    labelled('ind.f.status', select('status', INDICATOR_STATUSES, filters.status,
                                    v => t(`ind.status.${v}`), true)),
    text('tag', 'ind.f.tag'),
    labelled('ind.f.expired', select('expired', ['false', 'true'], filters.expired,
                                     v => t(`ind.expired.${v}`), true)),
    h('button', { type: 'submit' }, t('common.filter')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const next = {};
    for (const k of FILTERS) next[k] = String(f.get(k) || '').trim();
    location.hash = hashFor('/indicators', next);
  });
  view.append(h('h1', {}, t('ind.title')));
  if (isWriter()) view.append(addForm());
  view.append(form);
  const page = await api('GET', withQuery('/api/v1/indicators', { ...filters, cursor, limit: PAGE }));
  const rows = page.items.map(i => h('tr', { class: 'indicator', dataset: { id: i.id } },
    h('td', {}, h('a', { href: `#/indicators/${i.id}`, class: 'indicator-link' }, ltr(i.value))),
    h('td', {}, i.type),
    h('td', {}, statusBadge(i.status)),
    h('td', {}, tlpBadge(i.tlp)),
    h('td', {}, i.class || t('common.none')),
    h('td', {}, num(i.sightings)),
    h('td', { class: i.expired ? 'expired' : null }, when(i.expires))));
  view.append(table(['ind.col.value', 'ind.col.type', 'ind.col.status', 'ind.col.tlp',
                     'ind.col.class', 'ind.col.sightings', 'ind.col.expires'], rows),
              pager('indicators', filters, cursor, page.next));
}

// The add form: a held answer (202) names the warninglists and links the
// indicator; a listed one (201) opens it.
function addForm() {
  const out = formStatus();
  const form = h('form', { class: 'card', id: 'indicator-add' },
    h('h2', {}, t('ind.add')),
    labelled('ind.f.type', select('type', INDICATOR_TYPES, '', v => v, true)),
    labelled('ind.value', h('input', { name: 'value', required: true, dir: 'ltr' })),
    labelled('ind.reason', h('input', { name: 'reason' })),
    labelled('ind.tlp', select('tlp', TLPS, 'AMBER', v => `TLP:${v}`)),
    labelled('ind.class', h('input', { name: 'class', dir: 'ltr' })),
    labelled('ind.confidence', h('input', { name: 'confidence', type: 'number', min: 0, max: 100 })),
    labelled('ind.tags', h('input', { name: 'tags', dir: 'ltr' })),
    labelled('ind.expires', h('input', { name: 'expires', type: 'date' })),
    labelled('ind.confirm', h('input', { name: 'confirm', type: 'checkbox' })),
    h('p', { class: 'meta' }, t('ind.addHint')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('ind.addSubmit'))), out);
  onSubmit(form, out, async () => {
    const f = new FormData(form);
    const body = { value: String(f.get('value')).trim() };
    for (const k of ['type', 'reason', 'tlp', 'class', 'tags'])
      if (String(f.get(k) || '').trim()) body[k] = String(f.get(k)).trim();
    const conf = intOrNull(f.get('confidence') || '');
    if (conf !== null) body.confidence = conf;
    if (f.get('expires')) body.expires = dayEnd(f.get('expires'));
    if (f.get('confirm')) body.confirm = true;
    const r = await api('POST', '/api/v1/indicators', body);
    if (r.status === 'held') {
      out.replaceChildren(h('div', { class: 'held', role: 'alert', id: 'indicator-held' },
        h('p', {}, t('ind.heldBy', { lists: (r.warninglists || []).join('; ') })),
        h('p', {}, h('a', { href: `#/indicators/${r.id}` }, t('ind.open', { id: r.id })))));
      return;
    }
    location.hash = `#/indicators/${r.id}`;
  });
  return form;
}

/* ----------------------------------------------------------- one indicator */

export async function viewIndicator(view, id) {
  if (!isId(id)) return notFound(view, 'ind.notFound', '#/indicators', 'ind.back');
  let ind;
  try {
    ind = await api('GET', `/api/v1/indicators/${id}`);
  } catch (e) {
    if (e.status === 404) return notFound(view, 'ind.notFound', '#/indicators', 'ind.back');
    throw e;
  }
  view.append(h('p', {}, h('a', { href: '#/indicators' }, t('ind.back'))),
              h('h1', { id: 'indicator-value' }, ltr(ind.value)));
  const tags = (ind.tags || []).map(x => h('span', { class: 'tag' }, ltr(x)));
  view.append(h('dl', { class: 'facts', id: 'indicator-facts' },
    field('ind.type', ind.type),
    field('ind.status', statusBadge(ind.status), 'ind-status'),
    ind.status === 'held' ? field('ind.heldLists', (ind.held_lists || []).join('; ')) : null,
    field('ind.tlp', tlpBadge(ind.tlp), 'ind-tlp'),
    field('ind.class', ind.class || t('common.none')),
    field('ind.reason', ind.reason || t('common.none')),
    field('ind.source', t(`ind.source.${ind.source}`)),
    field('ind.confidence', num(ind.confidence)),
    field('ind.attribution', ind.attribution || t('common.none')),
    field('ind.tags', tags.length ? tags : t('common.none')),
    field('ind.org', ind.org_id ? h('a', { href: `#/orgs/${ind.org_id}` }, num(ind.org_id))
                                : t('common.none')),
    field('ind.firstSeen', when(ind.first_seen)),
    field('ind.lastSeen', when(ind.last_seen)),
    field('ind.expires', [when(ind.expires), ind.expired ? [' ', t('ind.isExpired')] : null]),
    field('ind.sightings', num(ind.sightings))));
  const incs = (ind.incidents || []).map(n => h('li', {},
    h('a', { href: `#/incidents/${n}` }, t('ind.incident', { id: n }))));
  view.append(card('ind.incidents', incs.length ? h('ul', {}, incs)
                                                : h('p', { class: 'empty' }, t('common.empty'))));
  const sight = await api('GET', `/api/v1/indicators/${id}/sightings?limit=100`);
  view.append(card('ind.sightingsTitle', table(
    ['ind.col.seen', 'ind.col.kind', 'ind.col.ref', 'ind.col.detail'],
    sight.items.map(s => h('tr', { class: 'sighting' }, h('td', {}, when(s.seen)),
      h('td', {}, t(`ind.kind.${s.kind}`)), h('td', {}, num(s.ref)),
      h('td', {}, ltr(s.detail)))))));
  if (isWriter()) {
    view.append(editForm(ind));
    const acts = actions(ind);
    if (acts) view.append(acts);
  }
}

// TLP, expiry, reason, confidence: the fields an analyst revisits
function editForm(ind) {
  const out = formStatus();
  const form = h('form', { class: 'card', id: 'indicator-edit' },
    h('h2', {}, t('ind.edit')),
    labelled('ind.tlp', select('tlp', TLPS, ind.tlp, v => `TLP:${v}`)),
    labelled('ind.expires', h('input', { name: 'expires', type: 'date',
                                          value: (ind.expires || '').slice(0, 10) })),
    labelled('ind.reason', h('input', { name: 'reason', value: ind.reason || '' })),
    labelled('ind.confidence', h('input', { name: 'confidence', type: 'number', min: 0, max: 100,
                                            value: ind.confidence })),
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, t('ind.save'))), out);
  onSubmit(form, out, async () => {
    const f = new FormData(form);
    const body = { tlp: f.get('tlp'), reason: String(f.get('reason') || '') };
    const conf = intOrNull(f.get('confidence') || '');
    if (conf !== null) body.confidence = conf;
    if (f.get('expires') && f.get('expires') !== (ind.expires || '').slice(0, 10))
      body.expires = dayEnd(f.get('expires'));
    await api('PATCH', `/api/v1/indicators/${ind.id}`, body);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return form;
}

// confirm a held indicator; retire an active or held one
function actions(ind) {
  const out = formStatus();
  const form = h('form', { class: 'card buttons', id: 'indicator-actions' });
  if (ind.status === 'held')
    form.append(h('button', { type: 'submit', name: 'do', value: 'confirm', id: 'indicator-confirm' },
                  t('ind.confirmHeld')));
  if (ind.status !== 'retired')
    form.append(h('button', { type: 'submit', name: 'do', value: 'retire', class: 'danger',
                              id: 'indicator-retire' }, t('ind.retire')),
                h('p', { class: 'meta' }, t('ind.retireHint')));
  form.append(out);
  onSubmit(form, out, async ev => {
    const what = ev.submitter ? ev.submitter.value : 'retire';
    if (what === 'confirm')
      await api('PATCH', `/api/v1/indicators/${ind.id}`, { status: 'active' });
    else
      await api('DELETE', `/api/v1/indicators/${ind.id}`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return form.children.length > 1 ? form : null;
}
