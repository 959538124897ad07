// Advisories (issue 14): the analysts' list and editor with a live target
// preview, the tracking page, the constituent's "advisories for us" with
// its acknowledge / patched / not affected buttons, and the landing page of
// a mail's signed link (which works without logging in). Routes:
//   #/advisories?status=&q=&cursor=   the list (a constituent: those for it)
//   #/advisories/new                  the editor, a new draft
//   #/advisories/ID                   staff: the editor (national staff) or the
//                                     advisory; a constituent: its page with the buttons
//   #/advisories/ID/tracking          every target's state, totals, the summary
//   #/advisory-link/TOKEN             a mail's link
// Everything the pages say is in i18n.js; every rule is the server's (the
// API's 400 names the field at fault, shown beside it).
import { api, withQuery } from './api.js';
import { t, getLang, getCalendar } from './i18n.js';
import { num, timeEl, digits, formatDay, parseJalaliDay } from './format.js';
import { h, table, errorBox, select, labelled, hashFor, pager, field, card, when, notFound,
         session, showProblem, formStatus } from './ui.js';

// who writes advisories: national staff (openapi createAdvisory)
export const ADVISORY_WRITERS = ['admin', 'analyst'];
// who sees targets and tracking (openapi previewAdvisory, trackAdvisory)
const ADVISORY_TRACKERS = ['admin', 'analyst', 'provincial'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const STATUSES = ['draft', 'published', 'withdrawn'];
// target states, in the order of the path (openapi AdvisoryTargetState)
export const TARGET_STATES = ['notified', 'read', 'acknowledged', 'patched', 'not_affected',
                              'overdue', 'verified', 'still_seen'];
const ACTION_KINDS = ['patch', 'workaround', 'mitigation'];
const PAGE = 50;
const PREVIEW_DELAY = 500; // ms of quiet typing before the live preview asks

// el.append without the nulls and falses a page leaves for parts it omits
// (append would write them out as text)
const put = (el, ...xs) => el.append(...xs.flat(Infinity).filter(x => x !== null && x !== undefined && x !== false));
const role = () => (session.me ? session.me.role : '');
const isWriter = () => ADVISORY_WRITERS.includes(role());
const isTracker = () => ADVISORY_TRACKERS.includes(role());
const isId = s => /^\d+$/.test(s || '');
const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
// a {en, fa} text in the reader's language, else the other
const pick = o => (o && (o[getLang()] || o.en || o.fa)) || '';
const lines = s => String(s || '').split(/[\n,]/).map(x => x.trim()).filter(Boolean);
const stateBadge = s => h('span', { class: `badge target-${s}` }, t(`target.${s}`));
const tlpBadge = v => (v ? h('span', { class: `tlp tlp-${v.toLowerCase()}` }, `TLP:${v}`) : null);
const sevBadge = (sev, score) => (sev
  ? h('span', { class: `badge severity-${sev} cvss` }, t(`cvss.${sev}`),
      score !== undefined && score !== null ? [' ', num(Number(score).toFixed(1))] : null)
  : t('common.none'));

/* --------------------------------------------------------------------- list */

export async function viewAdvisories(view, query) {
  if (role() === 'constituent') return viewForUs(view, query);
  const filters = { status: query.get('status') || '', q: query.get('q') || '' };
  const cursor = query.get('cursor') || '';
  const form = h('form', { class: 'filters card', id: 'advisory-filter', role: 'search' },
    labelled('adv.status', select('status', STATUSES, filters.status, v => t(`adv.status.${v}`), true)),
    labelled('adv.search', h('input', { name: 'q', value: filters.q })),
    h('button', { type: 'submit' }, t('common.filter')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(form);
    location.hash = hashFor('/advisories', { status: f.get('status'), q: f.get('q').trim() });
  });
  put(view, h('h1', {}, t('adv.title')));
  if (isWriter())
    put(view, h('div', { class: 'buttons' },
      h('a', { href: '#/advisories/new', class: 'button', id: 'new-advisory' }, t('adv.new'))),
    importForm());
  put(view, form);
  const page = await api('GET', withQuery('/api/v1/advisories', { ...filters, cursor, limit: PAGE }));
  const rows = page.items.map(a => h('tr', { class: 'advisory', dataset: { id: a.id } },
    h('td', {}, ltr(a.ref || '')),
    h('td', {}, h('a', { href: `#/advisories/${a.id}`, class: 'advisory-link' },
      h('bdi', {}, pick(a.title)))),
    h('td', {}, h('span', { class: `badge adv-${a.status}` }, t(`adv.status.${a.status}`))),
    h('td', {}, sevBadge(a.severity, a.cvss_score)),
    h('td', {}, ltr((a.cves || []).join(' '))),
    h('td', {}, a.deadline ? timeEl(a.deadline) : t('common.none')),
    h('td', {}, when(a.published))));
  put(view, table(['adv.col.ref', 'adv.col.title', 'adv.col.status', 'adv.col.severity',
                     'adv.col.cves', 'adv.col.deadline', 'adv.col.published'], rows),
              pager('advisories', filters, cursor, page.next));
}

// CSAF import: a vendor's file becomes a draft, opened in the editor
function importForm() {
  const file = h('input', { type: 'file', name: 'csaf', accept: '.json,application/json', required: true });
  const out = formStatus();
  const form = h('form', { class: 'card', id: 'csaf-import' },
    h('h2', {}, t('adv.import')), h('p', { class: 'meta' }, t('adv.importHint')),
    labelled('adv.importFile', file), h('div', { class: 'buttons' },
      h('button', { type: 'submit' }, t('adv.importSubmit'))), out);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    out.replaceChildren();
    const f = file.files[0];
    if (!f) return;
    let doc;
    try {
      doc = JSON.parse(await f.text());
    } catch (e) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('adv.importNotJson')));
      return;
    }
    try {
      const a = await api('POST', '/api/v1/advisories/import', doc);
      location.hash = `#/advisories/${a.id}`;
    } catch (e) {
      if (e.status === 401) throw e;
      out.replaceChildren(errorBox(e));
    }
  });
  return form;
}

/* ------------------------------------------------------------ the document */

// The editor's rows (products, actions, references): a fieldset of rows,
// each with a remove button, and an "add" button.
function rowList(id, legendKey, addKey, makeRow, items) {
  const list = h('div', { class: 'rows' });
  const add = h('button', { type: 'button', class: 'quiet add-row' }, t(addKey));
  const push = item => {
    const row = makeRow(item || {});
    const rm = h('button', { type: 'button', class: 'quiet remove-row' }, t('adv.removeRow'));
    rm.addEventListener('click', () => { row.remove(); list.dispatchEvent(new Event('input', { bubbles: true })); });
    row.append(rm);
    list.append(row);
  };
  for (const it of items || []) push(it);
  add.addEventListener('click', () => { push({}); list.dispatchEvent(new Event('input', { bubbles: true })); });
  return h('fieldset', { class: 'card', id }, h('legend', {}, t(legendKey)), list, add);
}

const input = (name, value, attrs) => h('input', { name, value: value ?? '', ...(attrs || {}) });
const check = (name, value) => h('input', { type: 'checkbox', name, checked: !!value });

function productRow(p) {
  return h('div', { class: 'row product' },
    labelled('adv.product.cpe', input('cpe', p.cpe, { dir: 'ltr', size: 44,
      placeholder: 'cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*' })),
    labelled('adv.product.version', input('version', p.version, { dir: 'ltr', size: 10 })),
    labelled('adv.product.start', input('start', p.start, { dir: 'ltr', size: 10 })),
    labelled('adv.product.startIncl', check('start_incl', p.start_incl ?? true)),
    labelled('adv.product.end', input('end', p.end, { dir: 'ltr', size: 10 })),
    labelled('adv.product.endIncl', check('end_incl', p.end_incl)),
    labelled('adv.product.exposure', input('exposure', p.exposure, { dir: 'ltr', size: 18 })));
}

function actionRow(a) {
  return h('div', { class: 'row action' },
    labelled('adv.action.kind', select('kind', ACTION_KINDS, a.kind || 'patch', v => t(`adv.kind.${v}`))),
    labelled('adv.action.url', input('url', a.url, { dir: 'ltr', size: 36, type: 'url' })),
    labelled('adv.action.textEn', input('text_en', a.text && a.text.en, { dir: 'ltr', lang: 'en', size: 30 })),
    labelled('adv.action.textFa', input('text_fa', a.text && a.text.fa, { dir: 'rtl', lang: 'fa', size: 30 })));
}

function referenceRow(r) {
  return h('div', { class: 'row reference' },
    labelled('adv.ref.url', input('url', r.url, { dir: 'ltr', size: 44, type: 'url' })),
    labelled('adv.ref.summary', input('summary', r.summary, { size: 30 })));
}

// The deadline: a day, typed in the reader's calendar; kept as the start
// of that day in UTC.
function deadlineInput(iso) {
  const day = iso ? iso.slice(0, 10) : '';
  if (getCalendar() === 'jalali') {
    const el = input('deadline', day ? formatDay(day) : '', { placeholder: digits('1405/10/01'),
                                                              dir: 'ltr', size: 12 });
    el.dataset.calendar = 'jalali';
    return el;
  }
  return input('deadline', day, { type: 'date' });
}
function deadlineValue(el) {
  const v = el.value.trim();
  if (!v) return { iso: null };
  if (el.dataset.calendar === 'jalali') {
    const d = parseJalaliDay(v);
    if (d.error) return { error: d.error };
    return { iso: `${d.day}T00:00:00Z` };
  }
  return /^\d{4}-\d{2}-\d{2}$/.test(v) ? { iso: `${v}T00:00:00Z` } : { error: t('adv.deadlineFormat') };
}

// The form -> the advisory document (docs/advisory.md); { error, field }
// when a value cannot be read (the server checks the rest).
function readDoc(form, base) {
  const q = name => form.querySelector(`[name="${name}"]`);
  const val = name => q(name).value.trim();
  const doc = {};
  if (base && base.ref) doc.ref = base.ref;
  if (base && base.source) doc.source = base.source;
  doc.title = { en: val('title_en') };
  if (val('title_fa')) doc.title.fa = val('title_fa');
  const sum = { en: q('summary_en').value.trim(), fa: q('summary_fa').value.trim() };
  if (sum.en || sum.fa) doc.summary = Object.fromEntries(Object.entries(sum).filter(([, v]) => v));
  doc.cves = lines(q('cves').value).map(c => c.toUpperCase());
  if (val('cvss')) doc.cvss = val('cvss');
  doc.tlp = q('tlp').value;
  doc.exploited = q('exploited').checked;
  const dl = deadlineValue(q('deadline'));
  if (dl.error) return { error: dl.error, field: 'deadline' };
  if (dl.iso) doc.deadline = dl.iso;
  doc.products = [...form.querySelectorAll('.row.product')].map(r => {
    const g = n => r.querySelector(`[name="${n}"]`);
    const p = { cpe: g('cpe').value.trim() };
    for (const k of ['version', 'start', 'end', 'exposure']) if (g(k).value.trim()) p[k] = g(k).value.trim();
    if (p.start) p.start_incl = g('start_incl').checked;
    if (p.end) p.end_incl = g('end_incl').checked;
    return p;
  }).filter(p => p.cpe || p.exposure);
  doc.actions = [...form.querySelectorAll('.row.action')].map(r => {
    const g = n => r.querySelector(`[name="${n}"]`).value.trim();
    const a = { kind: g('kind') };
    if (g('url')) a.url = g('url');
    const text = {};
    if (g('text_en')) text.en = g('text_en');
    if (g('text_fa')) text.fa = g('text_fa');
    if (text.en || text.fa) a.text = text;
    return a;
  }).filter(a => a.url || a.text);
  doc.references = [...form.querySelectorAll('.row.reference')].map(r => {
    const g = n => r.querySelector(`[name="${n}"]`).value.trim();
    const x = { url: g('url') };
    if (g('summary')) x.summary = g('summary');
    return x;
  }).filter(x => x.url);
  const orgs = lines(q('aud_orgs').value);
  if (orgs.some(o => !/^\d+$/.test(o))) return { error: t('adv.orgsFormat'), field: 'aud_orgs' };
  const audience = { all: q('aud_all').checked, sectors: lines(q('aud_sectors').value),
                     provinces: lines(q('aud_provinces').value), orgs: orgs.map(Number) };
  if (audience.all || audience.sectors.length || audience.provinces.length || audience.orgs.length)
    doc.audience = audience;
  return { doc };
}

// A field the server names ("products[2].end", "title.en") -> the control
const FIELD_CONTROLS = { 'title': 'title_en', 'title.en': 'title_en', 'title.fa': 'title_fa',
                         'summary.en': 'summary_en', 'summary.fa': 'summary_fa',
                         'audience.orgs': 'aud_orgs', 'audience.sectors': 'aud_sectors',
                         'audience.provinces': 'aud_provinces' };
function controlFor(form, fieldName) {
  if (!fieldName) return null;
  const m = /^(products|actions|references)\[(\d+)\](?:\.(\w+))?/.exec(fieldName);
  if (m) {
    const cls = { products: 'product', actions: 'action', references: 'reference' }[m[1]];
    const row = form.querySelectorAll(`.row.${cls}`)[Number(m[2])];
    const name = m[3] === 'text' ? 'text_en' : m[3];
    return row ? (name && row.querySelector(`[name="${name}"]`)) || row.querySelector('input') : null;
  }
  const name = FIELD_CONTROLS[fieldName] || fieldName.replace(/\[\d+\]$/, '');
  return form.querySelector(`[name="${CSS.escape(name)}"]`);
}
function markField(form, out, e) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  out.replaceChildren(errorBox(e));
  const ctl = controlFor(form, e && e.field);
  if (ctl) {
    ctl.setAttribute('aria-invalid', 'true');
    if (out.id) ctl.setAttribute('aria-describedby', out.id);
  }
  return ctl;
}

/* ------------------------------------------------------------------ editor */

export async function viewAdvisory(view, id, sub) {
  if (id === 'new') {
    if (!isWriter()) return put(view, errorBox({ status: 403 }));
    return editor(view, null);
  }
  if (!isId(id)) return notFound(view, 'adv.notFound', '#/advisories', 'adv.back');
  let adv;
  try {
    adv = await api('GET', `/api/v1/advisories/${id}`);
  } catch (e) {
    if (e.status === 404) return notFound(view, 'adv.notFound', '#/advisories', 'adv.back');
    throw e;
  }
  if (sub === 'tracking') return tracking(view, adv);
  if (role() === 'constituent') return forUsPage(view, adv);
  if (isWriter() && adv.status !== 'withdrawn') return editor(view, adv);
  return readOnly(view, adv);
}

function editor(view, adv) {
  const a = adv || {};
  const out = formStatus();
  const saveBtn = h('button', { type: 'submit', id: 'save-advisory' }, t(adv ? 'adv.save' : 'adv.create'));
  const changes = adv ? h('textarea', { name: 'changes', rows: 2, maxlength: 4000 }) : null;
  const form = h('form', { class: 'advisory-editor', id: 'advisory-form', novalidate: true },
    h('section', { class: 'card' },
      h('h2', {}, t('adv.text')),
      labelled('adv.titleEn', input('title_en', a.title && a.title.en, { required: true, lang: 'en', dir: 'ltr', size: 60 })),
      labelled('adv.titleFa', input('title_fa', a.title && a.title.fa, { lang: 'fa', dir: 'rtl', size: 60 })),
      labelled('adv.summaryEn', h('textarea', { name: 'summary_en', rows: 4, lang: 'en', dir: 'ltr' },
        (a.summary && a.summary.en) || '')),
      labelled('adv.summaryFa', h('textarea', { name: 'summary_fa', rows: 4, lang: 'fa', dir: 'rtl' },
        (a.summary && a.summary.fa) || ''))),
    h('section', { class: 'card' },
      h('h2', {}, t('adv.severity')),
      labelled('adv.cves', h('textarea', { name: 'cves', rows: 2, dir: 'ltr',
        placeholder: 'CVE-2018-0171' }, (a.cves || []).join('\n'))),
      h('div', { class: 'filters' },
        labelled('adv.cvss', input('cvss', a.cvss, { dir: 'ltr', size: 60,
          placeholder: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' })),
        h('span', { id: 'cvss-score', class: 'cvss-score', role: 'status' },
          a.severity ? sevBadge(a.severity, a.cvss_score) : null)),
      h('div', { class: 'filters' },
        labelled('inc.field.tlp', select('tlp', TLPS, a.tlp || 'AMBER', v => `TLP:${v}`)),
        labelled('adv.exploited', check('exploited', a.exploited)),
        labelled('adv.deadline', deadlineInput(a.deadline)))),
    rowList('products', 'adv.products', 'adv.addProduct', productRow, a.products),
    rowList('actions', 'adv.actions', 'adv.addAction', actionRow, a.actions),
    rowList('references', 'adv.references', 'adv.addReference', referenceRow, a.references),
    h('section', { class: 'card' },
      h('h2', {}, t('adv.audience')), h('p', { class: 'meta' }, t('adv.audienceHint')),
      labelled('adv.audAll', check('aud_all', a.audience && a.audience.all)),
      labelled('adv.audSectors', input('aud_sectors', ((a.audience && a.audience.sectors) || []).join(', '), { size: 40 })),
      labelled('adv.audProvinces', input('aud_provinces', ((a.audience && a.audience.provinces) || []).join(', '), { size: 40 })),
      labelled('adv.audOrgs', input('aud_orgs', ((a.audience && a.audience.orgs) || []).join(', '), { size: 40, dir: 'ltr' }))),
    h('section', { class: 'card' },
      changes ? labelled('adv.changes', changes) : null,
      h('div', { class: 'buttons' }, saveBtn), out));

  const head = [h('p', { class: 'crumbs' }, h('a', { href: '#/advisories' }, t('adv.back'))),
    h('h1', { id: 'advisory-title' }, adv ? [t('adv.editTitle'), ' ', ltr(adv.ref || '')] : t('adv.newTitle'))];
  if (adv) {
    head.push(h('p', { class: 'meta', id: 'advisory-meta' },
      h('span', { class: 'advisory-status' }, metaText(adv)), ' · ',
      h('a', { href: `/api/v1/advisories/${adv.id}/csaf`, download: `${adv.ref || adv.id}.json`,
               id: 'csaf-export' }, t('adv.export')), ' · ',
      h('a', { href: `#/advisories/${adv.id}/tracking`, id: 'tracking-link' }, t('adv.tracking'))));
  }
  const refreshMeta = () => {
    const el = head.length > 2 ? head[2].querySelector('.advisory-status') : null;
    if (el && adv) el.textContent = metaText(adv);
  };
  const publishOut = formStatus();
  const publishBtn = adv ? h('button', { type: 'button', id: 'publish-advisory' },
    t(adv.status === 'published' ? 'adv.republish' : 'adv.publish')) : null;
  if (publishBtn) {
    publishBtn.addEventListener('click', async () => {
      publishBtn.disabled = true;
      publishOut.replaceChildren();
      try {
        const r = await api('POST', `/api/v1/advisories/${adv.id}/publish`);
        publishOut.replaceChildren(t('adv.published', { targets: num(r.targets), mails: num(r.mails) }));
        adv.status = 'published';
        refreshMeta();
      } catch (e) {
        if (e.status === 401) throw e;
        publishOut.replaceChildren(errorBox(e));
      } finally {
        publishBtn.disabled = false;
      }
    });
  }

  // the live preview, beside the form
  const preview = h('section', { class: 'card preview', id: 'target-preview', 'aria-live': 'polite' },
    h('h2', {}, t('adv.preview')), h('p', { class: 'meta' }, t('adv.previewHint')));
  const previewer = livePreview(form, preview, adv);

  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    out.replaceChildren();
    const r = readDoc(form, adv);
    if (r.error) return markField(form, out, { status: 400, message: r.error, field: r.field });
    saveBtn.disabled = true;
    try {
      let saved;
      if (adv) {
        const body = { ...r.doc };
        if (changes.value.trim()) body.changes = changes.value.trim();
        saved = await api('PUT', `/api/v1/advisories/${adv.id}`, body);
        changes.value = '';
        Object.assign(adv, saved);
        refreshMeta();
        out.replaceChildren(t('adv.saved', { version: num(saved.version) }));
        showScore(form, saved);
        previewer.refresh();
      } else {
        saved = await api('POST', '/api/v1/advisories', r.doc);
        location.hash = `#/advisories/${saved.id}`;
      }
    } catch (e) {
      if (e.status === 401) throw e;
      markField(form, out, e);
    } finally {
      saveBtn.disabled = false;
    }
  });

  put(view, ...head,
    h('div', { class: 'editor-grid' }, form,
      h('div', { class: 'side' }, preview,
        publishBtn ? h('section', { class: 'card', id: 'publish-card' },
          h('h2', {}, t('adv.publishTitle')), h('p', { class: 'meta' }, t('adv.publishHint')),
          h('div', { class: 'buttons' }, publishBtn), publishOut) : null,
        adv ? historyCard(adv) : null)));
  previewer.refresh();
}

const metaText = adv => t('adv.meta', { status: t(`adv.status.${adv.status}`), version: num(adv.version) });

function showScore(form, doc) {
  const el = form.querySelector('#cvss-score');
  if (el) el.replaceChildren(doc && doc.severity ? sevBadge(doc.severity, doc.cvss_score) : '');
}

// The live preview: POST /api/v1/advisories/preview with the form's
// document, PREVIEW_DELAY ms after the last change; a slower answer to an
// older document is dropped. For a saved advisory, its exclusions (from GET
// .../preview) mark the targets removed, with a button to put them back.
function livePreview(form, box, adv) {
  let timer = null, seq = 0, excluded = new Map();
  const body = h('div', { class: 'preview-body' });
  const status = h('p', { class: 'meta preview-status', role: 'status' });
  put(box, status, body);

  async function loadExclusions() {
    if (!adv) return;
    try {
      const p = await api('GET', `/api/v1/advisories/${adv.id}/preview`);
      excluded = new Map((p.targets || []).filter(x => x.excluded)
        .map(x => [x.org.id, x.excluded.reason || '']));
    } catch (e) { /* the live list still shows */ }
  }

  async function run() {
    const mine = ++seq;
    const r = readDoc(form, adv);
    if (r.error) {
      status.replaceChildren(h('span', { class: 'error' }, r.error));
      return;
    }
    status.replaceChildren(t('adv.previewing'));
    box.setAttribute('aria-busy', 'true');
    try {
      // the title does not choose targets: an analyst who starts with the
      // products sees them before the (required) title is written
      const draft = r.doc.title.en ? r.doc : { ...r.doc, title: { ...r.doc.title, en: '…' } };
      const [p] = await Promise.all([api('POST', '/api/v1/advisories/preview', draft), loadExclusions()]);
      if (mine !== seq) return;
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      showScore(form, p.document);
      status.replaceChildren(t('adv.previewAt', { time: new Date().toLocaleTimeString(getLang() === 'fa' ? 'fa-IR' : 'en-GB') }));
      body.replaceChildren(...renderPreview(p, excluded, adv, () => run()).filter(Boolean));
    } catch (e) {
      if (mine !== seq) return;
      if (e.status === 401) throw e;
      const ctl = controlFor(form, e.field);
      status.replaceChildren(errorBox(e));
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      if (ctl) ctl.setAttribute('aria-invalid', 'true');
    } finally {
      if (mine === seq) box.removeAttribute('aria-busy');
    }
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(run, PREVIEW_DELAY); };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  return { refresh: run };
}

// Counts of the targets left (not excluded) by a key of their organisation
function countBy(targets, key) {
  const m = new Map();
  for (const x of targets) {
    const k = (x.org && x.org[key]) || '';
    m.set(k, (m.get(k) || 0) + 1);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
}

// One piece of evidence of why an organisation is a target
function whyItem(w) {
  switch (w.kind) {
    case 'asset':
      // a free-text asset with the CPE name it was read as, for checking
      return [t('why.asset'), ' ', ltr(w.value || ''), w.cpe ? [' → ', ltr(w.cpe)] : null,
              w.count ? [' ', t('why.count', { n: num(w.count) })] : null];
    case 'host':
      return [t('why.host'), ' ', ltr(`${w.ip || ''}${w.port ? ':' + w.port : ''}`), ' ',
              ltr([w.product, w.version].filter(Boolean).join(' ')),
              w.type || w.report ? [' · ', ltr(w.type || w.report)] : null,
              w.last_seen ? [' · ', timeEl(w.last_seen)] : null];
    case 'exposure':
      return [t('why.exposure'), ' ', ltr(w.exposure || w.service || ''),
              w.ip ? [' ', ltr(`${w.ip}${w.port ? ':' + w.port : ''}`)] : null];
    case 'audience':
      return [t('why.audience'), w.by ? [' ', h('bdi', {}, String(w.by))] : null,
              w.value ? [' ', h('bdi', {}, String(w.value))] : null];
    default:
      return ltr(w.kind || '');
  }
}

function renderPreview(p, excluded, adv, rerun) {
  const targets = (p.targets || []).map(x => {
    const ex = x.excluded || (excluded.has(x.org.id) ? { reason: excluded.get(x.org.id) } : null);
    return { ...x, excluded: ex };
  });
  const left = targets.filter(x => !x.excluded);
  const hosts = left.reduce((n, x) => n + (x.hosts || 0), 0);
  const rows = targets.map(x => {
    const cell = h('td', { class: 'target-actions' });
    if (adv && ADVISORY_WRITERS.includes(role())) cell.append(x.excluded ? includeButton(adv, x, rerun)
                                                               : excludeForm(adv, x, rerun));
    return h('tr', { class: `target${x.excluded ? ' excluded' : ''}`, dataset: { org: x.org.id } },
      h('td', {}, h('a', { href: `#/orgs/${x.org.id}`, class: 'target-org' }, h('bdi', {}, x.org.name || x.org.id))),
      h('td', {}, x.org.province || t('common.none')),
      h('td', {}, x.org.sector || t('common.none')),
      h('td', { class: 'num target-hosts' }, num(x.hosts || 0)),
      h('td', { class: 'why' }, h('ul', {}, (x.why || []).map(w => h('li', { class: `why-${w.kind}` }, whyItem(w))))),
      h('td', {}, x.excluded ? h('span', { class: 'excluded-reason' }, t('adv.excludedBecause'), ' ',
        h('bdi', {}, x.excluded.reason || '')) : null, cell));
  });
  const counts = (key, title, id) => h('div', { class: 'counts', id },
    h('h3', {}, t(title)),
    table([key === 'province' ? 'adv.col.province' : 'adv.col.sector', 'adv.col.count'],
      countBy(left, key).map(([k, n]) => h('tr', {}, h('td', {}, k || t('common.none')),
                                           h('td', { class: 'num' }, num(n))))));
  const unmapped = (p.unmapped || []).length ? h('details', { id: 'unmapped' },
    h('summary', {}, t('adv.unmapped', { n: num(p.unmapped.length) })),
    h('ul', {}, p.unmapped.map(u => h('li', {}, h('bdi', {}, (u.org && u.org.name) || ''), ': ',
                                     ltr(u.asset || ''))))) : null;
  return [
    h('p', { class: 'preview-total', id: 'preview-total' },
      t('adv.previewTotal', { n: num(left.length), hosts: num(hosts) }),
      targets.length > left.length ? [' ', t('adv.previewExcluded', { n: num(targets.length - left.length) })] : null),
    h('div', { class: 'grid' }, counts('province', 'adv.byProvince', 'by-province'),
      counts('sector', 'adv.bySector', 'by-sector')),
    table(['adv.col.org', 'adv.col.province', 'adv.col.sector', 'adv.col.hosts', 'adv.col.why', ''],
          rows, 'adv.noTargets'),
    unmapped,
  ];
}

function excludeForm(adv, x, rerun) {
  const reason = h('input', { name: 'reason', maxlength: 500, required: true, size: 18,
                              'aria-label': t('adv.excludeReason') });
  const out = h('span', { class: 'form-status', role: 'status' });
  const form = h('form', { class: 'exclude-form inline' }, reason,
    h('button', { type: 'submit', class: 'quiet' }, t('adv.exclude')), out);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!reason.value.trim()) return showProblem(form, out, { status: 400, field: 'reason', message: t('adv.reasonNeeded') });
    try {
      await api('POST', `/api/v1/advisories/${adv.id}/exclusions/${x.org.id}`, { reason: reason.value.trim() });
      rerun();
    } catch (e) {
      if (e.status === 401) throw e;
      showProblem(form, out, e);
    }
  });
  return form;
}

function includeButton(adv, x, rerun) {
  const b = h('button', { type: 'button', class: 'quiet include' }, t('adv.include'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await api('DELETE', `/api/v1/advisories/${adv.id}/exclusions/${x.org.id}`);
      rerun();
    } catch (e) {
      if (e.status === 401) throw e;
      b.after(errorBox(e));
      b.disabled = false;
    }
  });
  return b;
}

function historyCard(adv) {
  const box = h('section', { class: 'card', id: 'advisory-history' }, h('h2', {}, t('adv.history')));
  api('GET', `/api/v1/advisories/${adv.id}/history`).then(r => {
    put(box, table(['adv.col.version', 'adv.col.changes', 'adv.col.actor', 'adv.col.when'],
      (r.items || []).map(v => h('tr', {}, h('td', { class: 'num' }, num(v.version)),
        h('td', { dir: 'auto' }, v.changes || t('common.none')), h('td', {}, h('bdi', {}, v.actor || '')),
        h('td', {}, when(v.created))))));
  }).catch(e => put(box, errorBox(e)));
  return box;
}

/* ---------------------------------------------------- reading an advisory */

// The advisory's facts, for every reader (staff who do not write, and the
// constituent's page above its buttons).
function facts(adv) {
  return [
    h('section', { class: 'card advisory-text' },
      h('p', { class: 'meta' }, ltr(adv.ref || ''), ' ', tlpBadge(adv.tlp), ' ',
        adv.exploited ? h('span', { class: 'badge exploited' }, t('adv.exploitedBadge')) : null),
      h('div', { class: 'summary', dir: 'auto' }, pick(adv.summary) || t('common.none'))),
    h('section', { class: 'card' },
      h('dl', { class: 'facts' },
        field('adv.severity', sevBadge(adv.severity, adv.cvss_score), 'field-severity'),
        adv.cvss ? field('adv.cvss', ltr(adv.cvss, 'cvss-vector')) : null,
        field('adv.cves', ltr((adv.cves || []).join(' ') || '—')),
        field('adv.deadline', when(adv.deadline), 'field-deadline'),
        field('adv.publishedAt', when(adv.published)))),
    (adv.products || []).length ? card('adv.products', h('ul', { class: 'products' },
      adv.products.map(p => h('li', {}, ltr(p.cpe || p.exposure || ''), ' ', h('span', { class: 'meta' },
        productRange(p)))))) : null,
    (adv.actions || []).length ? card('adv.actions', h('ul', { class: 'actions' },
      adv.actions.map(a => h('li', {}, h('strong', {}, t(`adv.kind.${a.kind}`) + ': '),
        h('span', { dir: 'auto' }, pick(a.text)), a.url ? [' ', h('a', { href: a.url, rel: 'noopener noreferrer',
          target: '_blank', dir: 'ltr' }, a.url)] : null)))) : null,
    (adv.references || []).length ? card('adv.references', h('ul', {},
      adv.references.map(r => h('li', {}, h('a', { href: r.url, rel: 'noopener noreferrer', target: '_blank',
        dir: 'ltr' }, r.url), r.summary ? [' ', h('span', { dir: 'auto' }, r.summary)] : null)))) : null,
  ];
}

// "= 6.42.1", "≥ 15.0 < 15.2(4)E7"
function productRange(p) {
  if (p.version) return ltr(`= ${p.version}`);
  const parts = [];
  if (p.start) parts.push(`${p.start_incl === false ? '>' : '≥'} ${p.start}`);
  if (p.end) parts.push(`${p.end_incl ? '≤' : '<'} ${p.end}`);
  return parts.length ? ltr(parts.join(' ')) : t('adv.anyVersion');
}

function readOnly(view, adv) {
  put(view, h('p', { class: 'crumbs' }, h('a', { href: '#/advisories' }, t('adv.back'))),
    h('h1', { id: 'advisory-title' }, h('bdi', {}, pick(adv.title))),
    isTracker() ? h('p', {}, h('a', { href: `#/advisories/${adv.id}/tracking`, id: 'tracking-link' },
                               t('adv.tracking')), ' · ',
      h('a', { href: `/api/v1/advisories/${adv.id}/csaf`, id: 'csaf-export' }, t('adv.export'))) : null,
    ...facts(adv));
}

/* ----------------------------------------------------------------- tracking */

// "warned N organisations M days before the deadline; K acknowledged within
// a median of T hours; P patched, Q verified by scan"
export function summarySentence(s) {
  if (!s) return '';
  const parts = [];
  const days = typeof s.days_before_deadline === 'number' ? Math.round(s.days_before_deadline) : null;
  parts.push(days !== null ? t('track.warnedDays', { n: num(s.warned || 0), days: num(days) })
                           : t('track.warned', { n: num(s.warned || 0) }));
  const hours = typeof s.ack_median_hours === 'number'
    ? (s.ack_median_hours < 10 ? s.ack_median_hours.toFixed(1) : String(Math.round(s.ack_median_hours)))
    : null;
  parts.push(hours !== null ? t('track.ackMedian', { n: num(s.acknowledged || 0), hours: num(hours) })
                            : t('track.ack', { n: num(s.acknowledged || 0) }));
  parts.push(t('track.patched', { patched: num(s.patched || 0), verified: num(s.verified || 0) }));
  return t('track.sentence', { warned: parts[0], ack: parts[1], patched: parts[2] });
}

async function tracking(view, adv) {
  put(view, h('p', { class: 'crumbs' }, h('a', { href: `#/advisories/${adv.id}` }, t('track.back'))),
    h('h1', { id: 'tracking-title' }, t('track.title'), ' ', h('bdi', {}, pick(adv.title))));
  if (!isTracker()) return put(view, errorBox({ status: 403 }));
  const tr = await api('GET', `/api/v1/advisories/${adv.id}/targets`);
  const totals = tr.totals || {};
  const targets = tr.targets || [];
  const flagged = targets.filter(x => x.state === 'still_seen');
  put(view, 
    h('p', { class: 'card summary-sentence', id: 'tracking-summary' }, summarySentence(tr.summary)),
    flagged.length ? h('p', { class: 'card flag-note', id: 'still-seen-note', role: 'alert' },
      h('span', { class: 'flag', 'aria-hidden': 'true' }, '⚑ '),
      t('track.stillSeen', { n: num(flagged.length) })) : null,
    h('section', { class: 'card', id: 'tracking-totals' }, h('h2', {}, t('track.totals')),
      h('ul', { class: 'totals' }, TARGET_STATES.map(s => h('li', { dataset: { state: s } },
        stateBadge(s), ' ', h('span', { class: 'total' }, num(totals[s] || 0)))))));
  const rows = targets.map(x => h('tr', { class: `target state-row-${x.state}`, dataset: { org: x.org.id, state: x.state } },
    h('td', {}, x.state === 'still_seen' ? h('span', { class: 'flag', title: t('target.still_seen') }, '⚑ ') : null,
      h('a', { href: `#/orgs/${x.org.id}` }, h('bdi', {}, x.org.name || x.org.id))),
    h('td', {}, x.org.province || t('common.none')),
    h('td', {}, stateBadge(x.state)),
    h('td', { class: 'num' }, num(x.hosts || 0)),
    h('td', {}, when(x.notified)),
    h('td', {}, when(x.acknowledged)),
    h('td', {}, when(x.patched)),
    h('td', {}, when(x.verified)),
    h('td', { dir: 'auto' }, x.reason || '')));
  put(view, h('section', { class: 'card', id: 'tracking-targets' }, h('h2', {}, t('track.targets')),
    table(['adv.col.org', 'adv.col.province', 'track.col.state', 'adv.col.hosts', 'track.col.notified',
           'track.col.acknowledged', 'track.col.patched', 'track.col.verified', 'track.col.reason'], rows,
          'adv.noTargets')));
}

/* ------------------------------------------------------ advisories for us */

async function viewForUs(view, query) {
  const cursor = query.get('cursor') || '';
  put(view, h('h1', {}, t('forus.title')), h('p', { class: 'meta' }, t('forus.hint')));
  const page = await api('GET', withQuery('/api/v1/advisories', { cursor, limit: PAGE }));
  const rows = page.items.map(a => h('tr', { class: 'advisory', dataset: { id: a.id } },
    h('td', {}, h('a', { href: `#/advisories/${a.id}`, class: 'advisory-link' }, h('bdi', {}, pick(a.title)))),
    h('td', {}, sevBadge(a.severity, a.cvss_score)),
    h('td', {}, a.exploited ? h('span', { class: 'badge exploited' }, t('adv.exploitedBadge')) : null),
    h('td', {}, when(a.deadline)),
    h('td', {}, a.target && a.target.state ? stateBadge(a.target.state) : t('common.none'))));
  put(view, table(['adv.col.title', 'adv.col.severity', 'adv.exploited', 'adv.col.deadline',
                     'forus.col.state'], rows, 'forus.empty'),
              pager('advisories', {}, cursor, page.next));
}

// The constituent's page of one advisory: what to do, and its answer.
function forUsPage(view, adv) {
  const org = session.me.org;
  const target = adv.target || {};
  const stateEl = h('span', { id: 'our-state' }, target.state ? stateBadge(target.state) : t('common.none'));
  const out = formStatus();
  const set = async (state, reason) => {
    out.replaceChildren();
    try {
      const a = await api('POST', `/api/v1/advisories/${adv.id}/targets/${org}`,
                          reason ? { state, reason } : { state });
      const s = (a.target && a.target.state) || state;
      stateEl.replaceChildren(stateBadge(s));
      out.replaceChildren(t(`forus.done.${state}`));
      return true;
    } catch (e) {
      if (e.status === 401) throw e;
      out.replaceChildren(errorBox(e));
      return false;
    }
  };
  const ackBtn = h('button', { type: 'button', id: 'ack-advisory' }, t('forus.ack'));
  const patchedBtn = h('button', { type: 'button', id: 'patched-advisory' }, t('forus.patched'));
  ackBtn.addEventListener('click', () => set('acknowledged'));
  patchedBtn.addEventListener('click', () => set('patched'));
  const reason = h('input', { name: 'reason', maxlength: 500, size: 40 });
  const naForm = h('form', { id: 'not-affected-form', class: 'inline' },
    labelled('forus.reason', reason), h('button', { type: 'submit', class: 'quiet' }, t('forus.notAffected')));
  naForm.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!reason.value.trim())
      return showProblem(naForm, out, { status: 400, field: 'reason', message: t('forus.reasonNeeded') });
    if (await set('not_affected', reason.value.trim())) reason.value = '';
  });
  put(view, h('p', { class: 'crumbs' }, h('a', { href: '#/advisories' }, t('forus.back'))),
    h('h1', { id: 'advisory-title' }, h('bdi', {}, pick(adv.title))),
    h('section', { class: 'card', id: 'our-answer' },
      h('p', {}, t('forus.ourState'), ' ', stateEl),
      target.reason ? h('p', { class: 'meta' }, t('forus.ourReason'), ' ', h('bdi', {}, target.reason)) : null,
      h('div', { class: 'buttons' }, ackBtn, patchedBtn), naForm, out),
    ...facts(adv));
  // opening it in the portal is reading it (the server ignores a target past read)
  if (!target.state || target.state === 'notified')
    api('POST', `/api/v1/advisories/${adv.id}/targets/${org}`, { state: 'read' })
      .then(a => { if (a && a.target && a.target.state) stateEl.replaceChildren(stateBadge(a.target.state)); })
      .catch(() => { /* shown as it was */ });
}

/* ------------------------------------------------------- a mail's link */

// #/advisory-link/TOKEN: GET says what the link does (a read link is done
// by it); an acknowledge link waits for the person's click (POST), so a
// mail scanner that opens links acknowledges nothing.
export async function viewAdvisoryLink(view, token) {
  put(view, h('h1', {}, t('link.title')));
  const box = h('section', { class: 'card', id: 'link-box' });
  put(view, box);
  const path = `/api/v1/advisory-links/${encodeURIComponent(token || '')}`;
  let r;
  try {
    r = await api('GET', path);
  } catch (e) {
    put(box, h('p', { class: 'error', role: 'alert', id: 'link-error' },
      t(e.status === 400 ? 'link.invalid' : e.status === 403 ? 'link.forbidden' : 'link.failed')));
    return;
  }
  const more = h('p', {}, h('a', { href: `#/advisories/${r.advisory}`, id: 'link-open' },
    t(session.me ? 'link.open' : 'link.login')));
  if (r.action !== 'ack') {
    put(box, h('p', { id: 'link-result', role: 'status' }, t('link.read', { id: num(r.advisory) })), more);
    return;
  }
  const btn = h('button', { type: 'button', id: 'link-ack' }, t('link.ackButton'));
  const out = h('p', { id: 'link-result', role: 'status' });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      await api('POST', path);
      btn.remove();
      out.replaceChildren(t('link.acked', { id: num(r.advisory) }));
    } catch (e) {
      btn.disabled = false;
      out.replaceChildren(errorBox(e));
    }
  });
  put(box, h('p', {}, t('link.ackQuestion', { id: num(r.advisory) })), h('div', { class: 'buttons' }, btn),
             out, more);
}
