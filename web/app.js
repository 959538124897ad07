// Parapet web interface: the analyst console and the constituent portal
// (one app; each person sees what the API returns to them). Hash routes:
//   #/dashboard  #/incidents?status=&severity=&q=&cursor=  #/incidents/ID
//   #/sites?state=&cursor=  #/feeds?by=&cursor=  #/orgs?offset=
//   #/sites/ID  #/orgs/ID  #/feeds/files/ID  #/report  #/admin  #/account
//   #/services?category=
//   #/advisories?status=&q=&cursor=  #/advisories/new  #/advisories/ID
//   #/advisories/ID/tracking  #/advisory-link/TOKEN (no login needed)
//   #/indicators?value=&contains=&type=&tlp=&status=&cursor=  #/indicators/ID
//   #/indicator-exports  #/indicator-import  #/warninglists
//   #/apps?status=&cursor=  #/apps/ID  #/apps/diff?a=&b=
//   #/flow?by=&direction=&host= (flow.js: DDoS, the flow collector's live view)
//   (pages.js, admin.js, advisories.js, indicators.js, indicator_exports.js,
//   indicator_import.js, apps.js)
// Every string comes from i18n.js; dates from format.js (Gregorian or
// Jalali). Uses only the public API, with the session cookie and CSRF token.
import { api, upload, setCsrf, withQuery } from './api.js';
import { t, getLang, getCalendar, setLang, setCalendar, applyDocumentLanguage, LANGS,
         CALENDARS } from './i18n.js';
import { num, timeEl, formatDay, parseJalaliDay } from './format.js';
import { barChart, columnChart } from './chart.js';
import { h, badge, table, errorBox, select, labelled, parseHash, hashFor, trails, pager, bytes,
         gradeBadge, session, isStaff, onSubmit, formStatus, STAFF, FEEDS_ROLES } from './ui.js';
import { viewSite, viewOrg, viewFeedFile, viewReport, viewServices } from './pages.js';
import { viewAdmin, viewAccount } from './admin.js';
import { viewAdvisories, viewAdvisory, viewAdvisoryLink } from './advisories.js';
import { viewIndicators, viewIndicator } from './indicators.js';
import { viewIndicatorExports } from './indicator_exports.js';
import { viewApps, viewApp } from './apps.js';
import { viewIndicatorImport, viewWarninglists } from './indicator_import.js';
import { viewFlow, trafficLink, openAttacksNow } from './flow.js';
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const STATUSES = ['new', 'triaged', 'in_progress', 'contained', 'recovered', 'closed', 'rejected',
                  'duplicate'];
const OPEN = ['new', 'triaged', 'in_progress', 'contained', 'recovered'];
const SITE_STATES = ['learning', 'ok', 'alert', 'down'];
// GET /api/v1/stats sites.by_condition
const CONDITIONS = ['ok', 'changed', 'defaced', 'dns_changed', 'down', 'learning'];
// legal moves (docs/openapi.yaml, transitionIncident)
const MOVES = {
  new: ['triaged', 'in_progress', 'rejected'],
  triaged: ['in_progress', 'contained', 'rejected'],
  in_progress: ['contained', 'recovered'],
  contained: ['recovered', 'in_progress'],
  recovered: ['closed', 'in_progress'],
  rejected: ['triaged'],
};
const PAGE = 50;

let me = null; // also session.me, for the other modules

/* ---------------------------------------------------------------- dashboard */

// The dashboard: from GET /api/v1/stats when the server has it, else by
// counting pages of the lists (capped: "500+").
async function viewDashboard(view) {
  let stats = null;
  // the open DDoS attacks, asked beside the stats (null: no tile, flow.js)
  const ddos = openAttacksNow();
  try {
    stats = await api('GET', '/api/v1/stats');
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  if (stats && stats.incidents) return dashboardFromStats(view, stats, await ddos);
  return dashboardByCounting(view);
}

function dashboardFromStats(view, stats, ddos) {
  const inc = stats.incidents, obj = o => o || {};
  const sev = obj(inc.open_by_severity), st = obj(inc.open_by_status);
  const prov = obj(inc.open_by_province), sites = obj(stats.sites && stats.sites.by_state);
  const sevChart = barChart(t('dash.openBySeverity'), SEVERITIES.map(s => ({
    label: t(`severity.${s}`), value: sev[s] || 0, display: String(sev[s] || 0), cls: `sev-${s}` })));
  const statusChart = barChart(t('dash.openByStatusOnly'), OPEN.map(s => ({
    label: t(`status.${s}`), value: st[s] || 0, display: String(st[s] || 0), cls: `status-${s}` })));
  const provinces = Object.entries(prov).sort((x, y) => y[1] - x[1]).slice(0, 15);
  const provChart = provinces.length ? barChart(t('dash.openByProvince'), provinces.map(([p, n]) => ({
    label: p || t('common.none'), value: n, display: String(n) }))) : h('p', { class: 'empty' }, t('common.empty'));
  // the sites by condition (a newer server's sites.by_condition), else by state
  const cond = stats.sites && stats.sites.by_condition;
  const siteTitle = t(cond ? 'dash.sitesByCondition' : 'dash.sitesByState');
  const siteChart = cond
    ? barChart(siteTitle, CONDITIONS.map(c => ({ label: t(`condition.${c}`), value: cond[c] || 0,
        display: String(cond[c] || 0), cls: `condition-${c}` })))
    : barChart(siteTitle, SITE_STATES.map(s => ({
        label: t(`state.${s}`), value: sites[s] || 0, display: String(sites[s] || 0),
        cls: `state-${s}` })));
  const days = Array.isArray(inc.opened_per_day) ? inc.opened_per_day : [];
  const perDay = columnChart(t('dash.openedPerDay'), days.map(d => ({
    label: formatDay(d.day), value: d.count || 0 })));
  const total = days.reduce((a, d) => a + (d.count || 0), 0);
  // a newer server: the incidents a detector opened (the website monitor,
  // the report feeds, flow detection), not people, per day
  const det = Array.isArray(inc.detections_per_day) ? inc.detections_per_day : null;
  const detChart = det && det.length ? columnChart(t('dash.detectionsPerDay'), det.map(d => ({
    label: formatDay(d.day), value: d.count || 0 }))) : null;
  const detToday = det ? (typeof inc.detections_today === 'number' ? inc.detections_today
    : det.length ? det[det.length - 1].count || 0 : 0) : null;
  const today = days.length ? days[days.length - 1].count || 0 : 0;
  const kpi = (key, value, href, id) => h('div', { class: 'kpi', id },
    h('span', { class: 'kpi-value' }, href ? h('a', { href }, num(value)) : num(value)),
    h('span', { class: 'kpi-label' }, t(key)));
  const feeds = stats.feeds;
  view.append(
    h('h1', {}, t('dash.title')),
    h('div', { class: 'kpis card' },
      kpi('dash.openTotal', Object.values(st).reduce((a, n) => a + (n || 0), 0),
          hashFor('/incidents', { status: OPEN.join(',') }), 'kpi-open'),
      kpi('dash.overdue', inc.overdue || 0, hashFor('/incidents', { overdue: 'true' }), 'kpi-overdue'),
      kpi('dash.openedToday', today, null, 'kpi-today'),
      kpi('dash.opened30', total, null, 'kpi-30d'),
      det ? kpi('dash.detectionsToday', detToday, null, 'kpi-detections-today') : null,
      ddos ? ddosTile(kpi, ddos) : null,
      feeds ? [kpi('dash.filesToday', feeds.files_today || 0, '#/feeds', 'kpi-files'),
               kpi('dash.eventsToday', feeds.events_today || 0),
               kpi('dash.digests30', feeds.digests_30d || 0),
               kpi('dash.ownersNotified30', feeds.owners_notified_30d || 0, null, 'kpi-owners')]
        : null),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, t('dash.openBySeverity')), sevChart),
      h('section', { class: 'card' }, h('h2', {}, t('dash.openByStatusOnly')), statusChart),
      h('section', { class: 'card' }, h('h2', {}, t('dash.openByProvince')), provChart),
      h('section', { class: 'card', id: cond ? 'sites-by-condition' : 'sites-by-state' },
        h('h2', {}, siteTitle), siteChart)),
    det ? h('section', { class: 'card', id: 'detections-per-day' },
      h('h2', {}, t('dash.detectionsPerDay')),
      detChart || h('p', { class: 'empty' }, t('common.empty'))) : null,
    h('section', { class: 'card', id: 'per-day' }, h('h2', {}, t('dash.openedPerDay')),
      days.length ? perDay : h('p', { class: 'empty' }, t('common.empty'))),
    periodCard(stats.indicators, kpi));
}

// "DDoS attacks now": the open attacks the reader may see, to the DDoS
// page; marked while there is one (the figure a night shift looks for)
function ddosTile(kpi, { count, more }) {
  const tile = kpi('dash.ddosNow', count, '#/flow', 'kpi-ddos');
  if (more) tile.querySelector('.kpi-value a').textContent = t('dash.atLeast', { n: num(count) });
  if (count) tile.classList.add('attacking');
  return tile;
}

// Issue 15: malware incidents countered and, for national staff, apps
// blacklisted, indicators added and sightings, over a period the user picks
// (GET /api/v1/stats?from&to; a newer server's stats.indicators).
function periodCard(ind, kpi) {
  if (!ind) return null;
  const DAY = 86400000, day = ms => new Date(ms).toISOString().slice(0, 10);
  const tiles = h('div', { class: 'kpis' });
  // (replaceChildren takes nodes, not arrays: the national figures spread)
  const fill = p => tiles.replaceChildren(
    kpi('dash.malwareCountered', p.malware_countered || 0, null, 'kpi-malware-countered'),
    ...('apps_blacklisted' in p ? [
      kpi('dash.appsBlacklisted', p.apps_blacklisted || 0, null, 'kpi-apps-blacklisted'),
      kpi('dash.indicatorsAdded', p.indicators_added || 0, null, 'kpi-indicators-added'),
      kpi('dash.sightings', p.sightings || 0, null, 'kpi-sightings')] : []));
  // the end date is shown inclusive: the API's "to" is the next midnight
  const from = h('input', { type: 'date', id: 'period-from', value: day(Date.parse(ind.from)) });
  const to = h('input', { type: 'date', id: 'period-to', value: day(Date.parse(ind.to) - 1) });
  const status = h('div', { role: 'status' });
  let asked = 0; // only the latest request's answer is shown
  const reload = async () => {
    if (!from.value || !to.value) return;
    const mine = ++asked;
    try {
      const s = await api('GET', withQuery('/api/v1/stats', {
        from: `${from.value}T00:00:00Z`, to: new Date(Date.parse(to.value) + DAY).toISOString() }));
      if (mine !== asked) return;
      status.replaceChildren();
      fill(s.indicators || {});
    } catch (e) {
      if (mine === asked) status.replaceChildren(errorBox(e));
    }
  };
  from.addEventListener('change', reload);
  to.addEventListener('change', reload);
  fill(ind);
  return h('section', { class: 'card', id: 'period-counts' }, h('h2', {}, t('dash.period')),
    h('div', { class: 'filters' }, labelled('dash.periodFrom', from), labelled('dash.periodTo', to)),
    status, tiles);
}

async function dashboardByCounting(view) {
  // one page (the largest the API gives) per severity: the open incidents of
  // that severity, counted by status; "500+" when there are more
  const pages = await Promise.all([
    ...SEVERITIES.map(s => api('GET', withQuery('/api/v1/incidents',
      { status: OPEN.join(','), severity: s, limit: 500 }))),
    api('GET', withQuery('/api/v1/sites', { limit: 500 })),
  ]);
  const bySev = {}, cell = {};
  SEVERITIES.forEach((s, i) => {
    bySev[s] = { n: pages[i].items.length, more: !!pages[i].next };
    for (const st of OPEN) cell[`${st}/${s}`] = 0;
    for (const inc of pages[i].items) cell[`${inc.status}/${s}`] = (cell[`${inc.status}/${s}`] || 0) + 1;
  });
  const shown = (n, more) => (more ? t('dash.atLeast', { n }) : String(n));
  const sites = pages[SEVERITIES.length];
  const byState = Object.fromEntries(SITE_STATES.map(s => [s, 0]));
  for (const site of sites.items) byState[site.state] = (byState[site.state] || 0) + 1;

  const sevChart = barChart(t('dash.openBySeverity'), SEVERITIES.map(s => ({
    label: t(`severity.${s}`), value: bySev[s].n, display: shown(bySev[s].n, bySev[s].more),
    cls: `sev-${s}` })));
  const siteChart = barChart(t('dash.sitesByState'), SITE_STATES.map(s => ({
    label: t(`state.${s}`), value: byState[s], display: shown(byState[s], !!sites.next),
    cls: `state-${s}` })));

  const link = (params, text) => h('a', { href: hashFor('/incidents', params) }, text);
  const rows = OPEN.map(st => h('tr', {},
    h('th', { scope: 'row' }, badge('status', st)),
    SEVERITIES.map(s => h('td', { class: 'num' },
      link({ status: st, severity: s }, num(cell[`${st}/${s}`])))),
    h('td', { class: 'num' }, link({ status: st },
      num(SEVERITIES.reduce((a, s) => a + cell[`${st}/${s}`], 0))))));
  view.append(
    h('h1', {}, t('dash.title')),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, t('dash.openBySeverity')), sevChart),
      h('section', { class: 'card' }, h('h2', {}, t('dash.sitesByState')), siteChart)),
    h('section', { class: 'card' }, h('h2', {}, t('dash.openByStatus')),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dash.status')),
          SEVERITIES.map(s => h('th', { scope: 'col', class: 'num' }, badge('severity', s))),
          h('th', { scope: 'col', class: 'num' }, t('dash.total')))),
        h('tbody', {}, rows)))));
}

/* ---------------------------------------------------------------- incidents */

// the list's filters as kept in the hash (a bookmark): the API's query
// parameters, the date range as days (YYYY-MM-DD, the reader's time zone)
const ID_FILTERS = ['org_id', 'assignee', 'team'];
const TEXT_FILTERS = ['province', 'class'];
const DAY_FILTERS = ['created_from', 'created_to', 'updated_from', 'updated_to'];
const SOURCES = ['monitor', 'feed', 'flow', 'report', 'manual'];
const isDay = v => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(new Date(`${v}T00:00:00`).getTime());

function incidentFilters(query) {
  const f = { status: query.get('status') || '', severity: query.get('severity') || '',
              q: query.get('q') || '',
              overdue: query.get('overdue') === 'true' ? 'true' : '',
              // the API sorts by last update only: newest (default) or oldest first
              order: query.get('order') === 'oldest' ? 'oldest' : '' };
  for (const k of ID_FILTERS) f[k] = /^\d+$/.test(query.get(k) || '') ? query.get(k) : '';
  for (const k of TEXT_FILTERS) f[k] = (query.get(k) || '').trim();
  f.source = SOURCES.includes(query.get('source')) ? query.get('source') : '';
  for (const k of DAY_FILTERS) f[k] = isDay(query.get(k) || '') ? query.get(k) : '';
  return f;
}

// the hash's days as the API's ISO 8601 times: "from" the start of the day,
// "to" its last second, in the reader's time zone
function apiFilters(f) {
  const out = { ...f };
  const iso = d => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const k of DAY_FILTERS) {
    if (!f[k]) continue;
    const d = new Date(`${f[k]}T00:00:00`);
    if (k.endsWith('_to')) { d.setDate(d.getDate() + 1); d.setSeconds(d.getSeconds() - 1); }
    out[k] = iso(d);
  }
  return out;
}

async function viewIncidents(view, query) {
  const filters = incidentFilters(query);
  const cursor = query.get('cursor') || '';
  const statusValues = ['open', ...STATUSES];
  const who = isStaff() ? await people() : { users: [], teams: [] };
  const idSelect = (name, items, labelOf) => {
    const cur = filters[name];
    const list = [...items];
    if (cur && !list.some(x => String(x.id) === cur)) list.push({ id: Number(cur), missing: true });
    return h('select', { name }, h('option', { value: '' }, t('common.all')),
      list.map(x => h('option', { value: x.id, selected: String(x.id) === cur }, labelOf(x))));
  };
  // the days: the browser's (Gregorian) date picker, or in the Jalali
  // calendar a Solar Hijri text field (the hash keeps the Gregorian day)
  const jalali = getCalendar() === 'jalali';
  const dayInput = name => (jalali
    ? h('input', { name, type: 'text', value: filters[name] ? formatDay(filters[name]) : '',
                   class: 'day jalali', dir: 'ltr', inputmode: 'numeric', maxlength: 12,
                   autocomplete: 'off', placeholder: t('inc.jalaliHint') })
    : h('input', { name, type: 'date', value: filters[name], class: 'day' }));
  const more = h('details', { class: 'more-filters', id: 'more-filters',
    open: [...TEXT_FILTERS, 'source', 'assignee', 'team', ...DAY_FILTERS].some(k => filters[k]) },
    h('summary', {}, t('inc.moreFilters')),
    h('div', { class: 'filters' },
      labelled('inc.province', h('input', { name: 'province', value: filters.province,
                                            maxlength: 63, dir: 'auto' })),
      labelled('inc.class', h('input', { name: 'class', value: filters.class, maxlength: 47,
                                         dir: 'ltr', placeholder: t('inc.classHint') })),
      labelled('inc.source', select('source', SOURCES, filters.source, v => t(`source.${v}`), true)),
      isStaff() ? [
        labelled('inc.assignee', idSelect('assignee', who.users, u => u.missing
          ? t('common.user', { id: num(u.id) }) : u.id === me.id ? t('inc.meSuffix', { login: u.login })
          : u.login)),
        labelled('inc.team', idSelect('team', who.teams, tm => tm.missing
          ? t('inc.teamNumber', { id: num(tm.id) }) : tm.name)),
      ] : null),
    h('fieldset', { class: 'filters dates' }, h('legend', {}, t('inc.createdRange')),
      labelled('inc.from', dayInput('created_from')), labelled('inc.to', dayInput('created_to'))),
    h('fieldset', { class: 'filters dates' }, h('legend', {}, t('inc.updatedRange')),
      labelled('inc.from', dayInput('updated_from')), labelled('inc.to', dayInput('updated_to'))));
  const form = h('form', { class: 'filters card incident-filters', id: 'incident-filters',
                           role: 'search' },
    labelled('inc.status', select('status', statusValues,
      filters.status === OPEN.join(',') ? 'open' : filters.status, v => t(`status.${v}`), true)),
    labelled('inc.severity', select('severity', SEVERITIES, filters.severity,
      v => t(`severity.${v}`), true)),
    labelled('inc.search', h('input', { name: 'q', type: 'search', value: filters.q,
                                        placeholder: t('inc.searchHint'), maxlength: 500 })),
    labelled('inc.sort', select('order', ['newest', 'oldest'], filters.order || 'newest',
      v => t(`inc.order.${v}`))),
    h('button', { type: 'submit' }, t('common.filter')),
    h('a', { href: '#/incidents', class: 'button quiet', id: 'clear-filters' }, t('inc.clearFilters')),
    more);
  const out = formStatus();
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const get = k => String(f.get(k) || '').trim();
    const status = get('status') === 'open' ? OPEN.join(',') : get('status');
    const next = { status, severity: get('severity'), q: get('q'), org_id: filters.org_id,
                   overdue: filters.overdue, order: get('order') === 'oldest' ? 'oldest' : '' };
    for (const k of [...TEXT_FILTERS, 'source', ...DAY_FILTERS]) next[k] = get(k);
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    out.replaceChildren();
    if (jalali) {
      for (const k of DAY_FILTERS) {
        const r = parseJalaliDay(get(k));
        if (r.error) {
          const ctl = form.querySelector(`[name="${k}"]`);
          more.open = true;
          out.replaceChildren(h('p', { class: 'error', role: 'alert' },
            h('span', { class: 'problem-message' }, r.error)));
          ctl.setAttribute('aria-invalid', 'true');
          ctl.setAttribute('aria-describedby', out.id);
          ctl.focus();
          return;
        }
        next[k] = r.day;
      }
    }
    for (const k of ['assignee', 'team']) next[k] = isStaff() ? get(k) : filters[k];
    location.hash = hashFor('/incidents', next);
  });
  view.append(h('h1', {}, t('inc.title')), form, out);
  // filters set by links (an organisation's page, the dashboard's SLA count)
  const narrowed = [];
  if (filters.org_id) narrowed.push(t('inc.onlyOrg', { id: num(filters.org_id) }));
  if (filters.overdue) narrowed.push(t('inc.onlyOverdue'));
  if (narrowed.length)
    view.append(h('p', { class: 'narrowed' }, narrowed.join(' · '), ' ',
      h('a', { href: hashFor('/incidents', { ...filters, org_id: '', overdue: '' }) },
        t('inc.clearNarrow'))));
  if (!isStaff() && me.org)
    view.append(h('p', {}, h('a', { href: '#/report', class: 'button', id: 'report-link' },
                             t('report.title'))));

  const page = await api('GET', withQuery('/api/v1/incidents',
    { ...apiFilters(filters), cursor, limit: PAGE }));
  const rows = page.items.map(inc => h('tr', { class: `sev-row-${inc.severity}` },
    h('td', { class: 'num' }, h('a', { href: `#/incidents/${inc.id}` },
      t('inc.number', { id: num(inc.id) }))),
    h('td', { dir: 'auto' }, h('a', { href: `#/incidents/${inc.id}`, class: 'incident-link' },
                                  inc.title)),
    h('td', {}, inc.org_name),
    h('td', {}, badge('severity', inc.severity)),
    h('td', {}, badge('status', inc.status)),
    h('td', { class: 'num' }, num(inc.observations)),
    h('td', {}, timeEl(inc.updated))));
  const list = table(['inc.col.id', 'inc.col.title', 'inc.col.org', 'inc.col.severity',
                       'inc.col.status', 'inc.col.obs', 'inc.col.updated'], rows);
  // the column the list is sorted by (not with a search: newest matching text first)
  const updated = list.querySelectorAll('thead th')[6];
  if (updated && !filters.q) {
    updated.setAttribute('aria-sort', filters.order === 'oldest' ? 'ascending' : 'descending');
    updated.append(' ', h('span', { 'aria-hidden': 'true', class: 'sort-mark' },
                          filters.order === 'oldest' ? '▲' : '▼'));
  }
  view.append(list, pager('incidents', filters, cursor, page.next));
}

// view: where to draw; host: the element on the page that a reload (after an
// action) redraws, which is view itself unless this is the reload's drawing
async function viewIncident(view, id, host = view) {
  if (!/^\d+$/.test(id)) {
    view.append(h('h1', { id: 'not-found' }, t('inc.notFound')));
    return;
  }
  let inc, messages, transitions;
  try {
    [inc, messages, transitions] = await Promise.all([
      api('GET', `/api/v1/incidents/${id}`),
      api('GET', `/api/v1/incidents/${id}/messages`),
      api('GET', `/api/v1/incidents/${id}/transitions`),
    ]);
  } catch (e) {
    if (e.status !== 404) throw e;
    view.append(h('h1', { id: 'not-found' }, t('inc.notFound')),
                h('p', {}, h('a', { href: '#/incidents' }, t('inc.back'))));
    return;
  }
  const who = isStaff() ? await people() : { users: [], teams: [] };
  const loginOf = new Map(who.users.map(u => [u.id, u.login]));
  const teamOf = new Map(who.teams.map(tm => [tm.id, tm.name]));
  const status = h('p', { class: 'status-line', role: 'status' });
  const reload = async note => {
    const fresh = h('div');
    await viewIncident(fresh, id, host);
    host.replaceChildren(...fresh.childNodes);
    const s = host.querySelector('.status-line');
    if (s && note) s.textContent = note;
  };

  const overdue = inc.sla.acknowledge_overdue || inc.sla.contain_overdue;
  const field = (key, value, cls) => [h('dt', {}, t(key)), h('dd', { class: cls }, value)];
  const assignee = inc.assignee === null ? t('inc.unassigned')
    : inc.assignee === me.id ? t('common.me')
    : loginOf.has(inc.assignee) ? h('bdi', {}, loginOf.get(inc.assignee))
    : t('common.user', { id: num(inc.assignee) });
  const team = inc.team === null ? t('inc.noTeam')
    : teamOf.has(inc.team) ? h('bdi', {}, teamOf.get(inc.team)) : t('inc.teamNumber', { id: num(inc.team) });
  const incLink = n => h('a', { href: `#/incidents/${n}` }, t('inc.number', { id: num(n) }));
  view.append(
    h('p', { class: 'crumbs' }, h('a', { href: '#/incidents' }, t('inc.back'))),
    h('h1', { class: 'incident-title' }, t('inc.number', { id: num(inc.id) }), ' ',
      h('bdi', {}, inc.title)),
    h('div', { class: 'grid' },
      h('section', { class: 'card' },
        h('dl', { class: 'facts' },
          field('inc.field.status', badge('status', inc.status), 'field-status'),
          field('inc.field.severity', badge('severity', inc.severity)),
          field('inc.field.org', inc.org_name),
          field('inc.field.province', inc.province),
          field('inc.field.tlp', h('span', { class: `tlp tlp-${inc.tlp.toLowerCase()}` },
                                    `TLP:${inc.tlp}`)),
          field('inc.field.observations', num(inc.observations), 'field-observations'),
          field('inc.field.opened', timeEl(inc.opened)),
          field('inc.field.updated', timeEl(inc.updated)),
          field('inc.field.assignee', assignee, 'field-assignee'),
          isStaff() ? field('inc.field.team', team, 'field-team') : null,
          inc.merged_into ? field('inc.field.mergedInto', incLink(inc.merged_into), 'field-merged')
            : null,
          field('inc.field.class', `${inc.class} / ${inc.type}`),
          field('inc.field.sla', h('span', { class: overdue ? 'overdue' : '' },
                                   t(overdue ? 'inc.slaOverdue' : 'inc.slaOk')))),
        inc.summary ? h('p', { class: 'summary', dir: 'auto' }, inc.summary) : null),
      isStaff() ? actions(inc, status, reload, who) : null),
    status);
  if (isStaff()) view.append(editCard(inc, reload), linksCard(inc, reload, incLink));

  // the timeline: messages and state changes, oldest first
  const events = [
    ...messages.items.map(m => ({ time: m.time, m })),
    ...transitions.items.map(tr => ({ time: tr.time, tr })),
  ].sort((a, b) => String(a.time).localeCompare(String(b.time)));
  const items = events.map(ev => {
    if (ev.tr)
      return h('li', { class: 'event transition' },
        h('p', {}, t('inc.transition', { from: t(`status.${ev.tr.from}`), to: t(`status.${ev.tr.to}`) })),
        h('p', { class: 'meta' }, h('bdi', {}, ev.tr.actor), ' · ', timeEl(ev.tr.time)));
    const m = ev.m;
    return h('li', { class: `event message ${m.visibility}`, dataset: { visibility: m.visibility } },
      h('p', { class: 'meta' },
        h('span', { class: `visibility ${m.visibility}` },
          t(m.visibility === 'internal' ? 'inc.internal' : 'inc.shared')),
        ' · ', h('bdi', { class: 'author' }, m.author), ' · ', timeEl(m.time)),
      h('p', { class: 'body', dir: 'auto' }, m.body));
  });
  view.append(h('section', { class: 'card timeline' }, h('h2', {}, t('inc.timeline')),
    items.length ? h('ol', { class: 'events' }, items) : h('p', { class: 'empty' }, t('inc.noMessages'))));

  // write: shared message (everyone) or internal note (staff)
  const body = h('textarea', { name: 'body', rows: 4, required: true, maxlength: 65536 });
  const form = h('form', { class: 'card reply', id: 'reply-form' },
    h('h2', {}, t('inc.reply')),
    h('label', {}, h('span', {}, t('inc.body')), body),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', name: 'visibility', value: 'shared', id: 'send-shared' },
        t(isStaff() ? 'inc.sendShared' : 'inc.send')),
      isStaff() ? h('button', { type: 'submit', name: 'visibility', value: 'internal',
                                id: 'send-internal', class: 'internal' }, t('inc.sendInternal'))
        : null));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const visibility = ev.submitter && ev.submitter.value === 'internal' ? 'internal' : 'shared';
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      await api('POST', `/api/v1/incidents/${id}/messages`, { body: body.value, visibility });
      await reload(t('inc.sent'));
    } catch (e) {
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      status.replaceChildren(errorBox(e));
    }
  });
  view.append(form);
  await incidentFiles(view, inc, reload, status);
}

// observations (what the detectors reported) and evidence files
async function incidentFiles(view, inc, reload, status) {
  const [obs, ev] = await Promise.all([
    api('GET', `/api/v1/incidents/${inc.id}/observations`),
    api('GET', `/api/v1/incidents/${inc.id}/evidence`),
  ]);
  // a ddos incident: its host's traffic, one click away, beside the facts
  const traffic = trafficLink(inc, obs.items);
  if (traffic) view.querySelector('dl.facts').after(traffic);
  const obsItems = obs.items.map(o => h('li', { class: 'observation' },
    h('p', { class: 'meta' }, badge('severity', o.severity), ' · ', timeEl(o.time)),
    h('p', { class: 'body', dir: 'auto' }, o.summary),
    o.evidence && Object.keys(o.evidence).length
      ? h('details', {}, h('summary', {}, t('inc.obsEvidence')),
          h('pre', { class: 'json', dir: 'ltr' }, JSON.stringify(o.evidence, null, 2)))
      : null));
  view.append(h('section', { class: 'card', id: 'observations' }, h('h2', {}, t('inc.observations')),
    obsItems.length ? h('ol', { class: 'events' }, obsItems)
      : h('p', { class: 'empty' }, t('inc.noObservations'))));

  const rows = ev.items.map(e => h('tr', { class: `evidence ${e.visibility}` },
    h('td', {}, h('a', { href: e.download || `/api/v1/incidents/${inc.id}/evidence/${e.id}`,
                         download: e.name, class: 'evidence-link' }, h('bdi', {}, e.name))),
    h('td', { class: 'num' }, bytes(e.size)),
    h('td', {}, h('code', { class: 'hash sha256', dir: 'ltr' }, e.sha256)),
    h('td', {}, h('span', { class: `visibility ${e.visibility}` },
      t(e.visibility === 'internal' ? 'inc.internal' : 'inc.shared'))),
    h('td', {}, h('bdi', {}, e.author)), h('td', {}, timeEl(e.time))));
  const file = h('input', { type: 'file', name: 'file', required: true, id: 'evidence-file' });
  const vis = isStaff() ? select('visibility', ['shared', 'internal'], 'shared',
    v => t(v === 'internal' ? 'inc.internal' : 'inc.shared')) : null;
  const send = h('button', { type: 'submit' }, t('inc.attach'));
  const form = h('form', { id: 'evidence-form', class: 'filters' },
    labelled('inc.file', file), vis ? labelled('inc.visibility', vis) : null, send);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) return;
    send.disabled = true;
    try {
      await upload(withQuery(`/api/v1/incidents/${inc.id}/evidence`,
        { name: f.name, visibility: vis ? vis.value : undefined }), f);
      await reload(t('inc.attached', { name: f.name }));
    } catch (err) {
      send.disabled = false;
      status.replaceChildren(errorBox(err));
    }
  });
  view.append(h('section', { class: 'card', id: 'evidence' }, h('h2', {}, t('inc.evidence')),
    table(['inc.col.file', 'inc.col.size', 'inc.col.sha256', 'inc.col.visibility',
           'inc.col.author', 'inc.col.time'], rows, 'inc.noEvidence'),
    h('h3', {}, t('inc.attachTitle')), form));
}

// Who an incident can be assigned to, from what the caller may list: an
// admin every active CERT staff user (GET /api/v1/users); other staff
// themselves and the members of the teams (GET /api/v1/teams).
async function people() {
  const [teams, users] = await Promise.all([
    api('GET', '/api/v1/teams').catch(() => ({ items: [] })),
    me.role === 'admin' ? api('GET', '/api/v1/users').catch(() => null) : null,
  ]);
  let list;
  if (users) {
    list = users.items.filter(u => STAFF.includes(u.role) && !u.disabled);
  } else {
    const byId = new Map([[me.id, { id: me.id, login: me.login }]]);
    for (const tm of teams.items) for (const u of tm.members || []) byId.set(u.id, u);
    list = [...byId.values()];
  }
  list.sort((x, y) => x.login.localeCompare(y.login));
  return { users: list, teams: teams.items };
}

function actions(inc, status, reload, who) {
  const box = h('section', { class: 'card actions' }, h('h2', {}, t('inc.actions')));
  const run = async (button, fn, note) => {
    button.disabled = true;
    try {
      await fn();
      await reload(note);
    } catch (e) {
      button.disabled = false;
      status.replaceChildren(errorBox(e));
    }
  };
  const moves = h('div', { class: 'buttons' });
  for (const to of MOVES[inc.status] || []) {
    const b = h('button', { type: 'button', class: `move move-${to}`, dataset: { to } },
                t('inc.moveTo', { status: t(`status.${to}`) }));
    b.addEventListener('click', () => run(b,
      () => api('POST', `/api/v1/incidents/${inc.id}/transitions`, { to }),
      t('inc.moved', { status: t(`status.${to}`) })));
    moves.append(b);
  }
  box.append(moves);
  if (inc.assignee !== me.id) {
    const b = h('button', { type: 'button', id: 'assign-me', class: 'quiet' }, t('inc.assignMe'));
    // the team is kept: AssignRequest clears an absent one
    b.addEventListener('click', () => run(b,
      () => api('POST', `/api/v1/incidents/${inc.id}/assign`,
                inc.team ? { user: me.id, team: inc.team } : { user: me.id }),
      t('inc.assigned')));
    box.append(h('div', { class: 'buttons' }, b));
  }

  // assign to anyone the caller may list, and a team
  const users = [...who.users];
  if (inc.assignee !== null && !users.some(u => u.id === inc.assignee))
    users.push({ id: inc.assignee, login: t('common.user', { id: num(inc.assignee) }) });
  const userSel = h('select', { name: 'user' }, h('option', { value: '' }, t('inc.unassigned')),
    users.map(u => h('option', { value: u.id, selected: u.id === inc.assignee },
      u.id === me.id ? t('inc.meSuffix', { login: u.login }) : u.login)));
  const teams = [...who.teams];
  if (inc.team !== null && !teams.some(tm => tm.id === inc.team))
    teams.push({ id: inc.team, name: t('inc.teamNumber', { id: num(inc.team) }) });
  const teamSel = h('select', { name: 'team' }, h('option', { value: '' }, t('inc.noTeam')),
    teams.map(tm => h('option', { value: tm.id, selected: tm.id === inc.team }, tm.name)));
  const out = formStatus();
  const form = h('form', { id: 'assign-form', class: 'filters' },
    labelled('inc.assignUser', userSel), labelled('inc.assignTeam', teamSel),
    h('button', { type: 'submit' }, t('inc.assignSubmit')));
  onSubmit(form, out, async () => {
    const body = {}; // an absent one is cleared
    if (userSel.value) body.user = Number(userSel.value);
    if (teamSel.value) body.team = Number(teamSel.value);
    await api('POST', `/api/v1/incidents/${inc.id}/assign`, body);
    await reload(t('inc.assignDone'));
  });
  box.append(h('h3', {}, t('inc.assignTitle')), form, out);
  return box;
}

// edit the title, summary, severity and TLP (CERT staff): PATCH with the
// fields that changed only (absent ones keep their value)
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
function editCard(inc, reload) {
  const title = h('input', { name: 'title', value: inc.title, maxlength: 255, dir: 'auto' });
  const summary = h('textarea', { name: 'summary', rows: 4, maxlength: 4095, dir: 'auto' });
  summary.value = inc.summary || '';
  const severity = select('severity', SEVERITIES, inc.severity, v => t(`severity.${v}`));
  const tlp = select('tlp', TLPS, inc.tlp, v => `TLP:${v}`);
  const out = formStatus();
  const form = h('form', { id: 'edit-form' },
    h('div', { class: 'filters' }, labelled('inc.editTitle', title)),
    h('label', {}, h('span', {}, t('inc.editSummary')), ' ', summary),
    h('div', { class: 'filters' }, labelled('inc.editSeverity', severity),
      labelled('inc.editTlp', tlp), h('button', { type: 'submit' }, t('inc.editSave'))));
  // the server is the judge (its message is shown at the field it names)
  form.noValidate = true;
  onSubmit(form, out, async () => {
    const body = {};
    if (title.value.trim() !== inc.title) body.title = title.value.trim();
    if (summary.value !== (inc.summary || '')) body.summary = summary.value;
    if (severity.value !== inc.severity) body.severity = severity.value;
    if (tlp.value !== inc.tlp) body.tlp = tlp.value;
    if (!Object.keys(body).length) {
      out.textContent = t('inc.editNothing');
      return;
    }
    await api('PATCH', `/api/v1/incidents/${inc.id}`, body);
    await reload(t('inc.edited'));
  });
  return h('details', { class: 'card edit-incident', id: 'edit-incident' },
    h('summary', {}, h('h2', { class: 'inline' }, t('inc.edit'))), form, out);
}

// related incidents: the links, "relate to" and "merge into"
function linksCard(inc, reload, incLink) {
  const links = inc.links || [];
  const box = h('section', { class: 'card', id: 'links' }, h('h2', {}, t('inc.links')),
    links.length ? h('ul', { class: 'links' }, links.map(l => h('li', { class: `link link-${l.kind}` },
      incLink(l.incident), ' · ', t(`link.${l.kind}`))))
      : h('p', { class: 'empty' }, t('inc.noLinks')));
  const numberInput = name => h('input', { name, type: 'number', min: 1, required: true,
                                           inputmode: 'numeric', class: 'number' });
  const linkIn = numberInput('incident'), linkOut = formStatus();
  const linkForm = h('form', { id: 'link-form', class: 'filters' },
    labelled('inc.linkLabel', linkIn), h('button', { type: 'submit' }, t('inc.linkSubmit')));
  onSubmit(linkForm, linkOut, async () => {
    const other = Number(linkIn.value);
    await api('POST', `/api/v1/incidents/${inc.id}/links`, { incident: other });
    await reload(t('inc.linked', { id: num(other) }));
  });
  box.append(linkForm, linkOut);
  if (!['closed', 'duplicate'].includes(inc.status)) {
    const mergeIn = numberInput('into'), mergeOut = formStatus();
    const mergeForm = h('form', { id: 'merge-form', class: 'filters' },
      labelled('inc.mergeLabel', mergeIn),
      h('button', { type: 'submit', class: 'danger' }, t('inc.mergeSubmit')));
    onSubmit(mergeForm, mergeOut, async () => {
      const into = Number(mergeIn.value);
      await api('POST', `/api/v1/incidents/${inc.id}/merge`, { into });
      await reload(t('inc.merged', { id: num(into) }));
    });
    box.append(h('h3', {}, t('inc.mergeTitle')), h('p', { class: 'meta' }, t('inc.mergeHint')),
               mergeForm, mergeOut);
  }
  return box;
}

/* -------------------------------------------------------------------- sites */

async function viewSites(view, query) {
  const filters = { state: query.get('state') || '' };
  const cursor = query.get('cursor') || '';
  const form = h('form', { class: 'filters card' },
    labelled('sites.state', select('state', SITE_STATES, filters.state, v => t(`state.${v}`), true)),
    h('button', { type: 'submit' }, t('common.filter')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    location.hash = hashFor('/sites', { state: new FormData(form).get('state') });
  });
  view.append(h('h1', {}, t('sites.title')), form,
    h('p', {}, h('a', { href: '#/services', id: 'services-link' }, t('services.link'))));
  const page = await api('GET', withQuery('/api/v1/sites', { ...filters, cursor, limit: PAGE }));
  // posture grades: one request per organisation on the page (at most 10),
  // filled in once they arrive
  const gradeCells = new Map();
  const rows = page.items.map(s => h('tr', {},
    h('td', { class: 'url', dir: 'ltr' }, h('a', { href: `#/sites/${s.id}`, class: 'site-link' }, s.url)),
    h('td', {}, s.org_name || ''),
    h('td', {}, badge('state', s.state), s.enabled ? null : [' ', h('span', { class: 'badge' },
                                                                      t('sites.paused'))]),
    h('td', {}, timeEl(s.last_check)),
    h('td', { class: 'num' }, num(s.checks)),
    h('td', {}, s.incident ? h('a', { href: `#/incidents/${s.incident}` },
                                t('inc.number', { id: num(s.incident) })) : t('common.none')),
    (() => { const td = h('td', { class: 'grade-cell' }, t('common.none'));
             gradeCells.set(s.id, td); return td; })()));
  view.append(table(['sites.col.url', 'sites.col.org', 'sites.col.state', 'sites.col.lastCheck',
                     'sites.col.checks', 'sites.col.incident', 'sites.col.grade'], rows),
              pager('sites', filters, cursor, page.next));
  const orgs = [...new Set(page.items.map(s => s.org_id))].slice(0, 10);
  for (const org of orgs)
    api('GET', `/api/v1/orgs/${org}/posture`).then(p => {
      for (const g of p.per_site || [])
        if (gradeCells.has(g.site)) gradeCells.get(g.site).replaceChildren(gradeBadge(g.grade));
    }).catch(() => { /* the grade stays "—" */ });
}

/* -------------------------------------------------------------------- feeds */

async function viewFeeds(view, query) {
  if (!FEEDS_ROLES.includes(me.role)) {
    view.append(errorBox({ status: 403 }));
    return;
  }
  const by = query.get('by') === 'prefix' ? 'prefix' : 'asn';
  const cursor = query.get('cursor') || '';
  const [files, unowned] = await Promise.all([
    api('GET', withQuery('/api/v1/feeds/files', { cursor, limit: PAGE })),
    api('GET', withQuery('/api/v1/feeds/unowned', { by })),
  ]);
  const fileRows = files.items.map(f => h('tr', {},
    h('td', {}, h('a', { href: `#/feeds/files/${f.id}`, class: 'file-link' }, h('bdi', {}, f.name || f.id))),
    h('td', {}, f.feed || f.type || ''), h('td', {}, f.status || ''),
    h('td', {}, timeEl(f.received)),
    ...['rows', 'rejected', 'owners', 'new', 'unowned'].map(k => h('td', { class: 'num' }, num(f[k])))));
  const byNav = h('nav', { class: 'buttons' },
    ...['asn', 'prefix'].map(b => h('a', { href: hashFor('/feeds', { by: b }),
      class: `button ${b === by ? '' : 'quiet'}`, 'aria-current': b === by ? 'true' : undefined },
      t(b === 'asn' ? 'feeds.byAsn' : 'feeds.byPrefix'))));
  const unownedRows = unowned.items.map(u => h('tr', {},
    h('td', {}, u.key !== undefined ? u.key : `AS${u.asn}`),
    h('td', { class: 'num' }, num(u.events)), h('td', { class: 'num' }, num(u.hosts))));
  view.append(
    h('h1', {}, t('feeds.title')),
    h('section', { class: 'card' }, h('h2', {}, t('feeds.files')),
      table(['feeds.col.name', 'feeds.col.feed', 'feeds.col.status', 'feeds.col.received',
             'feeds.col.rows', 'feeds.col.rejected', 'feeds.col.owners', 'feeds.col.new',
             'feeds.col.unowned'], fileRows),
      pager('feeds', { by: by === 'asn' ? undefined : by }, cursor, files.next)),
    h('section', { class: 'card', id: 'unowned' }, h('h2', {}, t('feeds.unowned')),
      h('p', {}, t('feeds.by'), ' ', byNav),
      table(['feeds.col.key', 'feeds.col.events', 'feeds.col.hosts'], unownedRows)));
}

/* ------------------------------------------------------------- constituency */

function lookupParam(q) {
  if (q.includes('://')) return 'url';
  if (/^as\d+$/i.test(q) || /^\d+$/.test(q)) return 'asn';
  if (q.includes(':') || /^[\d.]+$/.test(q)) return 'ip';
  return 'domain';
}

async function viewOrgs(view, query) {
  const offset = Math.max(0, parseInt(query.get('offset') || '0', 10) || 0);
  view.append(h('h1', {}, t('orgs.title')));
  if (isStaff()) {
    const out = h('p', { role: 'status', class: 'lookup-result' });
    const input = h('input', { name: 'q', required: true });
    const form = h('form', { class: 'card', id: 'lookup-form', role: 'search' },
      h('h2', {}, t('orgs.lookup')), labelled('orgs.lookupLabel', input),
      h('button', { type: 'submit' }, t('orgs.lookupSubmit')), out);
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      const q = input.value.trim();
      try {
        const r = await api('GET', withQuery('/api/v1/lookup', { [lookupParam(q)]: q }));
        out.replaceChildren(t('orgs.lookupResult', { q, org: r.org.name, province: r.org.province,
                                                     type: r.type, matched: r.matched }));
      } catch (e) {
        out.replaceChildren(errorBox(e));
      }
    });
    view.append(form);
  }
  const page = await api('GET', withQuery('/api/v1/orgs', { limit: PAGE, offset }));
  const rows = page.items.map(o => h('tr', {},
    h('td', { class: 'num' }, num(o.id)),
    h('td', {}, h('a', { href: `#/orgs/${o.id}`, class: 'org-link' }, o.name)),
    h('td', {}, o.province),
    h('td', {}, o.sector)));
  const nav = h('nav', { class: 'pager' });
  if (offset > 0)
    nav.append(h('a', { href: hashFor('/orgs', { offset: Math.max(0, offset - PAGE) || undefined }),
                        class: 'button quiet', rel: 'prev' }, t('common.prev')));
  if (offset + page.items.length < page.total)
    nav.append(h('a', { href: hashFor('/orgs', { offset: offset + PAGE }), class: 'button quiet',
                        rel: 'next' }, t('common.next')));
  view.append(h('section', { class: 'card' }, h('h2', {}, t('orgs.list')),
    page.items.length ? h('p', { class: 'meta' }, t('orgs.count', { from: num(offset + 1),
      to: num(offset + page.items.length), total: num(page.total) })) : null,
    table(['orgs.col.id', 'orgs.col.name', 'orgs.col.province', 'orgs.col.sector'], rows), nav));
}

/* ------------------------------------------------------------------ the app */

const views = {
  dashboard: viewDashboard,
  incidents: viewIncidents,
  sites: viewSites,
  services: viewServices,
  feeds: viewFeeds,
  orgs: viewOrgs,
  report: viewReport,
  admin: viewAdmin,
  account: viewAccount,
  advisories: viewAdvisories,
  indicators: viewIndicators,
  'indicator-exports': viewIndicatorExports,
  apps: viewApps,
  'indicator-import': viewIndicatorImport,
  warninglists: viewWarninglists,
  flow: viewFlow,
};

// a mail's signed link works without logging in (advisories.js)
const isLinkRoute = () => location.hash.startsWith('#/advisory-link/');

let renderSeq = 0;
async function render() {
  if (!me && !isLinkRoute()) return;
  const { parts, query } = parseHash();
  const name = parts[0] || 'dashboard';
  const seq = ++renderSeq;
  const view = document.getElementById('view');
  delete view.dataset.route; // set again once this route is drawn
  const fresh = h('div', { class: 'view', 'aria-busy': 'true' }, h('p', { class: 'loading' },
                                                                     t('common.loading')));
  view.replaceChildren(fresh);
  for (const a of document.querySelectorAll('#nav a'))
    if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  const content = h('div', { class: 'view', dataset: { view: name } });
  try {
    if (name === 'incidents' && parts[1]) await viewIncident(content, parts[1]);
    else if (name === 'sites' && parts[1]) await viewSite(content, parts[1], query);
    else if (name === 'orgs' && parts[1]) await viewOrg(content, parts[1]);
    else if (name === 'feeds' && parts[1] === 'files' && parts[2])
      await viewFeedFile(content, parts[2]);
    else if (name === 'advisories' && parts[1]) await viewAdvisory(content, parts[1], parts[2]);
    else if (name === 'advisory-link') await viewAdvisoryLink(content, parts[1]);
    else if (name === 'indicators' && parts[1]) await viewIndicator(content, parts[1]);
    else if (name === 'apps' && parts[1]) await viewApp(content, parts[1], query);
    else if (views[name]) await views[name](content, query);
    else content.append(h('h1', {}, t('error.pageNotFound')));
  } catch (e) {
    if (e.status === 401) return showLogin();
    content.append(errorBox(e));
  }
  if (seq !== renderSeq) return; // a newer route won
  view.replaceChildren(content);
  view.dataset.route = location.hash;
  document.body.dataset.ready = name;
}

function showLogin() {
  me = null;
  session.me = null;
  document.getElementById('login-view').hidden = false;
  document.getElementById('view').hidden = true;
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  document.body.dataset.ready = 'login';
  if (isLinkRoute()) {
    // the link's page, with the log-in form under it
    document.getElementById('view').hidden = false;
    render();
  }
}

function showApp(who) {
  me = who;
  session.me = who;
  if (who.csrf) setCsrf(who.csrf);
  // the person's saved language and calendar (a server that stores them),
  // else what this browser remembers
  if (LANGS.includes(who.lang) && who.lang !== getLang()) setLang(who.lang);
  if (CALENDARS.includes(who.calendar) && who.calendar !== getCalendar()) setCalendar(who.calendar);
  applyPrefs();
  document.getElementById('login-view').hidden = true;
  document.getElementById('view').hidden = false;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  for (const li of document.querySelectorAll('#nav [data-roles]'))
    li.hidden = !li.dataset.roles.split(' ').includes(me.role);
  updateWho();
  if (!location.hash.startsWith('#/'))
    location.replace(isStaff() ? '#/dashboard' : '#/incidents');
  render();
}

function updateWho() {
  if (me) document.getElementById('who').textContent =
    t('who', { login: me.login, role: t(`role.${me.role}`) });
}

function applyPrefs() {
  applyDocumentLanguage();
  document.getElementById('lang').value = getLang();
  document.getElementById('calendar').value = getCalendar();
  updateWho();
}

// saved per user on the server (PATCH /api/v1/session); localStorage keeps
// them before login and on a server without it
function savePrefs() {
  if (!me) return;
  api('PATCH', '/api/v1/session', { lang: getLang(), calendar: getCalendar() })
    .catch(() => { /* kept in this browser only */ });
}
document.getElementById('lang').addEventListener('change', ev => {
  setLang(ev.target.value);
  applyPrefs();
  savePrefs();
  render();
});
document.getElementById('calendar').addEventListener('change', ev => {
  setCalendar(ev.target.value);
  applyPrefs();
  savePrefs();
  render();
});

document.getElementById('login-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const err = document.getElementById('login-error');
  try {
    const r = await api('POST', '/api/v1/session', { login: f.get('login'), password: f.get('password') });
    setCsrf(r.csrf);
    err.textContent = '';
    ev.target.reset();
    showApp(await api('GET', '/api/v1/session'));
  } catch (e) {
    // a refused login is a 401: "wrong login or password"
    if (e.status === 401 && !e.field) e.field = 'login';
    err.replaceChildren(...errorBox(e).childNodes);
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('DELETE', '/api/v1/session'); } catch (e) { /* already gone */ }
  setCsrf(null);
  trails.clear();
  showLogin();
});

window.addEventListener('hashchange', () => {
  if (!me && !isLinkRoute()) return showLogin();
  if (location.hash.startsWith('#/')) render();
});

applyPrefs();
api('GET', '/api/v1/session').then(showApp).catch(showLogin);
