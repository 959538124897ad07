// The DDoS page (issue 16): what the flow collector inside `parapet serve`
// sees now, for the CERT's analysts and for each organisation's own
// specialists (the API scopes every answer: a constituent gets only the
// addresses of their organisation). Three parts:
//   - the busiest protected hosts now (GET /api/v1/flow/top), ordered by the
//     figure chosen (packets/s, bit/s, flows/s, SYN/s), refreshed every 2 s
//     while the page is visible, because a flood is a matter of seconds;
//   - the attacks the detector reported, the open ones first, then the
//     recent ones (GET /api/v1/flow/attacks), with their peak, mitigation
//     and incident;
//   - one host's last hour (GET /api/v1/flow/history), packets/s and bit/s
//     in and out, with its attacks marked: what an analyst looks at to judge
//     whether a threshold crossing was a flood or a backup job.
// The chart draws, dashed, the threshold the host's latest attack crossed.
// Route: #/flow?by=pps|bps|flows|syn&direction=&host=
// Also for other pages: the link from a ddos incident to its host's chart
// (trafficLink) and the dashboard's count of open attacks (openAttacksNow).
// Every string is in i18n.js; dates through format.js (Gregorian or Jalali).
import { api, withQuery } from './api.js';
import { t, hasKey } from './i18n.js';
import { num, digits, timeEl, formatDate } from './format.js';
import { timeChart } from './chart.js';
import { h, table, select, labelled, hashFor, errorBox, isStaff, session } from './ui.js';

export const FLOW_BY = ['pps', 'bps', 'flows', 'syn'];
export const FLOW_DIRECTIONS = ['incoming', 'outgoing'];
// the attack types of src/flow/detect.c (flow_attack_type_name)
export const FLOW_ATTACK_TYPES = ['syn_flood', 'udp_flood', 'icmp_flood', 'fragments',
                                  'amplification', 'tcp_flood', 'mixed'];
const REFRESH_MS = 2000;
// the chart changes once a history step (FLOW_HISTORY_STEP_S, 10 s)
const CHART_EVERY = 5;
const HOUR = 3600000;
const TOP_LIMIT = 50;
// a snapshot older than this is not live (the job writes one a second)
const STALE_MS = 60000;

const ltr = (text, cls) => h('bdi', { dir: 'ltr', class: cls }, text);
const pad = n => String(n).padStart(2, '0');
// the API's times (ISO 8601, UTC; null: none) -> ms since the epoch, NaN if none
const ms = v => (v ? Date.parse(v) : NaN);
const iso = v => (Number.isFinite(ms(v)) ? new Date(ms(v)).toISOString() : null);
// the flow routes answer {items: [...]}, as every list of the API
const items = r => (r && r.items) || [];

// the unit a figure or a threshold's counter (flow_ctr_name) is read in
function unitOf(name) {
  if (name === 'syn' || name === 'syn_pps') return 'syn';
  if (/bps$/.test(name)) return 'bps';
  if (/flows$/.test(name)) return 'flows';
  return 'pps';
}

// A rate with its unit, scaled by thousands ("1.25 Mpps", "850 Mbit/s",
// "۸۵۰ مگابیت بر ثانیه"): the exact figure matters less than its order of
// magnitude when a link is flooded. kind: pps | bps | flows | syn.
export function rate(v, kind) {
  if (v === null || v === undefined || !Number.isFinite(Number(v))) return t('common.none');
  let x = Number(v), i = 0;
  // (999 960 is "1.00 M", not "1000 k": rounded first, then scaled)
  while (i < 4 && Number(x.toPrecision(3)) >= 1000) { x /= 1000; i++; }
  const n = i === 0 ? String(Math.round(x))
    : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : String(Math.round(x));
  return t('flow.rate', { n: num(n), unit: t(`flow.unit.${kind}.${i}`) });
}

// "45 s", "12 min", "2 h 5 min", "3 d 4 h"
export function duration(msLong) {
  const s = Math.max(0, Math.round(msLong / 1000));
  if (s < 60) return t('flow.dur.s', { n: num(s) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('flow.dur.m', { n: num(m) });
  const hr = Math.floor(m / 60);
  if (hr < 24) return t('flow.dur.h', { h: num(hr), m: num(m % 60) });
  return t('flow.dur.d', { d: num(Math.floor(hr / 24)), h: num(hr % 24) });
}

// "14:05" (the chart's axis), "14:05:09" (the live table's "as of"), in the
// reader's time zone and digits
const hm = d => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const clock = at => digits(hm(new Date(at)));
const clockSec = at => { const d = new Date(at); return digits(`${hm(d)}:${pad(d.getSeconds())}`); };

const dirLabel = d => (hasKey(`flow.dir.${d}`) ? t(`flow.dir.${d}`) : d);
const typeLabel = v => (hasKey(`flow.type.${v}`) ? t(`flow.type.${v}`) : v);

// organisation names for the staff's "organisation" column, asked once per
// person signed in (another login in this tab may see fewer organisations)
const orgNames = new Map();
async function orgName(id) {
  const key = `${session.me && session.me.id}/${id}`;
  if (!orgNames.has(key))
    orgNames.set(key, api('GET', `/api/v1/orgs/${id}`).then(o => o.name).catch(() => null));
  return orgNames.get(key);
}

// box's children become kids (DOM's replaceChildren would write a null
// part, one a state leaves out, as the text "null")
const put = (box, ...kids) =>
  box.replaceChildren(...kids.flat().filter(k => k !== null && k !== undefined && k !== false));

// A refresh redraws a part every 2 s: a reader moving through its links
// with the keyboard keeps their place (the same row's same link after the
// redraw), instead of being thrown back to the top of the page.
function redraw(box, draw) {
  const at = box.contains(document.activeElement) ? document.activeElement : null;
  const row = at && at.closest('tr');
  const key = row ? JSON.stringify(row.dataset) : null;
  const cls = at ? at.className : '';
  draw();
  if (!key) return;
  const again = [...box.querySelectorAll('tr')].find(tr => JSON.stringify(tr.dataset) === key);
  const link = again && (cls ? again.getElementsByClassName(cls)[0] : again.querySelector('a'));
  if (link) link.focus();
}

/* ------------------------------------------------------------- the page */

// Only the page drawn last refreshes: a new route (or this one redrawn)
// makes the older loop stop at its next turn.
let liveSeq = 0;

export async function viewFlow(view, query) {
  const by = FLOW_BY.includes(query.get('by')) ? query.get('by') : 'pps';
  const direction = FLOW_DIRECTIONS.includes(query.get('direction')) ? query.get('direction') : '';
  const host = (query.get('host') || '').trim().slice(0, 64);
  const state = { by, direction, host };

  const form = h('form', { class: 'filters card', id: 'flow-filter', role: 'search' },
    labelled('flow.by', select('by', FLOW_BY, by, v => t(`flow.by.${v}`))),
    labelled('flow.direction', select('direction', FLOW_DIRECTIONS, direction, dirLabel, true)),
    labelled('flow.host', h('input', { name: 'host', value: host, dir: 'ltr', maxlength: 64,
                                       placeholder: t('flow.hostExample') })),
    h('button', { type: 'submit' }, t('common.filter')));
  // the figure and direction apply at once; the host on submit
  const go = () => {
    const f = new FormData(form);
    location.hash = hashFor('/flow', { by: f.get('by') === 'pps' ? '' : f.get('by'),
      direction: f.get('direction'), host: String(f.get('host') || '').trim() });
  };
  for (const s of form.querySelectorAll('select')) s.addEventListener('change', go);
  form.addEventListener('submit', ev => { ev.preventDefault(); go(); });

  const status = h('div', { class: 'flow-status', role: 'status' });
  const topBox = h('section', { class: 'card', id: 'flow-top' });
  const attackBox = h('section', { class: 'card', id: 'flow-attacks' });
  const chartBox = host ? h('section', { class: 'card', id: 'flow-chart' }) : null;
  view.append(...[h('h1', {}, t('flow.title')), h('p', { class: 'meta' }, t('flow.intro')), form,
                  status, chartBox, topBox, attackBox].filter(Boolean));

  // the first drawing fails as the other pages do (the error in the view);
  // the refreshes keep the last drawing and say what went wrong
  const [top, attacks, chart] = await Promise.all([
    loadTop(state), loadAttacks(state), host ? loadChart(state) : null]);
  drawTop(topBox, state, top);
  drawAttacks(attackBox, host, attacks);
  if (chartBox) drawChart(chartBox, state, chart);

  const mine = ++liveSeq;
  let turns = 0, waited = 0;
  const loop = async () => {
    if (mine !== liveSeq) return;
    if (!topBox.isConnected) {
      // not on screen yet (the route draws off-screen first), or left for
      // another page: give up if it never shows within a few seconds
      if (turns > 0 || ++waited > 25) return;
      setTimeout(loop, 200);
      return;
    }
    // the first turn on screen: the chart the reader clicked for in view
    if (turns++ === 0) { if (chartBox) chartBox.scrollIntoView({ block: 'nearest' }); }
    else if (document.visibilityState === 'visible') {
      try {
        const [tp, at, ch] = await Promise.all([loadTop(state), loadAttacks(state),
          chartBox && turns % CHART_EVERY === 0 ? loadChart(state) : null]);
        if (mine !== liveSeq || !topBox.isConnected) return;
        redraw(topBox, () => drawTop(topBox, state, tp));
        redraw(attackBox, () => drawAttacks(attackBox, host, at));
        if (ch) drawChart(chartBox, state, ch);
        status.replaceChildren();
      } catch (e) {
        if (mine !== liveSeq) return;
        status.replaceChildren(errorBox(e));
        if (e.status === 401 || e.status === 403) return; // signed out: no more asking
      }
    }
    setTimeout(loop, REFRESH_MS);
  };
  setTimeout(loop, 0);
}

/* ---------------------------------------------------------- top hosts */

// { rows } or { missing: true } when this server has no flow API (404)
async function loadTop(state) {
  try {
    const rows = items(await api('GET', withQuery('/api/v1/flow/top', {
      by: state.by, direction: state.direction, limit: TOP_LIMIT })));
    // staff see whose address it is
    const names = new Map();
    if (isStaff())
      await Promise.all([...new Set(rows.map(r => r.org_id).filter(Boolean))].map(
        async id => names.set(id, await orgName(id))));
    return { rows, names };
  } catch (e) {
    if (e.status === 404) return { rows: [], missing: true };
    throw e;
  }
}

const FIGURES = [['pps', 'pps', 'flow.col.pps'], ['bps', 'bps', 'flow.col.bps'],
                 ['flows', 'flows', 'flow.col.flows'], ['syn_pps', 'syn', 'flow.col.syn']];
// packets/s by protocol, in one cell: those the host has (the flood's kind
// at a glance, without four more columns)
const PROTOCOLS = [['tcp_pps', 'flow.col.tcp'], ['udp_pps', 'flow.col.udp'],
                   ['icmp_pps', 'flow.col.icmp'], ['frag_pps', 'flow.col.frag']];
function protocols(r) {
  const seen = PROTOCOLS.filter(([f]) => Number(r[f]) > 0);
  if (!seen.length) return t('common.none');
  return seen.map(([f, key], i) => [i ? h('br') : null,
    // (each part isolated: "TCP" then its rate, in either direction of text)
    h('span', { class: `proto fig-${f}`, dataset: { value: r[f] } },
      h('bdi', {}, t(key)), ' ', h('bdi', {}, rate(r[f], 'pps')))]);
}
const SORT_FIELD = { pps: 'pps', bps: 'bps', flows: 'flows', syn: 'syn_pps' };

function drawTop(box, state, { rows, names, missing }) {
  const staff = isStaff();
  const sorted = SORT_FIELD[state.by];
  const newest = Math.max(0, ...rows.map(r => ms(r.at)).filter(Number.isFinite));
  const link = r => hashFor('/flow', { by: state.by === 'pps' ? '' : state.by,
                                       direction: state.direction, host: r.host });
  const trs = [];
  for (const r of rows) {
    const name = names && r.org_id ? names.get(r.org_id) : null;
    trs.push(h('tr', { class: `flow-host${r.host === state.host ? ' selected' : ''}`,
                       dataset: { host: r.host, direction: r.direction } },
      h('td', { class: 'host' }, h('a', { href: link(r), class: 'host-link',
                                          title: t('flow.showChart') }, ltr(r.host))),
      h('td', { class: 'direction' }, dirLabel(r.direction)),
      staff ? h('td', { class: 'org' }, r.org_id
        ? h('a', { href: `#/orgs/${r.org_id}` }, name || t('flow.org', { id: num(r.org_id) }))
        : t('flow.noOwner')) : null,
      FIGURES.map(([f, unit]) => h('td', { class: `num fig-${f}${f === sorted ? ' sorted' : ''}`,
                                           dataset: { value: r[f] }, title: num(r[f]) },
                                   rate(r[f], unit))),
      h('td', { class: 'num protocols' }, protocols(r))));
  }
  const cols = ['flow.col.host', 'flow.col.direction', staff ? 'flow.col.org' : null,
                ...FIGURES.map(f => f[2]), 'flow.col.protocols'].filter(Boolean);
  let body;
  if (trs.length) {
    body = table(cols, trs);
    const ths = body.querySelectorAll('thead th');
    const at = cols.indexOf(FIGURES.find(f => f[0] === sorted)[2]);
    ths[at].setAttribute('aria-sort', 'descending');
    ths[at].classList.add('sorted');
    ths.forEach((th, i) => { if (i >= cols.length - FIGURES.length - 1) th.classList.add('num'); });
  } else {
    body = h('p', { class: 'empty', id: 'flow-no-data' }, t(missing ? 'flow.noApi'
      : state.direction ? 'flow.noDataDirection' : staff ? 'flow.noData' : 'flow.noDataOrg'));
  }
  // flow_live keeps the last snapshot when serve stops: old figures must not
  // pass for live ones (a minute's slack for the two clocks)
  const stale = newest && Date.now() - newest > STALE_MS;
  put(box, h('h2', {}, t('flow.top', { by: t(`flow.by.${state.by}`) })),
    newest ? h('p', { class: 'meta', id: 'flow-as-of' }, t('flow.asOf', { time: clockSec(newest) }),
               ' · ', t('flow.refresh')) : null,
    stale ? h('p', { class: 'error', id: 'flow-stale', role: 'alert' },
              t(staff ? 'flow.stale' : 'flow.staleOrg', { time: formatDate(iso(newest)) })) : null,
    body);
}

/* ------------------------------------------------------------- attacks */

// the open ones (all, up to the API's limit), then the latest ended ones
async function loadAttacks(state) {
  const q = { host: state.host, direction: state.direction };
  try {
    const [open, recent] = await Promise.all([
      api('GET', withQuery('/api/v1/flow/attacks', { ...q, open: 'true', limit: 200 })),
      api('GET', withQuery('/api/v1/flow/attacks', { ...q, limit: 20 }))]);
    const openRows = items(open).filter(a => a.open);
    const seen = new Set(openRows.map(a => a.id));
    return { rows: [...openRows, ...items(recent).filter(a => !seen.has(a.id) && !a.open)] };
  } catch (e) {
    if (e.status === 404) return { rows: [], missing: true };
    // a host typed that is no address: the chart above says what is wrong
    if (e.status === 400 && e.field === 'host') return { rows: [] };
    throw e;
  }
}

function mitigation(a) {
  const out = [];
  if (a.announced) out.push(h('span', { class: 'badge mitigation-announced' }, t('flow.announced')));
  if (a.banned) out.push(h('span', { class: 'badge mitigation-banned' }, t('flow.banned')));
  return out.length ? out.flatMap((b, i) => (i ? [' ', b] : [b])) : t('common.none');
}

function drawAttacks(box, host, { rows, missing }) {
  const now = Date.now();
  const trs = rows.map(a => {
    const start = ms(a.start), end = a.open ? now : ms(a.end);
    const unit = unitOf(a.metric || '');
    return h('tr', { class: `attack ${a.open ? 'open' : 'ended'}`, dataset: { id: a.id } },
      h('td', {}, h('span', { class: `badge attack-${a.open ? 'open' : 'ended'}` },
                    t(a.open ? 'flow.open' : 'flow.ended'))),
      h('td', { class: 'type' }, typeLabel(a.type),
        a.amplification_port ? h('span', { class: 'meta' }, ' ',
          t('flow.ampPort', { port: num(a.amplification_port) })) : null),
      // an ended attack's host may have left the busiest: its hour from here
      h('td', { class: 'host' }, h('a', { href: hashFor('/flow', { host: a.host }), class: 'host-link',
                                          title: t('flow.showChart') }, ltr(a.host)),
        h('br'), h('span', { class: 'meta direction' }, dirLabel(a.direction))),
      h('td', { class: 'start' }, timeEl(iso(a.start)), h('br'),
        h('span', { class: 'meta duration' }, Number.isFinite(start) && Number.isFinite(end)
          ? t(a.open ? 'flow.for' : 'flow.lasted', { d: duration(end - start) }) : t('common.none'))),
      h('td', { class: 'num peak' }, rate(a.peak_pps, 'pps'), h('br'), rate(a.peak_bps, 'bps')),
      h('td', { class: 'crossed' }, h('code', { dir: 'ltr' }, a.metric || ''), h('br'),
        t('flow.crossed', { value: rate(a.value, unit), threshold: rate(a.threshold, unit) }),
        a.learned ? [' ', h('span', { class: 'badge learned' }, t('flow.learned'))] : null),
      h('td', { class: 'mitigation' }, mitigation(a)),
      h('td', { class: 'incident' }, a.incident_id
        ? h('a', { href: `#/incidents/${a.incident_id}`, class: 'incident-link' },
            t('inc.number', { id: num(a.incident_id) }))
        : t('common.none')));
  });
  put(box, h('h2', {}, host ? [t('flow.attacksOn'), ' ', ltr(host, 'host')] : t('flow.attacks')),
    trs.length ? table(['flow.col.state', 'flow.col.type', 'flow.col.host', 'flow.col.start',
                        'flow.col.peak', 'flow.col.crossed', 'flow.col.mitigation',
                        'flow.col.incident'], trs)
      : h('p', { class: 'empty', id: 'flow-no-attacks' },
          t(missing ? 'flow.noApi' : 'flow.noAttacks')));
}

/* ------------------------------------------------- a host's last hour */

async function loadChart(state) {
  try {
    const [points, attacks] = await Promise.all([
      api('GET', withQuery('/api/v1/flow/history', { host: state.host, direction: state.direction })),
      api('GET', withQuery('/api/v1/flow/attacks', { host: state.host, direction: state.direction,
                                                      limit: 50 }))]);
    return { points: items(points), attacks: items(attacks) };
  } catch (e) {
    // another host's address, a wrong address or no flow API: an empty chart
    // that says so (the message names the field the server refused)
    if (e.status === 404 || e.status === 400) return { points: [], attacks: [], error: e };
    throw e;
  }
}

function drawChart(box, state, { points, attacks, error }) {
  const now = Date.now();
  const last = Math.max(0, ...points.map(p => ms(p.at)).filter(Number.isFinite));
  const to = Math.max(now, last), from = to - HOUR;
  const dirs = state.direction ? [state.direction] : FLOW_DIRECTIONS;
  const series = field => dirs.map(d => ({
    cls: `dir-${d}`, label: dirLabel(d),
    points: points.filter(p => p.direction === d && Number.isFinite(ms(p.at)))
      .map(p => ({ at: ms(p.at), value: Number(p[field]) || 0 })) }));
  const bands = attacks.map(a => ({
    from: ms(a.start), to: a.open ? to : ms(a.end), cls: `attack-band dir-${a.direction}`,
    label: t('flow.band', { type: typeLabel(a.type), direction: dirLabel(a.direction) }) }))
    .filter(b => Number.isFinite(b.from) && Number.isFinite(b.to) && b.to >= from && b.from <= to);
  const shown = points.filter(p => ms(p.at) >= from);
  const head = [h('h2', {}, t('flow.chartTitle'), ' ', ltr(state.host, 'host')),
    h('p', { class: 'crumbs' }, h('a', { href: hashFor('/flow', {
      by: state.by === 'pps' ? '' : state.by, direction: state.direction }) }, t('flow.allHosts')))];
  if (!shown.length) {
    put(box, ...head, error ? errorBox(error) : null,
      h('p', { class: 'empty', id: 'flow-no-history' }, t('flow.noHistory')));
    return;
  }
  const legend = h('ul', { class: 'legend' }, dirs.map(d => h('li', { class: `dir-${d}` },
    h('span', { class: 'swatch', 'aria-hidden': 'true' }), dirLabel(d))),
    bands.length ? h('li', { class: 'attack-band' },
      h('span', { class: 'swatch', 'aria-hidden': 'true' }), t('flow.attackMarked')) : null);
  put(box, ...head, legend,
    h('h3', {}, t('flow.col.pps')),
    timeChart(t('flow.chartPps', { host: state.host }), { from, to, series: series('pps'), bands,
      lines: thresholdLines(attacks, dirs, 'pps'), value: v => rate(v, 'pps'), time: clock }),
    h('h3', {}, t('flow.col.bps')),
    timeChart(t('flow.chartBps', { host: state.host }), { from, to, series: series('bps'), bands,
      lines: thresholdLines(attacks, dirs, 'bps'), value: v => rate(v, 'bps'), time: clock }));
}

// The chart a threshold's counter (flow_ctr_name) is read against: a packet
// rate (pps, syn_pps, udp_pps, ...) on the packets/s chart, a bit rate on
// the bit/s one; a flows/s threshold on neither (no chart plots flows).
const chartOfMetric = m => (/(^|_)bps$/.test(m || '') ? 'bps'
  : /(^|_)pps$/.test(m || '') ? 'pps' : null);

// The threshold lines of one chart (figure: pps | bps): for each direction
// charted, the threshold the host's most recent attack in that direction
// crossed, when its counter is read on this chart, labelled in the
// counter's own unit (as the attacks table writes it: a SYN/s threshold on
// the packets/s chart says SYN/s). No attack, no line: the
// page never draws a threshold the detector did not report (the configured
// or learned one may differ from host to host and hour to hour).
function thresholdLines(attacks, dirs, figure) {
  const lines = [];
  for (const d of dirs) {
    const latest = attacks.filter(a => a.direction === d && Number.isFinite(ms(a.start)))
      .sort((x, y) => ms(y.start) - ms(x.start) || y.id - x.id)[0];
    const value = latest ? Number(latest.threshold) : NaN;
    if (!latest || chartOfMetric(latest.metric) !== figure || !Number.isFinite(value) || value <= 0)
      continue;
    lines.push({ value, cls: `dir-${d}`, label: t('flow.thresholdLine', {
      value: rate(value, unitOf(latest.metric)), metric: latest.metric,
      direction: dirLabel(d) }) });
  }
  return lines;
}

/* ------------------------------------- links from elsewhere to this page */

// The host and direction an incident's flow evidence names (src/flow/job.c,
// evidence_json: "host", "direction"), from its most recent observation that
// has them, or null. An observation counts when the incident is the flow
// detector's (kind ddos, source flow) or its evidence is plainly an attack's
// (an attack type beside the host): a website's evidence has a "host" too.
export function incidentFlowHost(inc, observations) {
  const flowIncident = inc.kind === 'ddos' || inc.source === 'flow';
  const named = (observations || []).filter(o => {
    const e = o.evidence || {};
    return typeof e.host === 'string' && e.host && FLOW_DIRECTIONS.includes(e.direction) &&
      (flowIncident || FLOW_ATTACK_TYPES.includes(e.type));
  });
  if (!named.length) return null;
  const when = o => ms(o.time) || 0;
  const newest = named.reduce((x, y) => (when(y) > when(x) || (when(y) === when(x) && y.id > x.id)
    ? y : x));
  return { host: newest.evidence.host.slice(0, 64), direction: newest.evidence.direction };
}

// The link from a ddos incident to its host's last hour on this page (the
// chart, with the threshold its attack crossed), or null when the incident
// names no host: the analyst woken by the incident sees the traffic in one
// click instead of typing the address.
export function trafficLink(inc, observations) {
  const at = incidentFlowHost(inc, observations);
  if (!at) return null;
  const href = hashFor('/flow', { host: at.host, direction: at.direction });
  return h('p', { class: 'traffic-link' }, h('a', { href, id: 'incident-traffic' },
    t('flow.trafficOf'), ' ', ltr(at.host, 'host'), ' ',
    h('span', { class: 'direction' },
      t('flow.trafficDir', { direction: dirLabel(at.direction) }))));
}

// The dashboard's "DDoS attacks now": { count, more } of the open attacks
// the caller may see (GET /api/v1/flow/attacks?open=true, in their scope),
// or null when there is to be no tile: the server has no flow API, the
// caller may not read it (any failure), or nothing says a collector is
// running (no open attack and no live snapshot), because "0 attacks now"
// from a collector that is off would be an all-clear nobody gave.
export async function openAttacksNow() {
  const LIMIT = 1000; // the API's largest page
  try {
    const [open, top] = await Promise.all([
      api('GET', withQuery('/api/v1/flow/attacks', { open: 'true', limit: LIMIT })),
      api('GET', withQuery('/api/v1/flow/top', { limit: 1 }))]);
    const count = items(open).filter(a => a.open).length;
    const newest = Math.max(0, ...items(top).map(r => ms(r.at)).filter(Number.isFinite));
    if (!count && !(newest && Date.now() - newest <= STALE_MS)) return null;
    return { count, more: items(open).length >= LIMIT };
  } catch {
    // (a failure costs the tile, not the dashboard; signed out, the
    // dashboard's own request says so)
    return null;
  }
}
