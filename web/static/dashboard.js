'use strict';
// dashboard.js drives the dashboard: totals and the chart from
// GET /api/dashboard/summary, live events from the server-sent event stream
// GET /api/dashboard/stream, and the host's protections from
// GET /api/dashboard/host.
(() => {
  const { api, el } = bw;
  const $ = (id) => document.getElementById(id);
  const maxShown = 100;
  let lastID = 0;
  let stream = null;
  let refreshTimer = 0;

  const typeWords = { block: 'blocked', flag: 'flagged', csrf: 'CSRF refused',
    rate_limit: 'rate limited', login_failed: 'failed login', script: 'sandbox run' };
  const typeBadge = { block: 'blocked', flag: 'flagged', csrf: 'blocked', rate_limit: 'flagged',
    login_failed: 'flagged', script: 'info' };

  const sum = (m) => Object.values(m || {}).reduce((a, b) => a + b, 0);

  function fillTable(id, rows) {
    const body = $(id).tBodies[0];
    if (rows.length === 0) {
      const cols = $(id).tHead.rows[0].cells.length;
      const none = el('td', { colSpan: cols, className: 'none' }, 'none yet');
      body.replaceChildren(el('tr', {}, none));
      return;
    }
    const cell = (c, i) => (i === 0 ? el('th', { scope: 'row' }, c)
      : el('td', { className: typeof c === 'number' ? 'n' : '' }, c));
    body.replaceChildren(...rows.map((cells) => el('tr', {}, ...cells.map(cell))));
  }

  // bucket folds the per-minute counts into at most 60 steps.
  function bucket(s) {
    const step = Math.ceil(s.minutes / 60);
    const start = new Date(s.minute_start).getTime();
    const keys = new Set();
    for (const m of s.per_minute) {
      for (const k of Object.keys(m)) {
        if (k.startsWith('block/') || k.startsWith('flag/')) keys.add(k);
      }
    }
    const labels = [];
    const series = [...keys].sort().map((k) => {
      const [type, layer, kind] = k.split('/');
      return { key: k, label: typeWords[type] + ' ' + layer + '/' + kind, values: [] };
    });
    for (let i = 0; i < s.per_minute.length; i += step) {
      const t = new Date(start + i * 60000);
      labels.push(t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }));
      for (const x of series) {
        let v = 0;
        const end = Math.min(i + step, s.per_minute.length);
        for (let j = i; j < end; j++) v += s.per_minute[j][x.key] || 0;
        x.values.push(v);
      }
    }
    return { labels, series };
  }

  function legend(items) {
    $('legend').replaceChildren(...items.map((it) => {
      const sw = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      sw.setAttribute('viewBox', '0 0 10 10');
      sw.setAttribute('class', 'swatch');
      sw.setAttribute('aria-hidden', 'true');
      const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      r.setAttribute('width', 10);
      r.setAttribute('height', 10);
      r.setAttribute('fill', it.color);
      sw.append(r);
      return el('li', {}, sw, it.label + ': ' + it.total);
    }));
  }

  async function loadSummary() {
    const r = await api('GET', '/api/dashboard/summary?minutes=' + $('window').value);
    if (r.status !== 200) { bw.sessionEnded(r.status); return; }
    const s = r.data;
    $('count-blocks').textContent = sum(s.blocks);
    $('count-flags').textContent = sum(s.flags);
    $('count-csrf').textContent = sum(s.csrf);
    $('count-ratelimit').textContent = sum(s.rate_limits);
    $('count-logins').textContent = s.login_failed || 0;
    $('count-scripts').textContent = sum(s.scripts);
    legend(bwChart.draw($('chart'), bucket(s), 'nothing blocked or flagged in this period'));
    const kinds = new Set([...Object.keys(s.blocks), ...Object.keys(s.flags)]);
    fillTable('kinds', [...kinds].sort().map((k) => {
      const [layer, kind] = k.split('/');
      return [layer, kind, s.blocks[k] || 0, s.flags[k] || 0];
    }));
    fillTable('scripts', Object.entries(s.scripts).sort().map(([st, n]) => [st, n]));
    const ref = [];
    for (const [k, n] of Object.entries(s.csrf).sort()) ref.push(['CSRF', k, n]);
    for (const [k, n] of Object.entries(s.rate_limits).sort()) ref.push(['rate limit', k, n]);
    if (s.login_failed) ref.push(['login', 'wrong password', s.login_failed]);
    fillTable('refusals', ref);
    document.body.dataset.summaries = String(Number(document.body.dataset.summaries || 0) + 1);
  }

  // refreshSoon reloads the summary once a burst of events has passed.
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadSummary, 300);
  }

  function eventItem(e) {
    const what = [e.layer, e.kind].filter(Boolean).join('/');
    const parts = [];
    if (e.score) parts.push('score ' + bw.score(e.score));
    if (e.detail) parts.push(e.detail);
    if (e.path) parts.push(e.path);
    if (e.user) parts.push('user ' + e.user);
    return el('li', { dataset: { type: e.type, id: e.id } },
      el('time', { dateTime: e.time }, bw.time(e.time)), ' ',
      el('span', { className: 'badge ' + (typeBadge[e.type] || 'info') },
        typeWords[e.type] || e.type), ' ',
      el('strong', {}, what), ' ',
      el('span', { className: 'detail' }, parts.join(' · ')));
  }

  function addEvents(events) {
    const list = $('events');
    for (const e of events) {
      if (e.id <= lastID) continue;
      lastID = e.id;
      list.prepend(eventItem(e));
    }
    while (list.children.length > maxShown) list.lastElementChild.remove();
    if (list.children.length === 0) list.append(el('li', { className: 'none' }, 'no events yet'));
    else for (const n of list.querySelectorAll('.none')) n.remove();
  }

  function connect() {
    stream = new EventSource('/api/dashboard/stream?after=' + lastID);
    stream.addEventListener('open', () => { $('live-state').textContent = 'live'; });
    stream.addEventListener('security', (m) => {
      addEvents([JSON.parse(m.data)]);
      refreshSoon();
    });
    stream.addEventListener('error', async () => {
      $('live-state').textContent = 'reconnecting…';
      if (stream.readyState !== EventSource.CLOSED) return;
      // The server refused the stream: find out whether the session ended.
      const r = await api('GET', '/api/auth/csrf');
      if (!bw.sessionEnded(r.status)) setTimeout(connect, 3000);
    });
  }

  async function loadHost() {
    const r = await api('GET', '/api/dashboard/host');
    if (r.status !== 200) { bw.sessionEnded(r.status); return; }
    const body = $('host').tBodies[0];
    body.replaceChildren(...r.data.protections.map((p) => el('tr', { dataset: { name: p.name } },
      el('th', { scope: 'row' }, p.name),
      el('td', {}, p.area),
      el('td', {}, el('span', { className: 'badge ' + (p.active ? 'allowed' : 'flagged') },
        p.active ? 'active' : 'missing')),
      el('td', {}, p.detail || '',
        p.hint ? el('span', { className: 'hint' }, 'To enable: ' + p.hint) : ''))));
  }

  $('window').addEventListener('change', loadSummary);
  bw.beforeLogout.push(() => { if (stream) stream.close(); });
  window.addEventListener('pagehide', () => { if (stream) stream.close(); });

  (async () => {
    if (!await bw.start()) return;
    const ev = await api('GET', '/api/dashboard/events');
    if (ev.status === 200) addEvents(ev.data.events);
    await Promise.all([loadSummary(), loadHost()]);
    connect();
    setInterval(loadSummary, 30000);
    document.body.dataset.loaded = 'true';
  })();
})();
