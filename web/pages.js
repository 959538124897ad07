// The detail pages: a watched site, an organisation, an imported report
// file; the constituent's "report an incident" form (the administration
// is in admin.js). Routes: #/sites/ID?cursor=  #/orgs/ID  #/feeds/files/ID  #/report
// #/services?category= (the well-known services the website watch recognises)
import { api, withQuery } from './api.js';
import { t, hasKey } from './i18n.js';
import { num, timeEl } from './format.js';
import { h, badge, table, errorBox, select, labelled, hashFor, pager, field, card, gradeBadge,
         when, notFound, session, onSubmit, showProblem, formStatus, FEEDS_ROLES,
         isAnalyst } from './ui.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
const DNS_TYPES = ['a', 'aaaa', 'ns', 'ns_parent', 'mx', 'caa'];
const ASSET_TYPES = ['cidr', 'domain', 'url', 'asn', 'product'];
const ASSET_ROLES = ['admin', 'analyst', 'provincial']; // who adds assets (openapi createAsset)
const CONTACT_ROLES = [...ASSET_ROLES, 'constituent']; // and contacts (createContact)

// GET, or null on 404 (outside the caller's scope, or an endpoint this
// server does not have yet)
async function maybe(path) {
  try {
    return await api('GET', path);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

const yesNo = v => t(v ? 'common.yes' : 'common.no');
const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
const code = text => h('code', { dir: 'ltr', class: 'hash' }, text);
const isId = s => /^\d+$/.test(s || '');

// ms since the epoch (or seconds) -> ISO
function epochIso(v) {
  if (typeof v !== 'number' || !v) return null;
  return new Date(v < 1e11 ? v * 1000 : v).toISOString();
}

/* --------------------------------------------------------------------- site */

export async function viewSite(view, id, query, host = view) {
  if (!isId(id)) return notFound(view, 'site.notFound', '#/sites', 'site.back');
  const cursor = query.get('cursor') || '';
  const [site, checks, posture] = await Promise.all([
    maybe(`/api/v1/sites/${id}`),
    maybe(withQuery(`/api/v1/sites/${id}/checks`, { cursor, limit: 20 })),
    maybe(`/api/v1/sites/${id}/posture`),
  ]);
  if (!site) return notFound(view, 'site.notFound', '#/sites', 'site.back');
  const status = h('p', { class: 'status-line', role: 'status' });
  const items = checks ? checks.items : [];

  const minutes = Math.round(site.interval / 60);
  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/sites' }, t('site.back'))),
    h('h1', { class: 'site-title' }, t('site.title'), ' ', ltr(site.url, 'url')),
    h('div', { class: 'grid' },
      h('section', { class: 'card' },
        h('dl', { class: 'facts' },
          field('site.field.org', h('a', { href: `#/orgs/${site.org_id}` }, site.org_name || '')),
          field('site.field.province', site.province || t('common.none')),
          field('site.field.state', [badge('state', site.state),
            site.enabled ? null : [' ', h('span', { class: 'badge' }, t('sites.paused'))]],
            'field-state'),
          site.alert_kind ? field('site.field.alert', site.alert_kind) : null,
          field('site.field.incident', site.incident
            ? h('a', { href: `#/incidents/${site.incident}` }, t('inc.number', { id: num(site.incident) }))
            : t('common.none')),
          field('site.field.interval', t('site.minutes', { n: num(minutes) })),
          field('site.field.checks', num(site.checks), 'field-checks'),
          field('site.field.lastCheck', when(site.last_check)),
          field('site.field.nextCheck', when(site.next_check)),
          field('site.field.baseline', yesNo(site.baseline_learned)))),
      postureCard(posture)),
    status);

  if (isAnalyst()) {
    const b = h('button', { type: 'button', id: 'accept-baseline' }, t('site.acceptBaseline'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api('POST', `/api/v1/sites/${id}/baseline`);
        const fresh = h('div');
        await viewSite(fresh, id, query, host);
        host.replaceChildren(...fresh.childNodes);
        const s = host.querySelector('.status-line');
        if (s) s.textContent = t('site.baselineAccepted');
      } catch (e) {
        b.disabled = false;
        status.replaceChildren(e.status === 409 ? h('p', { class: 'error', role: 'alert' },
          t('site.noPageYet')) : errorBox(e));
      }
    });
    view.append(h('section', { class: 'card actions' }, h('h2', {}, t('inc.actions')),
      h('p', { class: 'meta' }, t('site.baselineHint')), h('div', { class: 'buttons' }, b)));
  }

  // the newest detection on this page of checks, with its diff
  const alert = items.find(c => c.outcome === 'alert' && c.detail);
  if (alert) view.append(detectionCard(alert));
  // what the watch recognised and recorded without an alarm (issue 12)
  const observed = observationsCard(items);
  if (observed) view.append(observed);

  const rows = items.map(c => h('tr', { class: `check outcome-${c.outcome}` },
    h('td', {}, timeEl(c.time)),
    h('td', {}, h('span', { class: `badge outcome-${c.outcome}` }, t(`outcome.${c.outcome}`))),
    h('td', { class: 'num' }, c.score === undefined ? t('common.none') : num(c.score)),
    h('td', { class: 'num' }, c.http_status ? num(c.http_status) : t('common.none')),
    h('td', { class: 'num' }, c.duration_ms === undefined ? t('common.none')
      : t('site.ms', { n: num(c.duration_ms) })),
    h('td', {}, c.severity && c.severity !== 'none' ? badge('severity', c.severity) : t('common.none'))));
  view.append(h('section', { class: 'card', id: 'checks' }, h('h2', {}, t('site.checks')),
    items.length ? table(['site.col.time', 'site.col.outcome', 'site.col.score', 'site.col.http',
                          'site.col.duration', 'site.col.severity'], rows)
      : h('p', { class: 'empty', id: 'no-checks' }, t(cursor ? 'common.empty' : 'site.noChecks')),
    pager(`sites/${id}`, {}, cursor, checks && checks.next)));

  view.append(h('div', { class: 'grid' }, dnsCard(site, items), certCard(site, items)));
  const changes = items.filter(c => c.detail && (c.detail.dns_changes || c.detail.certificate_change));
  if (changes.length) view.append(changesCard(changes));
}

function postureCard(p) {
  const box = h('section', { class: 'card posture', id: 'posture' }, h('h2', {}, t('posture.title')));
  if (!p || !p.grade) {
    box.append(h('p', {}, gradeBadge(null)), h('p', { class: 'meta' }, t('posture.notYet')));
    return box;
  }
  box.append(h('p', { class: 'grade-line' }, gradeBadge(p.grade), ' ',
    t('posture.score', { n: num(p.score) }), ' · ', when(p.graded)));
  const findings = (p.detail && p.detail.findings) || [];
  if (findings.length)
    box.append(h('ul', { class: 'findings' }, findings.map(f => h('li', {},
      h('span', { class: `badge finding-${f.severity}` }, f.severity), ' ',
      h('span', { dir: 'auto' }, f.explanation || f.id),
      f.remediation ? h('p', { class: 'meta', dir: 'auto' }, t('posture.fix'), ' ', f.remediation)
        : null))));
  else box.append(h('p', { class: 'meta' }, t('posture.noFindings')));
  return box;
}

// the text diff of a detection: "--- before", "+++ after", "@@", then
// sentences prefixed "-", "+" or " "
function diffView(text) {
  const pre = h('div', { class: 'diff', role: 'group', 'aria-label': t('site.diff') });
  for (const line of String(text).split('\n')) {
    if (line === '' || line.startsWith('--- ') || line.startsWith('+++ ')) continue;
    if (line.startsWith('@@')) {
      pre.append(h('div', { class: 'hunk' }, '…'));
      continue;
    }
    const kind = line[0] === '-' ? 'del' : line[0] === '+' ? 'ins' : 'same';
    const mark = kind === 'del' ? t('site.removed') : kind === 'ins' ? t('site.added') : '';
    pre.append(h('div', { class: `line ${kind}` },
      h('span', { class: 'mark', 'aria-label': mark || undefined }, kind === 'same' ? ' ' : line[0]),
      h('span', { class: 'text', dir: 'auto' }, line.slice(1))));
  }
  return pre;
}

function featureValue(v) {
  if (v === null || v === undefined) return t('common.none');
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 300);
  return String(v).slice(0, 300);
}

const categoryName = c => (hasKey(`category.${c}`) ? t(`category.${c}`) : c);

// where a signal or an observation is on the page: its category, element
// and host, when the verdict names them
function where(s) {
  const parts = [];
  if (s.category) parts.push(h('span', { class: 'badge category', dataset: { category: s.category } },
                               categoryName(s.category)));
  if (s.element) parts.push(h('span', { class: 'where-element' }, t('site.obs.element'), ' ',
                              h('code', { dir: 'ltr' }, s.element)));
  if (s.host) parts.push(h('span', { class: 'where-host' }, t('site.obs.host'), ' ',
                           ltr(s.host, 'host')));
  if (!parts.length) return null;
  return h('span', { class: 'where meta' }, parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

// [{c: check, obs: [observation...]}] as one list, newest check first
function observationList(groups) {
  return h('ul', { class: 'observations' }, groups.flatMap(({ c, obs }) => obs.map(o =>
    h('li', { class: 'observation' }, timeEl(c.time), ' · ',
      h('span', { dir: 'auto', class: 'detail' }, o.detail || o.name || ''), ' ', where(o)))));
}

// Observations are the verdict's low-weight notes (a video, a map or an
// analytics tag added from a well-known service): recorded on the check,
// shown here apart from alarms, never an incident. The newest 50 of the
// checks on this page.
function observationsCard(checks) {
  const groups = [];
  let n = 0;
  for (const c of checks) {
    const obs = (c.detail && c.detail.verdict && c.detail.verdict.observations) || [];
    if (!obs.length || n >= 50) continue;
    groups.push({ c, obs: obs.slice(0, 50 - n) });
    n += obs.length;
  }
  if (!groups.length) return null;
  return h('section', { class: 'card', id: 'observations' }, h('h2', {}, t('site.observations')),
    h('p', { class: 'meta' }, t('site.observationsHint'), ' ',
      h('a', { href: '#/services', id: 'services-from-site' }, t('services.title'))),
    observationList(groups));
}

function detectionCard(c) {
  const d = c.detail;
  const box = h('section', { class: 'card detection', id: 'detection' },
    h('h2', {}, t('site.detection')),
    h('p', { class: 'meta' }, timeEl(c.time), ' · ', t('site.col.score'), ' ', num(c.score)));
  const signals = (d.verdict && d.verdict.signals) || [];
  if (signals.length)
    box.append(h('ul', { class: 'signals' }, signals.map(s => h('li', {},
      h('code', {}, s.name), ' ', h('span', { dir: 'auto' }, s.detail || ''),
      s.weight !== undefined ? h('span', { class: 'meta' }, ' (', num(s.weight), ')') : null,
      ' ', where(s)))));
  const seen = (d.verdict && d.verdict.observations) || [];
  if (seen.length)
    box.append(h('h3', {}, t('site.observations')), observationList([{ c, obs: seen }]));
  if (d.text_diff) box.append(h('h3', {}, t('site.diff')), diffView(d.text_diff));
  else box.append(h('p', { class: 'meta' }, t('site.noDiff')));
  if (d.before && d.after && typeof d.before === 'object') {
    const keys = [...new Set([...Object.keys(d.before), ...Object.keys(d.after)])];
    const rows = keys.map(k => {
      const b = featureValue(d.before[k]), a = featureValue(d.after[k]);
      return h('tr', { class: a === b ? '' : 'changed' }, h('th', { scope: 'row' }, ltr(k)),
        h('td', { dir: 'auto' }, b), h('td', { dir: 'auto' }, a));
    });
    box.append(h('details', {}, h('summary', {}, t('site.features')),
      table(['site.col.feature', 'site.col.before', 'site.col.after'], rows)));
  }
  return box;
}

function dnsCard(site, checks) {
  const box = h('section', { class: 'card', id: 'dns' }, h('h2', {}, t('site.dns')));
  const seen = checks.find(c => c.detail && c.detail.dns);
  if (seen) {
    const dns = seen.detail.dns;
    box.append(h('p', { class: 'meta' }, t('site.dnsSeen'), ' ', timeEl(seen.time)));
    const rows = DNS_TYPES.filter(k => dns[k]).map(k => h('tr', {},
      h('th', { scope: 'row' }, k.toUpperCase().replace('_', ' ')),
      h('td', {}, dns[k].status || ''),
      h('td', { dir: 'ltr', class: 'url' }, (dns[k].values || []).join(', ') || t('common.none'))));
    box.append(table(['site.col.type', 'site.col.status', 'site.col.values'], rows));
  }
  const exp = site.dns_expected;
  if (exp && typeof exp === 'object') {
    box.append(h('h3', {}, t(site.dns_declared ? 'site.dnsDeclared' : 'site.dnsLearned')));
    const rows = Object.keys(exp).filter(k => Array.isArray(exp[k]) || (exp[k] && exp[k].values))
      .map(k => h('tr', {}, h('th', { scope: 'row' }, k.toUpperCase().replace('_', ' ')),
        h('td', { dir: 'ltr', class: 'url' },
          (Array.isArray(exp[k]) ? exp[k] : exp[k].values).join(', ') || t('common.none'))));
    box.append(table(['site.col.type', 'site.col.values'], rows));
  }
  if (!seen && !(exp && typeof exp === 'object'))
    box.append(h('p', { class: 'empty' }, t('site.noDns')));
  return box;
}

function certCard(site, checks) {
  const box = h('section', { class: 'card', id: 'certificate' }, h('h2', {}, t('site.cert')));
  const seen = checks.find(c => c.detail && c.detail.fetch && c.detail.fetch.tls &&
                                c.detail.fetch.tls.cert);
  const exp = site.certificate;
  if (!seen && !exp) {
    box.append(h('p', { class: 'empty' }, t('site.noCert')));
    return box;
  }
  if (seen) {
    const tls = seen.detail.fetch.tls, c = tls.cert;
    box.append(h('dl', { class: 'facts' },
      field('site.cert.subject', ltr(c.subject || '')),
      field('site.cert.issuer', ltr(c.issuer || '')),
      field('site.cert.names', ltr((c.san_dns || []).join(', ') || t('common.none'))),
      field('site.cert.notBefore', when(epochIso(c.not_before_ms))),
      field('site.cert.notAfter', when(epochIso(c.not_after_ms))),
      field('site.cert.valid', yesNo(tls.cert_valid)),
      field('site.cert.tls', ltr(`${tls.version || ''} ${tls.cipher || ''}`)),
      field('site.cert.sha256', code(c.sha256 || ''))));
  }
  if (exp) {
    box.append(h('h3', {}, t('site.certExpected')), h('dl', { class: 'facts' },
      field('site.cert.issuer', ltr(exp.issuer || '')),
      field('site.cert.notAfter', when(epochIso(exp.not_after))),
      field('site.cert.sha256', code(exp.sha256 || ''))));
  }
  return box;
}

function changesCard(checks) {
  const items = [];
  for (const c of checks) {
    for (const ch of c.detail.dns_changes || [])
      items.push(h('li', {}, timeEl(c.time), ' · ', h('strong', {}, (ch.type || '').toUpperCase()),
        ' ', t('site.dnsChange', { was: ch.was || '', now: ch.now || '' }), ' ',
        (ch.added || []).length ? [h('span', { class: 'ins' }, '+ '), ltr(ch.added.join(', ')), ' '] : null,
        (ch.removed || []).length ? [h('span', { class: 'del' }, '− '), ltr(ch.removed.join(', '))] : null));
    const cc = c.detail.certificate_change;
    if (cc)
      items.push(h('li', {}, timeEl(c.time), ' · ',
        t(cc.renewal ? 'site.certRenewed' : 'site.certReplaced'), ' ',
        ltr((cc.after && cc.after.issuer) || '')));
  }
  return h('section', { class: 'card', id: 'history' }, h('h2', {}, t('site.history')),
    h('ul', { class: 'history' }, items));
}

/* -------------------------------------------------------------- organisation */

export async function viewOrg(view, id, host = view) {
  if (!isId(id)) return notFound(view, 'org.notFound', '#/orgs', 'org.back');
  const [org, contacts, assets, posture, sites, digests] = await Promise.all([
    maybe(`/api/v1/orgs/${id}`),
    maybe(`/api/v1/orgs/${id}/contacts`),
    maybe(`/api/v1/orgs/${id}/assets`),
    maybe(`/api/v1/orgs/${id}/posture`),
    maybe(withQuery('/api/v1/sites', { org_id: id, limit: 500 })),
    maybe(`/api/v1/orgs/${id}/digests`), // a newer server's; null when absent
  ]);
  if (!org) return notFound(view, 'org.notFound', '#/orgs', 'org.back');
  const siteOf = new Map((sites ? sites.items : []).map(s => [s.asset_id, s]));
  const gradeOf = new Map(((posture && posture.per_site) || []).map(p => [p.site, p.grade]));

  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/orgs' }, t('org.back'))),
    h('h1', { class: 'org-title' }, h('bdi', {}, org.name)),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('dl', { class: 'facts' },
        field('orgs.col.id', num(org.id)),
        field('orgs.col.province', org.province),
        field('orgs.col.sector', org.sector || t('common.none')),
        field('org.field.parent', org.parent
          ? h('a', { href: `#/orgs/${org.parent}` }, t('org.number', { id: num(org.parent) }))
          : t('common.none')),
        field('org.field.created', timeEl(org.created))),
        h('p', {}, h('a', { href: hashFor('/incidents', { org_id: org.id }), id: 'org-incidents',
                            class: 'button quiet' }, t('org.incidents')))),
      h('section', { class: 'card posture', id: 'org-posture' }, h('h2', {}, t('posture.title')),
        h('p', { class: 'grade-line' }, gradeBadge(posture && posture.grade)),
        posture && posture.grade ? null : h('p', { class: 'meta' }, t('posture.notYet')))));

  const contactRows = (contacts ? contacts.items : []).map(c => h('tr', {},
    h('td', { dir: 'auto' }, c.name), h('td', {}, ltr(c.email)), h('td', {}, ltr(c.phone || '')),
    h('td', { dir: 'auto' }, c.role || ''), h('td', {}, c.lang || ''),
    h('td', {}, c.pgp ? code(c.pgp) : t('common.none'))));
  const status = h('p', { class: 'status-line', role: 'status' });
  const reload = async note => {
    const fresh = h('div');
    await viewOrg(fresh, id, host);
    host.replaceChildren(...fresh.childNodes);
    const s = host.querySelector('.status-line');
    if (s && note) s.textContent = note;
  };
  view.append(status);
  view.append(h('section', { class: 'card', id: 'contacts' }, h('h2', {}, t('org.contacts')),
    table(['org.col.name', 'org.col.email', 'org.col.phone', 'org.col.role', 'org.col.lang',
           'org.col.pgp'], contactRows, 'org.noContacts'),
    CONTACT_ROLES.includes(session.me.role) ? contactForm(org, reload) : null));

  const assetRows = (assets ? assets.items : []).map(a => {
    const site = a.type === 'url' ? siteOf.get(a.id) : null;
    return h('tr', {},
      h('td', {}, t(`asset.${a.type}`)),
      h('td', { class: 'url', dir: 'ltr' }, site ? h('a', { href: `#/sites/${site.id}` }, a.value) : a.value),
      h('td', {}, site ? badge('state', site.state) : t('common.none')),
      h('td', {}, site ? gradeBadge(gradeOf.get(site.id)) : t('common.none')),
      h('td', {}, timeEl(a.created)));
  });
  view.append(h('section', { class: 'card', id: 'assets' }, h('h2', {}, t('org.assets')),
    table(['org.col.type', 'org.col.value', 'org.col.site', 'org.col.grade', 'org.col.added'],
          assetRows),
    ASSET_ROLES.includes(session.me.role) ? assetForm(org, reload) : null));

  if (digests) {
    const rows = (digests.items || []).map(d => h('tr', {},
      h('td', {}, d.feed || ''), h('td', { dir: 'ltr' }, d.period || ''),
      h('td', { class: 'num' }, num(d.events)), h('td', { class: 'num' }, num(d.hosts)),
      h('td', { class: 'num' }, num(d.mails)), h('td', {}, when(d.created))));
    view.append(h('section', { class: 'card', id: 'digests' }, h('h2', {}, t('org.digests')),
      table(['org.col.feed', 'org.col.period', 'feeds.col.events', 'feeds.col.hosts',
             'org.col.mails', 'org.col.sent'], rows, 'org.noDigests')));
  }
}

// add an asset (CERT staff): the server validates and canonicalises it
function assetForm(org, reload) {
  const type = select('type', ASSET_TYPES, 'domain', v => t(`asset.${v}`));
  const value = h('input', { name: 'value', required: true, maxlength: 500, dir: 'ltr',
                             placeholder: t('org.assetExample') });
  const out = formStatus();
  const form = h('form', { id: 'asset-form', class: 'filters' },
    labelled('org.col.type', type), labelled('org.col.value', value),
    h('button', { type: 'submit' }, t('org.add')));
  const url = `/api/v1/orgs/${org.id}/assets`;
  onSubmit(form, out, async () => {
    const body = { type: type.value, value: value.value.trim() };
    let a;
    try {
      a = await api('POST', url, body);
    } catch (e) {
      // An overlap with another organisation's asset: the server names it, and
      // those who may see that organisation may confirm it (it is audited).
      if (e.status !== 409 || e.field !== 'confirm_overlap') throw e;
      const confirm = h('button', { type: 'button', id: 'asset-confirm-overlap', class: 'danger' },
                        t('org.confirmOverlap'));
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          const c = await api('POST', url, { ...body, confirm_overlap: true });
          await reload(t('org.assetAdded', { value: c.value }));
        } catch (e2) {
          if (e2.status === 401) throw e2;
          showProblem(form, out, e2);
        }
      });
      out.replaceChildren(errorBox(e), confirm);
      return;
    }
    await reload(t('org.assetAdded', { value: a.value }));
  });
  return [h('h3', {}, t('org.addAsset')), h('p', { class: 'meta' }, t('org.assetHint')), form, out];
}

// add a contact (CERT staff, or the organisation's own constituent)
function contactForm(org, reload) {
  const input = (name, key, attrs) => labelled(key, h('input', { name, ...attrs }));
  const lang = h('select', { name: 'lang' }, h('option', { value: '' }, t('common.none')),
    ['fa', 'en'].map(l => h('option', { value: l }, t(`lang.${l}`))));
  const out = formStatus();
  const form = h('form', { id: 'contact-form', class: 'filters' },
    input('name', 'org.col.name', { required: true, maxlength: 127, dir: 'auto' }),
    input('email', 'org.col.email', { type: 'email', required: true, maxlength: 255, dir: 'ltr' }),
    input('phone', 'org.col.phone', { type: 'tel', maxlength: 63, dir: 'ltr' }),
    input('role', 'org.col.role', { maxlength: 63, dir: 'auto' }),
    labelled('org.col.lang', lang),
    input('pgp', 'org.col.pgp', { maxlength: 63, dir: 'ltr' }),
    h('button', { type: 'submit' }, t('org.add')));
  // the server is the judge of an address: no browser check that would hide its message
  form.noValidate = true;
  onSubmit(form, out, async () => {
    const f = new FormData(form), body = {};
    for (const k of ['name', 'email', 'phone', 'role', 'lang', 'pgp']) {
      const v = String(f.get(k) || '').trim();
      if (v || k === 'name' || k === 'email') body[k] = v;
    }
    const c = await api('POST', `/api/v1/orgs/${org.id}/contacts`, body);
    await reload(t('org.contactAdded', { name: c.name }));
  });
  return [h('h3', {}, t('org.addContact')), form, out];
}

/* ------------------------------------------------------------ a feed file */

export async function viewFeedFile(view, id) {
  if (!FEEDS_ROLES.includes(session.me.role)) {
    view.append(errorBox({ status: 403 }));
    return;
  }
  const f = isId(id) ? await maybe(`/api/v1/feeds/files/${id}`) : null;
  if (!f) return notFound(view, 'feedfile.notFound', '#/feeds', 'feedfile.back');
  const counts = ['rows', 'parsed', 'rejected', 'owners', 'new', 'duplicate', 'unowned', 'incidents'];
  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/feeds' }, t('feedfile.back'))),
    h('h1', {}, t('feedfile.title'), ' ', ltr(f.name || '')),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('dl', { class: 'facts' },
        field('feeds.col.feed', f.feed || ''),
        field('feedfile.type', ltr(f.type || '')),
        field('feeds.col.status', f.status || ''),
        f.error ? field('feedfile.error', h('span', { class: 'error', dir: 'auto' }, f.error)) : null,
        field('feedfile.source', `${f.source || ''} · ${f.actor || ''}`),
        field('feeds.col.received', when(f.received)),
        field('feedfile.finished', when(f.finished)),
        field('feedfile.sha256', code(f.sha256 || '')))),
      h('section', { class: 'card', id: 'counts' }, h('h2', {}, t('feedfile.counts')),
        h('dl', { class: 'facts counts' }, counts.map(k =>
          field(`feedfile.count.${k}`, num(f[k]), `count-${k}`))))));
  const rejects = f.rejects || [];
  const rows = rejects.map(r => h('tr', {},
    h('td', { class: 'num' }, num(r.line)), h('td', { dir: 'auto' }, r.reason)));
  view.append(h('section', { class: 'card', id: 'rejects' }, h('h2', {}, t('feedfile.rejects')),
    f.rejected > rejects.length ? h('p', { class: 'meta' },
      t('feedfile.firstRejects', { n: num(rejects.length), total: num(f.rejected) })) : null,
    table(['feedfile.col.line', 'feedfile.col.reason'], rows, 'feedfile.noRejects')));
}

/* ------------------------------------------------------ report an incident */

export async function viewReport(view) {
  const me = session.me;
  view.append(h('h1', {}, t('report.title')));
  const title = h('input', { name: 'title', required: true, maxlength: 255 });
  const summary = h('textarea', { name: 'summary', rows: 6, maxlength: 4095 });
  const severity = select('severity', SEVERITIES, 'medium', v => t(`severity.${v}`));
  const tlp = select('tlp', TLPS, 'AMBER', v => `TLP:${v}`);
  const org = me.org ? null : h('input', { name: 'org_id', type: 'number', min: 1, required: true });
  const status = h('p', { class: 'status-line', role: 'status' });
  const submit = h('button', { type: 'submit' }, t('report.submit'));
  const form = h('form', { class: 'card', id: 'report-form' },
    h('p', { class: 'meta' }, t(me.org ? 'report.hint' : 'report.hintStaff')),
    org ? labelled('report.org', org) : null,
    labelled('report.titleLabel', title),
    labelled('report.summary', summary),
    h('div', { class: 'filters' }, labelled('inc.severity', severity), labelled('inc.field.tlp', tlp)),
    h('div', { class: 'buttons' }, submit), status);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      const body = { org_id: me.org || parseInt(org.value, 10), title: title.value.trim(),
                     severity: severity.value, tlp: tlp.value };
      if (summary.value.trim()) body.summary = summary.value;
      const inc = await api('POST', '/api/v1/incidents', body);
      location.hash = `#/incidents/${inc.id}`;
    } catch (e) {
      submit.disabled = false;
      status.replaceChildren(errorBox(e));
    }
  });
  view.append(form);
}

/* ---------------------------------------------------- well-known services */

const SERVICE_CATEGORIES = ['video', 'maps', 'analytics', 'tagmanager', 'cdn', 'fonts', 'captcha',
                            'chat', 'social', 'payment', 'consent', 'accessibility', 'seal', 'translation',
                            'imagehost'];

// The list the website watch judges with (GET /api/v1/watch/services): a
// service met in its usual elements is an observation, not an alarm.
export async function viewServices(view, query) {
  const category = query.get('category') || '';
  const form = h('form', { class: 'filters card', id: 'services-filter' },
    labelled('services.category', select('category', SERVICE_CATEGORIES, category, categoryName, true)),
    h('button', { type: 'submit' }, t('common.filter')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = hashFor('/services', { category: new FormData(form).get('category') });
  });
  view.append(h('p', { class: 'crumbs' }, h('a', { href: '#/sites' }, t('site.back'))),
    h('h1', {}, t('services.title')), h('p', { class: 'meta' }, t('services.hint')), form);
  const list = await api('GET', withQuery('/api/v1/watch/services', { category }));
  const rows = list.items.map(s => h('tr', { class: 'service', dataset: { category: s.category } },
    h('td', { class: 'host' }, ltr(s.host + (s.path || ''))),
    h('td', {}, t(`services.match.${s.match}`)),
    h('td', {}, categoryName(s.category)),
    h('td', {}, h('bdi', { dir: 'ltr' }, s.roles.map((r, i) => [i ? ' ' : '', h('code', {}, r)]))),
    h('td', { dir: 'auto', class: 'name' }, s.name,
      s.user_content ? h('span', { class: 'meta' }, ' · ', t('services.userContent',
        { prefix: s.user_content.replace(/:\d+$/, '') })) : null)));
  view.append(h('p', { class: 'meta', id: 'services-origin' },
    t('services.origin', { origin: list.origin === 'built-in' ? t('services.builtin') : list.origin }),
    ' · ', t('services.count', { n: num(list.items.length) })),
    table(['services.col.host', 'services.col.match', 'services.col.category', 'services.col.roles',
           'services.col.name'], rows));
}
