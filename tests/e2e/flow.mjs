// The DDoS page (issue 16) in headless chromium, against the `parapet serve`
// run.sh started at $E2E_BASE, with its constituency: org 1 (bob,
// constituent; 203.0.113.0/24), org 2 (carol; 198.51.100.0/24), org 3
// (100.64.0.0/24), alice (analyst). The server's own collector is off
// ([flow] not enabled), so what the collector would write is written here
// with the sqlite3 CLI into the store ($E2E_DB) at run time, in the tables
// of src/store/migrations/0014_flow.sql: the busiest hosts now (flow_live),
// one host's last hour (flow_history) and the attacks (flow_attack), one of
// them open with a ddos incident opened through the real binary ($PARAPET).
// alice first sees the empty state that says what to check; then the hosts
// ordered by packets/s and, once she picks bit/s, by bit/s, with units;
// the table follows a new snapshot without a reload, says when the snapshot
// is old (the collector stopped), asks nothing while the page is hidden, and
// keeps a keyboard reader's place; the open attack first, its mitigation
// and its incident link; a host's chart with a dot per point in and out and
// the attack marked; a host that is no address refused. The ddos incident
// links to its host's chart; the chart draws the threshold the host's
// latest attack crossed (packets/s or bit/s, by its counter), none when the
// host had no attack; the dashboard's "DDoS attacks now" counts the open
// attacks (no tile before any flow data). bob sees only org 1's hosts and
// attacks, and no point of another organisation's host. The page in
// Persian: labels, digits, the Solar Hijri date, right to left and time
// running leftwards; the incident's link, the threshold and the tile too.
// Last, a second server with the collector on receives a SYN flood as
// NetFlow v5 over UDP: the page shows the host first and its attack, which
// leads to the incident the detector opened.
// Each check is one test case; the last line is "flow: N passed, N failed".
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, assert, problems, newPage, rendered, go, login, shot, suite } from './lib.mjs';

const DB = process.env.E2E_DB;
const PARAPET = process.env.PARAPET;
const DATA = process.env.E2E_DATA;
const sql = text => execFileSync('sqlite3', ['-bail', DB, text], { encoding: 'utf8' }).trim();

const now = Date.now();
const STEP = 10000; // FLOW_HISTORY_STEP_S
const POINTS = 60; // ten minutes of history per direction of the charted host

// the busiest hosts: their order differs by each figure
const LIVE = [
  // host, direction, org, pps, bps, flows, syn
  ['203.0.113.10', 'incoming', 1, 150000, 1200000000, 300, 140000],
  ['203.0.113.10', 'outgoing', 1, 800, 6400000, 40, 0],
  ['203.0.113.20', 'incoming', 1, 5000, 4000000000, 20000, 10],
  ['198.51.100.7', 'incoming', 2, 90000, 800000000, 50, 0],
  ['100.64.0.44', 'incoming', 3, 20000, 160000000, 9000, 300],
  ['2001:db8::10', 'incoming', 1, 300, 2400000, 3, 0],
];
const FIELD = { pps: 3, bps: 4, flows: 5, syn: 6 };
const liveRows = (rows, at) => rows.map(([host, dir, org, pps, bps, flows, syn]) =>
  `('${host}','${dir}',${org},${at},${pps},${bps},${flows},${syn},${syn + 10},` +
  `${Math.max(0, pps - syn - 10)},0,0)`).join(',');
const writeLive = (rows, at) => sql(`BEGIN; DELETE FROM flow_live;
  INSERT INTO flow_live (host, direction, org_id, at_ms, pps, bps, flows, syn_pps, tcp_pps, udp_pps,
    icmp_pps, frag_pps) VALUES ${liveRows(rows, at)}; COMMIT;`);

let incident = null;
function seed() {
  writeLive(LIVE, now);
  // 203.0.113.10's last ten minutes, both directions (a SYN flood rising
  // in, its replies out); 198.51.100.7 a few
  const hist = [];
  const point = (host, dir, org, at, [pps, bps, flows, syn, tcp, udp]) =>
    `('${host}','${dir}',${org},${at},${pps},${bps},${flows},${syn},${tcp},${udp},0,0)`;
  for (let i = 0; i < POINTS; i++) {
    const at = now - (POINTS - i) * STEP;
    hist.push(point('203.0.113.10', 'incoming', 1, at,
                    [1000 + i * 2500, 8000000 + i * 20000000, 10 + i, i * 2000, i * 2000 + 10, 0]));
    hist.push(point('203.0.113.10', 'outgoing', 1, at, [500 + i, 4000000 + i * 1000, 5, 0, 500 + i, 0]));
  }
  for (let i = 0; i < 5; i++)
    hist.push(`('198.51.100.7','incoming',2,${now - (5 - i) * STEP},90000,800000000,50,0,0,90000,0,0)`);
  for (let i = 0; i < 3; i++)
    hist.push(`('2001:db8::10','incoming',1,${now - (3 - i) * STEP},300,2400000,3,0,300,0,0,0)`);
  // 203.0.113.20 (its UDP flood, over a bit/s threshold, ended 3 h ago)
  for (let i = 0; i < 3; i++)
    hist.push(`('203.0.113.20','incoming',1,${now - (3 - i) * STEP},5000,400000000,20000,10,10,4990,0,0)`);
  // the point older than an hour is not on the chart
  hist.push(`('203.0.113.10','incoming',1,${now - 2 * 3600000},999,999,1,0,0,0,0,0)`);
  sql(`INSERT INTO flow_history (host, direction, org_id, at_ms, pps, bps, flows, syn_pps, tcp_pps,
    udp_pps, icmp_pps, frag_pps) VALUES ${hist.join(',')};`);
  // the open attack's incident, opened as the flow job opens one (kind ddos,
  // key IP/DIRECTION) through the real binary
  // (its evidence has the keys of src/flow/job.c's evidence_json)
  execFileSync(PARAPET, ['--data', DATA, 'incident', 'report', '1', 'ddos', '203.0.113.10/incoming',
    '--severity', 'high', '--summary', 'SYN flood against 203.0.113.10 (e2e)',
    '--evidence', JSON.stringify({ host: '203.0.113.10', direction: 'incoming', type: 'syn_flood',
      metric: 'syn_pps', threshold: 50000, value: 120000, learned_threshold: false,
      peak_pps: 150000, peak_bps: 1200000000, peak_flows: 300, ended: false })],
  { stdio: 'ignore' });
  incident = sql(`SELECT max(id) FROM incident WHERE org_id = 1`);
  const other = sql(`SELECT max(id) FROM incident WHERE org_id = 2`);
  const start = now - 5 * 60000;
  sql(`INSERT INTO flow_attack (host, direction, org_id, incident_id, type, amp_port, metric,
      threshold, value, learned, start_ms, end_ms, peak_pps, peak_bps, peak_flows, announced, banned)
    VALUES
    ('203.0.113.10','incoming',1,${incident},'syn_flood',0,'syn_pps',50000,120000,0,${start},NULL,
     150000,1200000000,300,1,1),
    ('203.0.113.20','incoming',1,NULL,'udp_flood',0,'bps',2000000000,3000000000,1,
     ${now - 3 * 3600000},${now - 3 * 3600000 + 125000},9000,4200000000,20000,0,0),
    ('198.51.100.7','incoming',2,${other},'amplification',123,'udp_pps',50000,90000,0,
     ${now - 20 * 60000},${now - 14 * 60000},95000,850000000,60,0,1);`);
}

// A NetFlow v5 datagram (Cisco's layout: a 24-byte header, 48 bytes a
// record) of 30 TCP SYN flows of 2000 packets each to host from 30
// sources: what a router exports during a SYN flood.
function synFlood(host, seq) {
  const b = Buffer.alloc(24 + 30 * 48);
  b.writeUInt16BE(5, 0);
  b.writeUInt16BE(30, 2);
  b.writeUInt32BE(100000, 4); // sysUptime (ms)
  b.writeUInt32BE(Math.floor(Date.now() / 1000), 8);
  b.writeUInt32BE(seq, 16);
  const dst = host.split('.').map(Number);
  for (let i = 0; i < 30; i++) {
    const r = 24 + i * 48;
    [198, 51, 100, 1 + i].forEach((v, k) => b.writeUInt8(v, r + k));
    dst.forEach((v, k) => b.writeUInt8(v, r + 4 + k));
    b.writeUInt32BE(2000, r + 16); // packets
    b.writeUInt32BE(2000 * 40, r + 20); // bytes
    b.writeUInt32BE(99000, r + 24); // first
    b.writeUInt32BE(100000, r + 28); // last
    b.writeUInt16BE(40000 + i, r + 32);
    b.writeUInt16BE(443, r + 34);
    b.writeUInt8(0x02, r + 37); // SYN
    b.writeUInt8(6, r + 38); // TCP
  }
  return b;
}

// A second `parapet serve` on a data directory of its own with the flow
// collector on ([flow] enabled, NetFlow on a port the kernel picks, SYN
// threshold 10,000/s): { base, port, stop() }; stop() ends it (SIGTERM) and
// resolves to its exit status and the end of its log.
async function flowServer() {
  const dir = mkdtempSync(join(tmpdir(), 'parapet-e2e-flow-'));
  const cli = (args, input) => execFileSync(PARAPET, ['--data', dir, ...args],
                                            { input, stdio: ['pipe', 'ignore', 'pipe'] });
  cli(['migrate']);
  cli(['org', 'add', 'Ministry of Energy', '--province', 'Tehran', '--sector', 'energy']);
  cli(['asset', 'add', '1', 'cidr', '203.0.113.0/24']);
  cli(['user', 'add', 'alice', '--role', 'analyst', '--password-stdin'], 'analyst passphrase one\n');
  const log = join(dir, 'serve.log');
  const fd = openSync(log, 'w');
  const proc = spawn(PARAPET, ['--data', dir, 'serve', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PARAPET_WATCH_ENABLED: 'false', PARAPET_FEEDS_ENABLED: 'false',
           PARAPET_METRICS_LISTEN: '127.0.0.1:0', PARAPET_FLOW_ENABLED: 'true',
           PARAPET_FLOW_NETFLOW_LISTEN: '127.0.0.1:0', PARAPET_FLOW_SFLOW_LISTEN: '127.0.0.1:0',
           PARAPET_FLOW_THRESHOLD_SYN_PPS: '10000', PARAPET_FLOW_QUIET: '5' } });
  const stop = () => new Promise(done => {
    const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
    const end = () => {
      clearTimeout(t);
      const tail = readFileSync(log, 'utf8').slice(-600);
      rmSync(dir, { recursive: true, force: true });
      done({ code: proc.exitCode, tail });
    };
    if (proc.exitCode !== null) end();
    else { proc.once('exit', end); proc.kill('SIGTERM'); }
  });
  for (let i = 0; i < 100; i++) {
    const text = readFileSync(log, 'utf8');
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    const port = /flow: collector running.*netflow port (\d+)/.exec(text);
    if (base && port) return { base: base[1], port: Number(port[1]), stop };
    if (proc.exitCode !== null) break;
    await new Promise(r => setTimeout(r, 100));
  }
  const { tail } = await stop();
  throw new Error(`serve with [flow] did not start: ${tail}`);
}

// the hosts of the live table as shown: [{host, direction, value of FIG}]
const shown = (page, fig) => page.$$eval('#flow-top tr.flow-host', (trs, f) => trs.map(tr => ({
  host: tr.dataset.host, direction: tr.dataset.direction,
  value: Number(tr.querySelector(`td.fig-${f}`).dataset.value),
  text: tr.querySelector(`td.fig-${f}`).textContent })), fig);
// a part a state leaves out must not be written as text
const noLeak = async page => {
  // (innerText: the blocks apart, so that a word at a block's edge is one)
  const text = await page.innerText('#view');
  const m = /\b(null|undefined|NaN)\b/.exec(text);
  assert(!m, `"${m && m[1]}" shown: ${m && text.slice(Math.max(0, m.index - 60), m.index + 20)}`);
};
const descending = rows => rows.every((r, i) => i === 0 || rows[i - 1].value >= r.value);
const expected = (by, org) => LIVE.filter(r => !org || r[2] === org)
  .sort((x, y) => y[FIELD[by]] - x[FIELD[by]]).map(r => `${r[0]} ${r[1]}`);

await suite('flow', async () => {
  assert(DB && PARAPET && DATA, 'E2E_DB, PARAPET and E2E_DATA must be set (run.sh)');
  sql('DELETE FROM flow_live; DELETE FROM flow_history; DELETE FROM flow_attack;');
  const a = await newPage('alice');
  await login(a, 'alice', 'analyst passphrase one');

  await check('flow: with no data the page says to check [flow] and the exporters', async () => {
    await a.click('#nav a[data-nav=flow]');
    await rendered(a, '#/flow');
    const empty = await a.textContent('#flow-no-data');
    assert(empty.includes('[flow]') && /export/i.test(empty), empty);
    assert(await a.isVisible('#flow-no-attacks'), 'no empty state for attacks');
  });

  await check('flow: with no flow data the dashboard has no "DDoS attacks now" tile', async () => {
    // (a collector that is off must not read as "0 attacks now")
    await go(a, '#/dashboard');
    assert(await a.isVisible('#kpi-open'), 'the dashboard is not drawn');
    assert(await a.locator('#kpi-ddos').count() === 0, 'a DDoS tile without flow data');
  });

  seed();

  await check('flow: the busiest hosts, ordered by packets/s, with units', async () => {
    await go(a, '#/flow');
    const rows = await shown(a, 'pps');
    assert(JSON.stringify(rows.map(r => `${r.host} ${r.direction}`)) ===
           JSON.stringify(expected('pps')), JSON.stringify(rows.map(r => r.host)));
    assert(descending(rows), 'not descending');
    assert(rows[0].text.trim() === '150 kpps', rows[0].text);
    const bps = await a.textContent('#flow-top tr.flow-host:first-child td.fig-bps');
    assert(bps.trim() === '1.20 Gbit/s', bps);
    assert(await a.getAttribute('#flow-top th.sorted', 'aria-sort') === 'descending', 'no sorted column');
    await noLeak(a);
    await shot(a, 'flow-01-top');
  });

  await check('flow: choosing bit/s orders the hosts by bit/s', async () => {
    await a.selectOption('#flow-filter select[name=by]', 'bps');
    await rendered(a, '#/flow?by=bps');
    const rows = await shown(a, 'bps');
    assert(JSON.stringify(rows.map(r => `${r.host} ${r.direction}`)) ===
           JSON.stringify(expected('bps')), JSON.stringify(rows.map(r => r.host)));
    assert(rows[0].host === '203.0.113.20' && rows[0].text.trim() === '4.00 Gbit/s', rows[0].text);
  });

  await check('flow: a new snapshot shows without reloading the page', async () => {
    await go(a, '#/flow?by=syn');
    const before = await shown(a, 'syn_pps');
    assert(before[0].host === '203.0.113.10', before[0].host);
    // the collector's next snapshot: 100.64.0.44 under a SYN flood
    writeLive(LIVE.map(r => (r[0] === '100.64.0.44' ? [...r.slice(0, 6), 900000] : r)), Date.now());
    await a.waitForFunction(() => {
      const tr = document.querySelector('#flow-top tr.flow-host');
      return tr && tr.dataset.host === '100.64.0.44';
    }, null, { timeout: 15000 });
    assert(descending(await shown(a, 'syn_pps')), 'not descending after refresh');
    writeLive(LIVE, Date.now());
  });

  await check('flow: a snapshot the collector stopped refreshing is not passed off as live', async () => {
    // serve stopped ten minutes ago: flow_live keeps its last snapshot
    writeLive(LIVE, Date.now() - 10 * 60000);
    await go(a, '#/flow');
    const warn = await a.textContent('#flow-stale');
    assert(warn.includes('not live') && warn.includes('[flow]'), warn);
    assert(await a.locator('#flow-top tr.flow-host').count() === LIVE.length, 'the old rows hidden');
    // the collector writes again: the warning goes at the next refresh
    writeLive(LIVE, Date.now());
    await a.waitForSelector('#flow-stale', { state: 'detached', timeout: 15000 });
  });

  await check('flow: no refresh while the page is hidden, refreshes again once shown', async () => {
    await go(a, '#/flow');
    // the tab goes to the background (as the browser reports it)
    await a.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await a.waitForTimeout(500); // a request asked just before is reported
    const asked = [];
    const seen = r => { if (r.url().includes('/api/v1/flow/top')) asked.push(r.url()); };
    a.on('request', seen);
    await a.waitForTimeout(5000); // more than two refresh periods
    const hidden = asked.length;
    await a.evaluate(() => {
      delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await a.waitForRequest(r => r.url().includes('/api/v1/flow/top'), { timeout: 10000 });
    a.off('request', seen);
    assert(hidden === 0, `${hidden} requests while hidden`);
  });

  await check('flow: a keyboard reader keeps their place when the table refreshes', async () => {
    await go(a, '#/flow');
    await a.focus('#flow-top tr.flow-host[data-host="198.51.100.7"] a.host-link');
    // the rows drawn now are marked; a refresh draws new ones
    await a.$$eval('#flow-top tr.flow-host', trs => trs.forEach(tr => { tr.old = true; }));
    await a.waitForFunction(() => {
      const tr = document.querySelector('#flow-top tr.flow-host');
      return tr && !tr.old;
    }, null, { timeout: 15000 });
    const focused = await a.evaluate(() => {
      const el = document.activeElement;
      return el && el.classList.contains('host-link') ? el.closest('tr').dataset.host : null;
    });
    assert(focused === '198.51.100.7', `focus on ${focused}`);
  });

  await check('flow: the open attack first, its mitigation, and a link to its incident', async () => {
    await go(a, '#/flow');
    const rows = a.locator('#flow-attacks tr.attack');
    assert(await rows.count() === 3, `${await rows.count()} attacks`);
    const first = rows.first();
    assert(await first.getAttribute('class') === 'attack open', 'open attack not first');
    const text = await first.textContent();
    assert(text.includes('SYN flood') && text.includes('203.0.113.10') && text.includes('ongoing'), text);
    assert(text.includes('BGP route announced') && text.includes('150 kpps'), text);
    const amp = await a.textContent('#flow-attacks tr.attack:has-text("198.51.100.7")');
    assert(amp.includes('amplification') && amp.includes('123') && amp.includes('6 min'), amp);
    assert(await a.getAttribute('#flow-attacks tr.attack:has-text("198.51.100.7") td.host a', 'href') ===
           '#/flow?host=198.51.100.7', 'an ended attack\'s host does not lead to its chart');
    await first.locator('a.incident-link').click();
    await rendered(a, `#/incidents/${incident}`);
    const page = await a.textContent('#view');
    assert(page.includes('203.0.113.10'), 'the incident page is not the attack\'s');
  });

  await check('flow: clicking a host draws its last hour, in and out, the attack marked', async () => {
    await go(a, '#/flow');
    await a.click('#flow-top tr.flow-host[data-host="203.0.113.10"][data-direction=incoming] a.host-link');
    await rendered(a, '#/flow?host=203.0.113.10');
    await a.waitForSelector('#flow-chart svg.time-chart');
    const charts = a.locator('#flow-chart svg.time-chart');
    assert(await charts.count() === 2, 'not two charts (pps, bit/s)');
    const pps = charts.first();
    const inc = await pps.locator('.series.dir-incoming circle.pt').count();
    const out = await pps.locator('.series.dir-outgoing circle.pt').count();
    assert(inc === POINTS && out === POINTS, `points in ${inc}, out ${out}`);
    assert(await pps.locator('.band rect').count() === 1, 'the attack is not marked');
    await noLeak(a);
    // time runs left to right: the newest incoming point right of the oldest
    const xs = await pps.locator('.series.dir-incoming circle.pt')
      .evaluateAll(cs => cs.map(c => Number(c.getAttribute('cx'))));
    assert(xs[xs.length - 1] > xs[0], 'time does not run rightwards');
    assert(await a.locator('#flow-top tr.selected[data-host="203.0.113.10"]').count() >= 1,
           'host not highlighted');
    await shot(a, 'flow-02-chart');
  });

  await check('flow: an IPv6 host leads to its own chart', async () => {
    await go(a, '#/flow');
    await a.click('#flow-top tr.flow-host[data-host="2001:db8::10"] a.host-link');
    await a.waitForSelector('#flow-chart svg.time-chart');
    assert((await a.textContent('#flow-chart h2')).includes('2001:db8::10'), 'another host charted');
    const pps = a.locator('#flow-chart svg.time-chart').first();
    const n = await pps.locator('.series.dir-incoming circle.pt').count();
    assert(n === 3, `${n} points`);
  });

  await check('flow: a host typed that is no address is refused beside the chart, the rest shown', async () => {
    await go(a, '#/flow');
    await a.fill('#flow-filter input[name=host]', 'www.example.org');
    await a.click('#flow-filter button[type=submit]');
    await rendered(a, '#/flow?host=www.example.org');
    assert(await a.isVisible('#flow-chart .error'), 'no refusal shown');
    assert(await a.locator('#flow-top tr.flow-host').count() === LIVE.length, 'the busiest hosts gone');
  });

  // the threshold lines of the chart of the page: [{ label, y, chart }]
  // (chart: 0 packets/s, 1 bit/s), with the y of the chart's 0 and half
  const thresholds = page => page.$$eval('#flow-chart svg.time-chart', svgs => svgs.flatMap(
    (svg, chart) => [...svg.querySelectorAll('g.threshold')].map(g => ({
      chart, label: g.querySelector('text').textContent, dash: g.querySelector('line')
        .getAttribute('stroke-dasharray'), y: Number(g.querySelector('line').getAttribute('y1')),
      zero: Number(svg.querySelector('line.axis').getAttribute('y1')),
      half: Number(svg.querySelector('line.grid').getAttribute('y1')) }))));

  await check('flow: a ddos incident links to its host\'s traffic, which shows that host\'s chart', async () => {
    await go(a, `#/incidents/${incident}`);
    const link = a.locator('#incident-traffic');
    const text = await link.textContent();
    assert(text.includes('Traffic of') && text.includes('203.0.113.10') && text.includes('incoming'),
           text);
    await shot(a, 'flow-07-incident-traffic');
    await link.click();
    await rendered(a, '#/flow?host=203.0.113.10&direction=incoming');
    await a.waitForSelector('#flow-chart svg.time-chart');
    assert((await a.textContent('#flow-chart h2')).includes('203.0.113.10'), 'another host charted');
    const pps = a.locator('#flow-chart svg.time-chart').first();
    const inc = await pps.locator('.series.dir-incoming circle.pt').count();
    assert(inc === POINTS, `${inc} incoming points`);
    assert(await pps.locator('.series.dir-outgoing').count() === 0, 'outgoing charted too');
    // an incident of another kind (org 2's newest, a telnet report with no
    // flow evidence): no such link
    const other = sql(`SELECT max(id) FROM incident WHERE org_id = 2`);
    await go(a, `#/incidents/${other}`);
    assert(await a.locator('#incident-traffic').count() === 0, 'a traffic link without a host');
  });

  await check('flow: the threshold the host\'s latest attack crossed is drawn dashed, labelled', async () => {
    await go(a, '#/flow?host=203.0.113.10');
    await a.waitForSelector('#flow-chart svg.time-chart');
    const lines = await thresholds(a);
    // the SYN flood's syn_pps threshold on packets/s, none on bit/s
    assert(lines.length === 1 && lines[0].chart === 0, JSON.stringify(lines));
    const [l] = lines;
    assert(l.label === 'threshold 50.0 k SYN/s (syn_pps, incoming)', l.label);
    assert(l.dash, 'not dashed');
    // 50,000 on an axis up to 200,000 (the peak 148,500): a quarter up
    const f = (l.zero - l.y) / (l.zero - l.half) / 2;
    assert(Math.abs(f - 0.25) < 0.01, `at ${f} of the axis`);
    await shot(a, 'flow-06-threshold');
  });

  await check('flow: a bit/s threshold on the bit/s chart; no attack, no threshold', async () => {
    await go(a, '#/flow?host=203.0.113.20');
    await a.waitForSelector('#flow-chart svg.time-chart');
    const lines = await thresholds(a);
    assert(lines.length === 1 && lines[0].chart === 1 &&
           lines[0].label === 'threshold 2.00 Gbit/s (bps, incoming)', JSON.stringify(lines));
    await go(a, '#/flow?host=2001:db8::10');
    await a.waitForSelector('#flow-chart svg.time-chart');
    assert((await thresholds(a)).length === 0, 'a threshold without an attack');
    assert(await a.locator('#flow-chart g.threshold').count() === 0, 'a threshold line drawn');
  });

  await check('flow: the dashboard counts the open DDoS attacks and leads to the DDoS page', async () => {
    await go(a, '#/dashboard');
    const tile = a.locator('#kpi-ddos');
    assert((await tile.locator('.kpi-label').textContent()) === 'DDoS attacks now', 'no tile label');
    assert((await tile.locator('.kpi-value').textContent()).trim() === '1',
           await tile.locator('.kpi-value').textContent());
    assert(await tile.getAttribute('class') === 'kpi attacking', 'not marked while attacked');
    await shot(a, 'flow-08-dashboard');
    await tile.locator('a').click();
    await rendered(a, '#/flow');
    // the attack ends: nothing open, the collector live: "0", unmarked
    sql(`UPDATE flow_attack SET end_ms = ${Date.now()} WHERE end_ms IS NULL`);
    writeLive(LIVE, Date.now());
    await go(a, '#/dashboard');
    assert((await tile.locator('.kpi-value').textContent()).trim() === '0', 'not 0 once ended');
    assert(await tile.getAttribute('class') === 'kpi', 'still marked');
    sql(`UPDATE flow_attack SET end_ms = NULL WHERE host = '203.0.113.10'`);
  });

  const b = await newPage('bob');
  await login(b, 'bob', 'constituent passphrase one');

  await check('flow: a constituent sees only the hosts and attacks of their organisation', async () => {
    assert(await b.isVisible('#nav a[data-nav=flow]'), 'no DDoS entry for a constituent');
    await go(b, '#/flow');
    const rows = await shown(b, 'pps');
    assert(JSON.stringify(rows.map(r => `${r.host} ${r.direction}`)) ===
           JSON.stringify(expected('pps', 1)), JSON.stringify(rows.map(r => r.host)));
    const attacks = await b.$$eval('#flow-attacks tr.attack td.host', tds => tds.map(td => td.textContent));
    assert(attacks.length === 2 && attacks.every(h => h.startsWith('203.0.113.')), attacks.join(','));
    assert(!(await b.textContent('#view')).includes('198.51.100.'), 'another organisation shown');
    await noLeak(b);
    await shot(b, 'flow-03-constituent');
  });

  await check('flow: a constituent gets no point of another organisation\'s host', async () => {
    await go(b, '#/flow?host=198.51.100.7');
    await b.waitForSelector('#flow-chart');
    assert(await b.locator('#flow-chart circle.pt').count() === 0, 'points of org 2 shown');
    assert(await b.isVisible('#flow-no-history'), 'no empty state');
  });

  await check('flow: the page in Persian, right to left, Solar Hijri dates', async () => {
    const f = await newPage('alice-fa');
    await login(f, 'alice', 'analyst passphrase one', 'fa');
    await go(f, '#/flow?host=203.0.113.10');
    await f.waitForSelector('#flow-chart svg.time-chart');
    assert(await f.getAttribute('html', 'dir') === 'rtl', 'not rtl');
    assert((await f.textContent('#view h1')).includes('ترافیک نشانی‌های حفاظت‌شده'), 'title not Persian');
    assert((await f.textContent('#flow-top thead')).includes('بسته بر ثانیه'), 'headers not Persian');
    const first = await f.textContent('#flow-top tr.flow-host:first-child');
    assert(first.includes('ورودی') && first.includes('۱۵۰ هزار بسته/ثانیه'), first);
    const start = await f.textContent('#flow-attacks tr.attack.open time');
    assert(/^۱۴۰[۰-۹]\/[۰-۹]{2}\/[۰-۹]{2} /.test(start), start);
    assert((await f.textContent('#flow-attacks tr.attack.open')).includes('سیل SYN'), 'type not Persian');
    // time runs right to left: the newest point left of the oldest
    const xs = await f.locator('#flow-chart svg.time-chart').first()
      .locator('.series.dir-incoming circle.pt').evaluateAll(cs => cs.map(c => Number(c.getAttribute('cx'))));
    assert(xs.length === POINTS && xs[xs.length - 1] < xs[0], 'time does not run leftwards');
    await shot(f, 'flow-04-persian');
  });

  await check('flow: in Persian, the incident\'s traffic link, the threshold and the dashboard tile', async () => {
    const f = await newPage('alice-fa-links');
    await login(f, 'alice', 'analyst passphrase one', 'fa');
    await go(f, `#/incidents/${incident}`);
    const link = await f.textContent('#incident-traffic');
    assert(link.startsWith('ترافیک') && link.includes('203.0.113.10') && link.includes('ورودی'), link);
    await f.click('#incident-traffic');
    await rendered(f, '#/flow?host=203.0.113.10&direction=incoming');
    await f.waitForSelector('#flow-chart svg.time-chart');
    const [l] = await thresholds(f);
    assert(l && l.label === 'آستانه ۵۰.۰ هزار SYN/ثانیه (syn_pps، ورودی)', l && l.label);
    await shot(f, 'flow-09-persian-threshold');
    await go(f, '#/dashboard');
    assert((await f.textContent('#kpi-ddos .kpi-label')) === 'حمله‌های DDoS در جریان', 'tile not Persian');
    assert((await f.textContent('#kpi-ddos .kpi-value')).trim() === '۱', 'count not in Persian digits');
  });

  await check('flow: a SYN flood exported to a running collector shows on the page, linked to its incident', async () => {
    const srv = await flowServer();
    const sock = createSocket('udp4');
    let sending = null, ended = null;
    try {
      const p = await newPage('alice-collector');
      await p.goto(`${srv.base}/`);
      await p.fill('#login-form input[name=login]', 'alice');
      await p.fill('#login-form input[name=password]', 'analyst passphrase one');
      await p.click('#login-form button[type=submit]');
      await p.waitForSelector('#nav', { state: 'visible' });
      await p.goto(`${srv.base}/#/flow?by=syn`);
      await rendered(p, '#/flow?by=syn');
      // the router exports all along: 180,000 SYN packets every 200 ms
      let seq = 0;
      sending = setInterval(() => {
        for (let k = 0; k < 3; k++, seq += 30) sock.send(synFlood('203.0.113.50', seq), srv.port, '127.0.0.1');
      }, 200);
      // the page follows without a reload: the host first by SYN/s, its attack open
      await p.waitForFunction(() => {
        const tr = document.querySelector('#flow-top tr.flow-host');
        return tr && tr.dataset.host === '203.0.113.50' &&
          document.querySelector('#flow-attacks tr.attack.open a.incident-link');
      }, null, { timeout: 30000 });
      const top = await shown(p, 'syn_pps');
      assert(top[0].direction === 'incoming' && top[0].value >= 10000, JSON.stringify(top[0]));
      const row = await p.textContent('#flow-attacks tr.attack.open');
      assert(row.includes('SYN flood') && row.includes('203.0.113.50'), row);
      await shot(p, 'flow-05-collector');
      await p.click('#flow-attacks tr.attack.open a.incident-link');
      await p.waitForFunction(() => /^#\/incidents\/\d+$/.test(document.getElementById('view').dataset.route || ''));
      assert((await p.textContent('#view')).includes('203.0.113.50'), 'not the attack\'s incident');
    } finally {
      clearInterval(sending);
      sock.close();
      ended = await srv.stop();
    }
    // it stops cleanly (under the sanitizers: nothing reported)
    assert(ended.code === 0, `serve exited ${ended.code}: ${ended.tail}`);
  });

  await check('no console errors or script errors on the DDoS page', async () => {
    assert(problems.length === 0, problems.slice(0, 3).join(' | '));
  });
});
