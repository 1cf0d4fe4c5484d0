'use strict';
// chat.js drives the chat page: it sends each message to POST /api/chat and
// shows the reply or the block, with what every detection layer decided.
(() => {
  const { api, el } = bw;
  const form = document.getElementById('chat-form');
  const box = document.getElementById('message');
  const list = document.getElementById('messages');
  const send = document.getElementById('send');
  // layers maps each detection layer to whether it is on; filled from
  // GET /api/dashboard/host.
  let layers = { input: true, intent: true };

  const verdictWords = { block: 'blocked', flag: 'flagged' };

  // verdictRows gives one row per finding and an "allowed" (or "off") row
  // for a layer without findings.
  function verdictRows(findings) {
    const rows = [];
    for (const layer of Object.keys(layers)) {
      const fs = (findings || []).filter((f) => f.layer === layer);
      if (fs.length === 0) {
        const on = layers[layer];
        rows.push({ layer, verdict: on ? 'allowed' : 'off', kind: '', score: null,
          detail: on ? 'nothing suspicious found' : 'this layer is not active on this server' });
      }
      for (const f of fs) {
        rows.push({ layer, verdict: verdictWords[f.action] || 'flagged', kind: f.kind,
          score: f.score, detail: f.detail || '' });
      }
    }
    return rows;
  }

  function verdictTable(findings) {
    const body = el('tbody');
    for (const r of verdictRows(findings)) {
      body.append(el('tr', { dataset: { layer: r.layer, verdict: r.verdict } },
        el('th', { scope: 'row' }, r.layer),
        el('td', {}, el('span', { className: 'badge ' + r.verdict }, r.verdict)),
        el('td', { className: 'kind' }, r.kind || '–'),
        el('td', { className: 'n' }, bw.score(r.score)),
        el('td', { className: 'detail' }, r.detail)));
    }
    return el('table', { className: 'verdicts' },
      el('caption', {}, 'What each layer decided'),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Layer'), el('th', { scope: 'col' }, 'Verdict'),
        el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col', className: 'n' }, 'Score'),
        el('th', { scope: 'col' }, 'Explanation'))),
      body);
  }

  function add(li) {
    list.append(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  function addAnswer(r) {
    const d = r.data;
    if (r.status === 200) {
      add(el('li', { className: 'msg assistant' },
        el('p', { className: 'who' }, 'Assistant'),
        el('p', { className: 'text' }, d.reply),
        verdictTable(d.findings),
        el('p', { className: 'rid' }, 'request ' + (d.request_id || ''))));
      return;
    }
    if (r.status === 400 && d.layer) {
      const findings = d.findings && d.findings.length ? d.findings
        : [{ layer: d.layer, kind: d.kind, score: d.score, detail: d.detail, action: 'block' }];
      add(el('li', { className: 'msg blocked' },
        el('p', { className: 'who' }, 'Blocked by the ' + d.layer + ' layer'),
        el('p', { className: 'text' }, d.error + (d.detail ? ' (' + d.detail + ')' : '')),
        verdictTable(findings),
        el('p', { className: 'rid' }, 'request ' + (d.request_id || ''))));
      return;
    }
    if (bw.sessionEnded(r.status)) return;
    add(el('li', { className: 'msg failed' },
      el('p', { className: 'who' }, 'Error'),
      el('p', { className: 'text' }, (d.error || 'request failed') + ' (HTTP ' + r.status + ')')));
  }

  async function submit() {
    const text = box.value;
    if (!text.trim()) { box.focus(); return; }
    add(el('li', { className: 'msg user' }, el('p', { className: 'who' }, 'You'),
      el('p', { className: 'text' }, text)));
    box.value = '';
    send.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const r = await api('POST', '/api/chat', { message: text });
    send.disabled = false;
    form.removeAttribute('aria-busy');
    addAnswer(r);
    box.focus();
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  for (const b of document.querySelectorAll('[data-example]')) {
    b.addEventListener('click', () => { box.value = b.dataset.example; box.focus(); });
  }

  (async () => {
    if (!await bw.start()) return;
    const h = await api('GET', '/api/dashboard/host');
    if (h.status === 200 && h.data.layers) {
      layers = { input: !!h.data.layers.input, intent: !!h.data.layers.intent };
      const off = Object.keys(layers).filter((l) => !layers[l]);
      if (off.length) {
        document.getElementById('layers-note').textContent = 'Not active on this server: the ' +
          off.join(' and the ') + ' layer. Messages pass them unchecked.';
      }
    }
    document.body.dataset.layers = Object.keys(layers).filter((l) => layers[l]).join(' ');
    document.body.dataset.loaded = 'true';
    box.focus();
  })();
})();
