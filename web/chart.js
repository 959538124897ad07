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
