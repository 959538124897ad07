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
