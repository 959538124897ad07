// Triaged Android apps (issue 15): the list with the upload of an APK, one
// app's verdict (manifest, signers, permissions, components, candidate
// indicators with checkboxes to confirm, YARA matches, errors), the
// decision (malicious with the chosen candidates, or benign), the takedown
// letter for an app store in English or Persian, and two versions side by
// side. Routes:
//   #/apps?status=&cursor=    the list and the upload
//   #/apps/ID                 one app
//   #/apps/diff?a=ID&b=ID     two apps compared
// Every string is in i18n.js; every rule is the server's (src/apk/record.c).
import { api, upload, withQuery } from './api.js';
import { t } from './i18n.js';
import { num, timeEl } from './format.js';
import { h, table, errorBox, select, labelled, hashFor, pager, field, card, when, session,
         onSubmit, formStatus, bytes } from './ui.js';

// who uploads and decides (openapi submitApp, confirmApp: ROLES_CERT)
const APP_WRITERS = ['admin', 'analyst', 'provincial'];
const STATUSES = ['triaged', 'malicious', 'benign'];
const PAGE = 50;

const role = () => (session.me ? session.me.role : '');
const isWriter = () => APP_WRITERS.includes(role());
const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
const statusBadge = s => h('span', { class: `badge app-${s}` }, t(`app.status.${s}`));
const none = () => t('common.none');
// el.append without the nulls a page leaves for parts it omits (append
// would write them out as text)
const put = (el, ...xs) => el.append(...xs.flat(Infinity).filter(x => x !== null && x !== undefined && x !== false));

/* --------------------------------------------------------------------- list */

export async function viewApps(view, query) {
  const filters = { status: query.get('status') || '' };
  const cursor = query.get('cursor') || '';
  view.append(h('h1', {}, t('app.title')));
  if (isWriter()) put(view, uploadForm());
  const form = h('form', { class: 'filters card', id: 'app-filter', role: 'search' },
    labelled('app.status', select('status', STATUSES, filters.status, v => t(`app.status.${v}`), true)),
    h('button', { type: 'submit' }, t('common.filter')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = hashFor('/apps', { status: new FormData(form).get('status') });
  });
  view.append(form);
  const page = await api('GET', withQuery('/api/v1/apps', { ...filters, cursor, limit: PAGE }));
  const rows = page.items.map(a => h('tr', { class: 'app', dataset: { id: a.id } },
    h('td', {}, h('input', { type: 'checkbox', name: 'pick', value: String(a.id),
                             'aria-label': t('app.pick', { id: a.id }) })),
    h('td', {}, h('a', { href: `#/apps/${a.id}`, class: 'app-link' }, ltr(a.package || t('app.noPackage')))),
    h('td', {}, ltr(a.version_name || '')),
    h('td', {}, statusBadge(a.status)),
    h('td', {}, h('bdi', {}, a.author || '')),
    h('td', {}, ltr(a.sha256.slice(0, 16) + '…', 'hash')),
    h('td', {}, timeEl(a.created))));
  const compare = h('button', { type: 'button', id: 'app-compare', class: 'quiet' }, t('app.compare'));
  compare.addEventListener('click', () => {
    const ids = [...view.querySelectorAll('input[name=pick]:checked')].map(x => x.value);
    if (ids.length === 2) location.hash = hashFor('/apps/diff', { a: ids[0], b: ids[1] });
    else compare.replaceWith(compare, h('span', { class: 'form-status', role: 'status' }, t('app.pickTwo')));
  });
  put(view,
    table(['app.col.pick', 'app.col.package', 'app.col.version', 'app.col.status',
           'app.col.author', 'app.col.sha256', 'app.col.created'], rows, 'app.empty'),
    rows.length > 1 ? h('div', { class: 'buttons' }, compare) : null,
    pager('apps', filters, cursor, page.next));
}

function uploadForm() {
  const out = formStatus();
  const file = h('input', { type: 'file', name: 'apk', accept: '.apk,application/vnd.android.package-archive',
                            required: true, 'aria-describedby': out.id });
  const form = h('form', { class: 'card', id: 'app-upload' },
    h('h2', {}, t('app.upload')),
    h('p', { class: 'meta' }, t('app.uploadHelp')),
    labelled('app.file', file),
    h('button', { type: 'submit' }, t('app.analyze')), out);
  onSubmit(form, out, async () => {
    if (!file.files.length) return;
    out.textContent = t('app.analyzing');
    const rec = await upload('/api/v1/apps', file.files[0]);
    location.hash = `#/apps/${rec.id}`;
  });
  return form;
}

/* ---------------------------------------------------------------- one app */

export async function viewApp(view, id, query) {
  if (id === 'diff') return viewDiff(view, query);
  const a = await api('GET', `/api/v1/apps/${encodeURIComponent(id)}`);
  const v = a.verdict || {};
  put(view,
    h('p', {}, h('a', { href: '#/apps' }, t('app.back'))),
    h('h1', {}, ltr(a.package || t('app.noPackage')), ' ', statusBadge(a.status)),
    facts(a, v),
    v.errors && v.errors.length ? errorsCard(v.errors) : null,
    signersCard(v.signers || []),
    listCard('app.permissions', v.permissions || [], 'permission'),
    componentsCard(v.components || []),
    candidatesCard(a, v),
    yaraCard(v.yara || []),
    a.status === 'malicious' ? takedownCard(a) : null,
    isWriter() && a.status !== 'benign' ? benignForm(a) : null);
}

function facts(a, v) {
  return card('app.facts', h('dl', { class: 'facts' },
    field('app.versionName', ltr(a.version_name || '')),
    field('app.versionCode', ltr(a.version_code || '')),
    field('app.sdk', ltr(`${v.min_sdk || '?'} / ${v.target_sdk || '?'}`)),
    field('app.label', h('bdi', {}, v.label || '')),
    field('app.author', h('bdi', { id: 'app-author' }, a.author || none())),
    field('app.sha256', ltr(a.sha256, 'hash')),
    field('app.sha1', ltr(v.sha1 || '', 'hash')),
    field('app.md5', ltr(v.md5 || '', 'hash')),
    field('app.size', bytes(a.size)),
    field('app.dex', (v.dex || []).map(d => h('div', {}, ltr(`${d.name} ${d.sha256}`, 'hash')))),
    field('app.created', timeEl(a.created)),
    field('app.blacklisted', when(a.blacklisted)),
    field('app.incident', a.incident_id ? h('a', { href: `#/incidents/${a.incident_id}` }, num(a.incident_id)) : none())));
}

function errorsCard(errors) {
  return card('app.errors', h('ul', { class: 'app-errors' },
    errors.map(e => h('li', {}, ltr(e.part, 'part'), ': ', h('bdi', {}, e.message)))));
}

function signersCard(signers) {
  const rows = signers.map(s => h('tr', { class: 'signer' },
    h('td', {}, ltr(s.sha256, 'hash')),
    h('td', {}, h('bdi', {}, s.subject)),
    h('td', {}, h('bdi', {}, s.issuer)),
    h('td', {}, ltr(`${s.not_before.slice(0, 10)} … ${s.not_after.slice(0, 10)}`)),
    h('td', {}, ltr((s.schemes || []).join(' ')))));
  return card('app.signers', table(['app.col.certSha256', 'app.col.subject', 'app.col.issuer',
                                    'app.col.validity', 'app.col.schemes'], rows, 'app.unsigned'));
}

function listCard(key, items, cls) {
  return card(key, items.length
    ? h('ul', { class: cls }, items.map(x => h('li', {}, ltr(x))))
    : h('p', { class: 'empty' }, t('common.empty')));
}

function componentsCard(comps) {
  const rows = comps.map(c => h('tr', {},
    h('td', {}, t(`app.kind.${c.kind}`)),
    h('td', {}, ltr(c.name)),
    h('td', {}, c.exported === null ? none() : t(c.exported ? 'app.yes' : 'app.no')),
    h('td', {}, ltr((c.actions || []).join(' ')))));
  return card('app.components', table(['app.col.kind', 'app.col.name', 'app.col.exported',
                                       'app.col.actions'], rows));
}

// candidates: checkboxes for the analyst to choose what the registry lists
function candidatesCard(a, v) {
  const cands = v.candidates || [];
  const out = formStatus();
  const rows = cands.map(c => h('tr', { class: 'candidate' },
    h('td', {}, isWriter() ? h('input', { type: 'checkbox', name: 'candidate', value: c.value,
                                         'aria-label': t('app.choose', { value: c.value }) }) : null),
    h('td', {}, t(`app.type.${c.type}`)),
    h('td', {}, ltr(c.value)),
    h('td', {}, c.warninglists && c.warninglists.length
      ? h('span', { class: 'badge held' }, t('app.held', { lists: c.warninglists.join('; ') }))
      : none()),
    h('td', {}, ltr((c.dex || []).join(' ')))));
  if (!isWriter() || (a.status === 'malicious' && !cands.length))
    return card('app.candidates', table(['app.col.choose', 'app.col.type', 'app.col.value',
                                         'app.col.warninglists', 'app.col.dexFile'], rows, 'app.noCandidates'));
  const reason = h('textarea', { name: 'reason', rows: 3, maxlength: 4000 });
  const incident = h('input', { name: 'incident_id', inputmode: 'numeric', dir: 'ltr' });
  const form = h('form', { id: 'app-confirm' },
    table(['app.col.choose', 'app.col.type', 'app.col.value', 'app.col.warninglists',
           'app.col.dexFile'], rows, 'app.noCandidates'),
    h('p', { class: 'meta' }, t('app.confirmHelp')),
    labelled('app.reason', reason),
    labelled('app.incidentId', incident),
    h('button', { type: 'submit' }, t('app.confirm')), out);
  onSubmit(form, out, async () => {
    const body = { candidates: [...form.querySelectorAll('input[name=candidate]:checked')].map(x => x.value) };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (incident.value.trim()) body.incident_id = Number(incident.value.trim());
    const r = await api('POST', `/api/v1/apps/${a.id}/confirm`, body);
    const held = r.indicators.filter(i => i.held).length;
    out.textContent = t('app.confirmed', { n: num(r.indicators.length), held: num(held) });
    setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 600);
  });
  return card('app.candidates', form);
}

function yaraCard(matches) {
  const rows = matches.map(m => h('tr', { class: 'yara-match' },
    h('td', {}, ltr(m.rule)), h('td', {}, ltr(m.namespace)),
    h('td', {}, ltr((m.tags || []).join(' '))), h('td', {}, ltr(m.target))));
  return card('app.yara', table(['app.col.rule', 'app.col.namespace', 'app.col.tags',
                                 'app.col.target'], rows, 'app.noYara'));
}

function takedownCard(a) {
  const box = h('div', { id: 'app-letter' });
  const show = async lang => {
    try {
      const l = await api('GET', withQuery(`/api/v1/apps/${a.id}/takedown`, { lang }));
      box.replaceChildren(
        h('p', {}, h('strong', {}, h('bdi', {}, l.subject))),
        h('pre', { class: 'letter', lang, dir: lang === 'fa' ? 'rtl' : 'ltr' }, l.body));
    } catch (e) {
      box.replaceChildren(errorBox(e));
    }
  };
  const buttons = ['en', 'fa'].map(lang => {
    const b = h('button', { type: 'button', class: 'quiet', dataset: { lang } }, t(`app.letter.${lang}`));
    b.addEventListener('click', () => show(lang));
    return b;
  });
  return card('app.takedown', h('p', { class: 'meta' }, t('app.takedownHelp')),
              h('div', { class: 'buttons' }, buttons), box);
}

function benignForm(a) {
  const out = formStatus();
  const form = h('form', { id: 'app-benign' }, h('button', { type: 'submit', class: 'quiet' }, t('app.benign')), out);
  onSubmit(form, out, async () => {
    await api('POST', `/api/v1/apps/${a.id}/benign`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  return card('app.decision', form);
}

/* --------------------------------------------------------------------- diff */

async function viewDiff(view, query) {
  const a = query.get('a'), b = query.get('b');
  const d = await api('GET', withQuery('/api/v1/apps/diff', { a, b }));
  const items = (key, list) => card(key, list.length
    ? h('ul', {}, list.map(x => h('li', {}, ltr(x))))
    : h('p', { class: 'empty' }, t('common.empty')));
  put(view,
    h('p', {}, h('a', { href: '#/apps' }, t('app.back'))),
    h('h1', {}, t('app.diffTitle')),
    card('app.diffSummary', h('dl', { class: 'facts' },
      field('app.diffPackage', [h('a', { href: `#/apps/${a}` }, ltr(d.package.a)), ' → ',
                                h('a', { href: `#/apps/${b}` }, ltr(d.package.b))]),
      field('app.diffVersion', ltr(`${d.version.a} (${d.version.code_a}) → ${d.version.b} (${d.version.code_b})`)),
      field('app.sameSigner', h('strong', { id: 'same-signer', class: d.same_signer ? 'ok' : 'alert' },
                                t(d.same_signer ? 'app.yes' : 'app.noRepackaged'))))),
    items('app.permissionsAdded', d.permissions_added),
    items('app.permissionsRemoved', d.permissions_removed),
    items('app.componentsAdded', d.components_added),
    items('app.componentsRemoved', d.components_removed),
    items('app.signersAdded', d.signers_added),
    items('app.signersRemoved', d.signers_removed));
}
