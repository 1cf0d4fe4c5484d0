'use strict';
// chart.js draws a stacked bar chart as inline SVG, with no library: one bar
// per time step, one coloured segment per series.
const bwChart = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  // Colours that keep a 3:1 contrast against the white background.
  const palette = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309', '#0e7490',
    '#be185d', '#4d7c0f', '#57534e', '#9333ea'];

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // color gives a series the same colour on every redraw.
  function color(key) {
    let h = 0;
    for (const c of key) h = (h * 31 + c.codePointAt(0)) >>> 0;
    return palette[h % palette.length];
  }

  // draw replaces box's content with the chart of data:
  // {labels: [string], series: [{key, label, values: [number]}]}.
  function draw(box, data, empty) {
    const W = 640, H = 240, L = 36, R = 8, T = 10, B = 28;
    const n = data.labels.length;
    const totals = data.labels.map((_, i) => data.series.reduce((s, x) => s + x.values[i], 0));
    const max = Math.max(1, ...totals);
    const top = max <= 4 ? max : Math.ceil(max / 4) * 4;
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const bw = (W - L - R) / Math.max(1, n);
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'bars',
      'aria-hidden': 'true', focusable: 'false' });
    for (const v of [0, top / 2, top]) {
      if (v !== Math.round(v)) continue;
      root.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      root.append(svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v));
    }
    data.series.forEach((s) => { s.color = color(s.key); });
    for (let i = 0; i < n; i++) {
      let base = 0;
      for (const s of data.series) {
        const v = s.values[i];
        if (!v) continue;
        const r = svg('rect', { x: L + i * bw + 1, width: Math.max(1, bw - 2), y: y(base + v),
          height: y(base) - y(base + v), fill: s.color });
        r.append(svg('title', {}, `${data.labels[i]}: ${v} ${s.label}`));
        root.append(r);
        base += v;
      }
    }
    for (const i of [0, Math.floor((n - 1) / 2), n - 1]) {
      if (i < 0) continue;
      const anchor = i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle';
      const x = i === n - 1 ? W - R : L + i * bw + (i === 0 ? 0 : bw / 2);
      const attrs = { x, y: H - 8, 'text-anchor': anchor, class: 'tick' };
      root.append(svg('text', attrs, data.labels[i]));
    }
    if (totals.every((t) => t === 0)) {
      root.append(svg('text', { x: (W + L) / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' },
        empty || 'nothing in this period'));
    }
    box.replaceChildren(root);
    return data.series.map((s) => ({ key: s.key, label: s.label, color: s.color,
      total: s.values.reduce((a, b) => a + b, 0) }));
  }

  return { draw, color };
})();
