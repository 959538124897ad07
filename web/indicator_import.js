// Bulk import of indicators (issue 15): paste or choose a CSV file or a
// plain list, see what each row would do (new, changed, unchanged, held by
// a warninglist, invalid with its line), then import it; the indicators the
// warninglists hold, each confirmed or rejected; and the MISP warninglists
// in force. Routes:
//   #/indicator-import   the import with its preview, and the held list
//   #/warninglists       the lists in force: directory, counts, each list
// CERT staff only (openapi importIndicators, getWarninglists). The preview
// and the import are one server rule (POST /api/v1/indicators/import,
// preview=true writes nothing); every message is in i18n.js.
import { api, upload, withQuery } from './api.js';
import { t } from './i18n.js';
import { num } from './format.js';
import { h, table, errorBox, select, labelled, field, card, session, formStatus, showProblem }
  from './ui.js';

// who curates the registry (openapi importIndicators: admin, analyst, provincial)
export const IMPORT_ROLES = ['admin', 'analyst', 'provincial'];
// the row statuses of a preview (openapi IndicatorImportResult), in the totals' order
export const IMPORT_STATUSES = ['new', 'changed', 'unchanged', 'held', 'invalid'];
const TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'sha256', 'sha1', 'md5', 'tls',
               'asn', 'app'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const MAX_FILE = 64 * 1024 * 1024; // the server's bound (INDICATOR_IMPORT_MAX_BYTES)

const role = () => (session.me ? session.me.role : '');
const ltr = text => h('bdi', { dir: 'ltr' }, text);
const statusBadge = s => h('span', { class: `badge import-${s}` }, t(`imp.status.${s}`));

// one line per name, left to right (list names are English)
const names = a => (a && a.length ? h('ul', { class: 'plain' }, a.map(n => h('li', { lang: 'en' }, n))) : null);

// The totals sentence and the table of rows of an import's answer.
function result(res, onlyNotable) {
  const tt = res.totals || {};
  const rows = (res.items || [])
    .filter(it => !onlyNotable || it.status === 'invalid' || it.status === 'held')
    .map(it => h('tr', { dataset: { status: it.status } },
      h('td', {}, num(it.line)),
      h('td', {}, statusBadge(it.status)),
      h('td', {}, it.type || t('common.none')),
      h('td', {}, ltr(it.value || '')),
      h('td', {},
        it.changes ? h('p', {}, t('imp.changes'), ' ', ltr(it.changes.join(', '))) : null,
        it.lists ? [h('p', {}, t('imp.lists')), names(it.lists)] : null,
        it.error ? h('p', { class: 'error', lang: 'en', dir: 'auto' }, it.error) : null)));
  return h('div', { class: 'import-result' },
    h('p', { class: 'totals', role: 'status' },
      t(res.preview ? 'imp.totals.preview' : 'imp.totals.done', {
        rows: num(tt.rows || 0), new: num(tt.new || 0), changed: num(tt.changed || 0),
        unchanged: num(tt.unchanged || 0), held: num(tt.held || 0), invalid: num(tt.invalid || 0),
      })),
    res.truncated ? h('p', { class: 'meta' }, t('imp.truncated', { n: num(res.items.length) })) : null,
    table(['imp.col.line', 'imp.col.status', 'imp.col.type', 'imp.col.value', 'imp.col.detail'],
          rows, onlyNotable ? 'imp.nothingNotable' : 'common.empty'));
}

/* ------------------------------------------------------------ the import */

export async function viewIndicatorImport(view) {
  if (!IMPORT_ROLES.includes(role())) {
    view.append(h('h1', {}, t('imp.title')), h('p', { class: 'error' }, t('error.forbidden')));
    return;
  }
  const text = h('textarea', { name: 'text', rows: 10, dir: 'ltr', spellcheck: false,
                                placeholder: t('imp.pastePlaceholder') });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.txt,text/csv,text/plain' });
  const format = select('format', ['csv', 'plain'], 'plain', v => t(`imp.format.${v}`));
  const type = select('type', TYPES, '', v => v, false);
  type.prepend(h('option', { value: '', selected: true }, t('imp.type.guess')));
  const tlp = select('tlp', TLPS, '', v => `TLP:${v}`, false);
  tlp.prepend(h('option', { value: '', selected: true }, t('imp.tlp.default')));
  const reason = h('input', { name: 'reason', maxlength: 1000 });
  const confirm = h('input', { type: 'checkbox', name: 'confirm', class: 'check' });
  const previewBtn = h('button', { type: 'submit', name: 'preview' }, t('imp.preview'));
  const importBtn = h('button', { type: 'button', name: 'import', disabled: true }, t('imp.import'));
  const out = formStatus();
  const shown = h('div', { id: 'import-result' });
  const form = h('form', { class: 'card', id: 'import-form' },
    h('p', { class: 'meta' }, t('imp.help')),
    labelled('imp.file', file),
    labelled('imp.paste', text),
    h('div', { class: 'row' },
      labelled('imp.format', format), labelled('imp.type', type), labelled('imp.tlp', tlp)),
    labelled('imp.reason', reason),
    labelled('imp.confirm', confirm),
    h('p', {}, previewBtn, ' ', importBtn),
    out);

  // a file chosen picks its format by its name, as the CLI does
  file.addEventListener('change', () => {
    const f = file.files[0];
    if (f) format.value = /\.csv$/i.test(f.name) ? 'csv' : 'plain';
    importBtn.disabled = true;
  });
  for (const c of [text, format, type, tlp, reason, confirm])
    c.addEventListener('input', () => { importBtn.disabled = true; });

  const body = () => {
    const f = file.files[0];
    if (f && f.size > MAX_FILE) throw Object.assign(new Error(t('imp.tooLarge')), { status: 413 });
    return f || new Blob([text.value], { type: 'text/plain' });
  };
  const send = async preview => {
    const path = withQuery('/api/v1/indicators/import', {
      format: format.value, type: type.value, tlp: tlp.value, reason: reason.value.trim(),
      confirm: confirm.checked ? 'true' : '', preview: preview ? 'true' : 'false',
    });
    try {
      return await upload(path, body());
    } catch (e) {
      if (e.status === 422 && e.data && e.data.totals) return e.data; // no valid row: still the rows
      throw e;
    }
  };
  const run = async preview => {
    out.replaceChildren();
    previewBtn.disabled = importBtn.disabled = true;
    try {
      const res = await send(preview);
      const valid = (res.totals.rows || 0) - (res.totals.invalid || 0);
      shown.replaceChildren(result(res, !preview));
      if (!valid) out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('imp.noValid')));
      importBtn.disabled = !preview || !valid;
      if (!preview) await refreshHeld();
    } catch (e) {
      if (e.status === 401) throw e;
      showProblem(form, out, e);
    } finally {
      previewBtn.disabled = false;
    }
  };
  form.addEventListener('submit', ev => { ev.preventDefault(); run(true); });
  importBtn.addEventListener('click', () => run(false));

  const held = h('section', { class: 'card', id: 'held' });
  const refreshHeld = async () => {
    held.replaceChildren(h('h2', {}, t('imp.held.title')), h('p', { class: 'meta' }, t('imp.held.help')));
    let res;
    try {
      res = await api('GET', '/api/v1/warninglists/held?limit=200');
    } catch (e) {
      if (e.status === 401) throw e;
      held.append(errorBox(e));
      return;
    }
    const status = formStatus();
    const rows = (res.items || []).map(it => {
      const decide = async (what, btn) => {
        btn.disabled = true;
        try {
          await api('POST', `/api/v1/indicators/${it.id}/${what}`);
          await refreshHeld();
        } catch (e) {
          if (e.status === 401) throw e;
          btn.disabled = false;
          status.replaceChildren(errorBox(e));
        }
      };
      const ok = h('button', { type: 'button', class: 'confirm' }, t('imp.held.confirm'));
      const no = h('button', { type: 'button', class: 'quiet reject' }, t('imp.held.reject'));
      ok.addEventListener('click', () => decide('confirm', ok));
      no.addEventListener('click', () => decide('reject', no));
      return h('tr', { dataset: { id: it.id } },
        h('td', {}, num(it.id)), h('td', {}, it.type), h('td', {}, ltr(it.value)),
        h('td', {}, names(it.held_lists)), h('td', {}, it.reason || t('common.none')),
        h('td', {}, ok, ' ', no));
    });
    held.append(table(['imp.col.id', 'imp.col.type', 'imp.col.value', 'imp.col.lists',
                       'imp.col.reason', 'imp.col.decision'], rows, 'imp.held.none'), status);
  };
  view.append(h('h1', {}, t('imp.title')), form, shown, held,
              h('p', {}, h('a', { href: '#/warninglists' }, t('wl.title'))));
  await refreshHeld();
}

/* ------------------------------------------------------- the warninglists */

export async function viewWarninglists(view) {
  if (!IMPORT_ROLES.includes(role())) {
    view.append(h('h1', {}, t('wl.title')), h('p', { class: 'error' }, t('error.forbidden')));
    return;
  }
  const w = await api('GET', '/api/v1/warninglists');
  const s = w.stats || {};
  const rows = (w.lists || []).map(l => h('tr', {},
    h('td', {}, ltr(l.dir)),
    h('td', { lang: 'en', dir: 'auto' }, l.error ? h('span', { class: 'error' }, l.error) : l.name),
    h('td', {}, l.type || t('common.none')),
    h('td', {}, l.error ? t('common.none') : num(l.entries))));
  view.append(h('h1', {}, t('wl.title')),
    card('wl.inForce', h('p', { class: 'meta' }, t('wl.help')),
      h('dl', { class: 'facts' },
        field('wl.dir', ltr(w.dir)),
        field('wl.source', t(`wl.source.${w.source}`)),
        field('wl.lists', num(s.lists || 0)),
        field('wl.entries', num(s.entries || 0)),
        field('wl.cidr', num(s.cidr_prefixes || 0)),
        field('wl.hostnames', num(s.hostnames || 0)),
        field('wl.strings', num((s.strings || 0) + (s.substrings || 0))),
        field('wl.regex', num(s.regex || 0)))),
    card('wl.each', table(['wl.col.dir', 'wl.col.name', 'wl.col.type', 'wl.col.entries'], rows)),
    h('p', {}, h('a', { href: '#/indicator-import' }, t('imp.title'))));
}
