// A horizontal bar chart in SVG, built with DOM APIs (no library, no inline
// style: colours come from classes in app.css). Mirrored in right-to-left
// pages by the stylesheet.
import { t } from './i18n.js';
import { digits } from './format.js';

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// bars: [{ label, value, display, cls }]; display is the text shown (e.g. "500+").
export function barChart(title, bars) {
  const rowH = 28, labelW = 140, barW = 300, valueW = 60, pad = 6;
  // right to left: labels on the right, bars growing leftwards (the SVG
  // itself is laid out left to right by app.css, so x is always from the left)
  const rtl = document.documentElement.dir === 'rtl';
  const width = labelW + barW + valueW, height = bars.length * rowH + pad * 2;
  const max = Math.max(1, ...bars.map(b => b.value));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
                          class: 'chart', 'aria-label': title });
  svg.append(el('title', {}, title));
  bars.forEach((b, i) => {
    const y = pad + i * rowH;
    const g = el('g', { class: `bar ${b.cls || ''}` });
    g.append(el('title', {}, t('dash.chartLabel', { label: b.label, value: b.display })));
    const w = Math.max(b.value ? 2 : 0, Math.round(barW * b.value / max));
    g.append(el('text', { x: rtl ? width - labelW + 8 : labelW - 8, y: y + rowH / 2,
                          class: 'label', 'text-anchor': rtl ? 'start' : 'end',
                          'dominant-baseline': 'middle' }, b.label));
    g.append(el('rect', { x: rtl ? width - labelW - w : labelW, y: y + 4, height: rowH - 8,
                          rx: 3, width: w }));
    g.append(el('text', { x: rtl ? width - labelW - w - 8 : labelW + w + 8, y: y + rowH / 2,
                          class: 'value', 'text-anchor': rtl ? 'end' : 'start',
                          'dominant-baseline': 'middle' }, digits(b.display)));
    svg.append(g);
  });
  return svg;
}

// A column chart of a series over time (e.g. 30 days), oldest first; time
// runs right to left in right-to-left pages. points: [{ label, value }];
// every `every`-th label is written under its column.
export function columnChart(title, points, every = 5) {
  const colW = 18, gap = 4, plotH = 140, top = 18, bottom = 34, side = 36;
  const rtl = document.documentElement.dir === 'rtl';
  const n = points.length;
  const width = side * 2 + n * (colW + gap), height = top + plotH + bottom;
  const max = Math.max(1, ...points.map(p => p.value));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
                          class: 'chart columns', 'aria-label': title });
  svg.append(el('title', {}, title));
  svg.append(el('line', { x1: side, x2: width - side, y1: top + plotH, y2: top + plotH,
                          class: 'axis' }));
  points.forEach((p, i) => {
    const slot = rtl ? n - 1 - i : i;
    const x = side + slot * (colW + gap);
    const hgt = Math.max(p.value ? 2 : 0, Math.round(plotH * p.value / max));
    const g = el('g', { class: 'column' });
    g.append(el('title', {}, t('dash.chartLabel', { label: p.label, value: digits(p.value) })));
    g.append(el('rect', { x, y: top + plotH - hgt, width: colW, height: hgt, rx: 2 }));
    if (p.value)
      g.append(el('text', { x: x + colW / 2, y: top + plotH - hgt - 4, class: 'value small',
                            'text-anchor': 'middle' }, digits(p.value)));
    if (i % every === 0 || i === n - 1)
      g.append(el('text', { x: x + colW / 2, y: top + plotH + 16, class: 'label small',
                            'text-anchor': 'middle' }, p.label));
    svg.append(g);
  });
  return svg;
}

// A line chart of one or more series over a time window (the DDoS page's
// last hour of a host): a polyline and a dot per point (each with its time
// and value as a tooltip), a band per marked interval (an attack), the value
// axis at 0, half and the top. Time runs right to left in right-to-left
// pages, as in columnChart. opts: { from, to (ms), series: [{ cls, label,
// points: [{ at (ms), value }] }], bands: [{ from, to (ms), label, cls }],
// value: v -> text of an axis value, time: ms -> text of a time, and
// optionally lines: [{ value, label, cls }] }: a dashed horizontal line
// across the plot per value (an attack's threshold), its label written
// above it at the start of the time axis (the newest points, where a flood
// climbs, stay clear of it); the value axis
// reaches every line, so that a threshold above the traffic still shows.
export function timeChart(title, opts) {
  // the value axis needs room for a rate in words ("۱۵۰ هزار بسته/ثانیه")
  const width = 960, height = 220, top = 12, bottom = 28, side = 150, end = 12;
  const plotW = width - side - end, plotH = height - top - bottom;
  const rtl = document.documentElement.dir === 'rtl';
  const span = Math.max(1, opts.to - opts.from);
  // the top of the value axis: the next 1, 2, 2.5 or 5 times a power of ten
  const lines = (opts.lines || []).filter(l => Number.isFinite(l.value) && l.value >= 0);
  const peak = Math.max(1, ...opts.series.flatMap(s => s.points.map(p => p.value)),
                        ...lines.map(l => l.value));
  const ten = 10 ** Math.floor(Math.log10(peak));
  const max = [1, 2, 2.5, 5, 10].map(m => m * ten).find(m => m >= peak);
  // the value axis on the start side: left, or right in right-to-left pages
  const x0 = rtl ? end : side;
  const x = at => {
    const f = Math.min(1, Math.max(0, (at - opts.from) / span));
    return Math.round((rtl ? x0 + plotW * (1 - f) : x0 + plotW * f) * 10) / 10;
  };
  const y = v => Math.round((top + plotH - plotH * v / max) * 10) / 10;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
                          class: 'chart time-chart', 'aria-label': title });
  svg.append(el('title', {}, title));
  for (const b of opts.bands || []) {
    const a = x(b.from), z = x(b.to);
    const g = el('g', { class: `band ${b.cls || ''}` });
    g.append(el('title', {}, b.label));
    g.append(el('rect', { x: Math.min(a, z), y: top, width: Math.max(2, Math.abs(z - a)),
                          height: plotH }));
    svg.append(g);
  }
  for (const f of [0, 0.5, 1]) {
    const yy = y(max * f);
    svg.append(el('line', { x1: x0, x2: x0 + plotW, y1: yy, y2: yy, class: f ? 'grid' : 'axis' }));
    svg.append(el('text', { x: rtl ? x0 + plotW + 4 : x0 - 4, y: yy, class: 'label small',
                            'text-anchor': rtl ? 'start' : 'end', 'dominant-baseline': 'middle' },
                  opts.value(max * f)));
  }
  // a time label every ten minutes of the window
  const step = 600000;
  for (let at = Math.ceil(opts.from / step) * step; at <= opts.to; at += step)
    svg.append(el('text', { x: x(at), y: top + plotH + 16, class: 'label small',
                            'text-anchor': 'middle' }, opts.time(at)));
  for (const l of lines) {
    const yy = y(l.value);
    const g = el('g', { class: `threshold ${l.cls || ''}`, 'data-value': l.value });
    g.append(el('title', {}, l.label));
    g.append(el('line', { x1: x0, x2: x0 + plotW, y1: yy, y2: yy, 'stroke-dasharray': '6 4' }));
    // above the line, or under it when the line is at the top of the plot;
    // right to left, the label is an RTL paragraph (its Latin counter name
    // and parentheses would be reordered in the chart's LTR) that starts
    // at the right
    g.append(el('text', { x: rtl ? x0 + plotW - 4 : x0 + 4, y: yy - 4 < top + 10 ? yy + 12 : yy - 4,
                          class: 'label small', 'text-anchor': 'start',
                          direction: rtl ? 'rtl' : 'ltr' }, l.label));
    svg.append(g);
  }
  for (const s of opts.series) {
    const g = el('g', { class: `series ${s.cls || ''}` });
    const pts = s.points.filter(p => p.at >= opts.from && p.at <= opts.to);
    if (pts.length > 1)
      g.append(el('polyline', { points: pts.map(p => `${x(p.at)},${y(p.value)}`).join(' ') }));
    for (const p of pts) {
      const c = el('circle', { cx: x(p.at), cy: y(p.value), r: 2.5, class: 'pt' });
      c.append(el('title', {}, t('dash.chartLabel', { label: `${s.label} ${opts.time(p.at)}`,
                                                     value: opts.value(p.value) })));
      g.append(c);
    }
    svg.append(g);
  }
  return svg;
}
