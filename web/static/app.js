'use strict';
// The page is an API client like any other: it keeps the CSRF token from
// login (or GET /api/auth/csrf) and sends it as X-CSRF-Token.
let csrfToken = '';

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await res.json(); } catch (e) { data = {}; }
  return { status: res.status, data };
}

function show(loggedIn) {
  $('login').hidden = loggedIn;
  $('chat').hidden = !loggedIn;
  (loggedIn ? $('message') : $('username')).focus();
}

function addMessage(who, text, cls, verdict) {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  const p = document.createElement('p');
  p.textContent = who + ': ' + text;
  li.appendChild(p);
  if (verdict) {
    const v = document.createElement('p');
    v.className = 'verdict';
    v.textContent = verdict;
    li.appendChild(v);
  }
  $('messages').appendChild(li);
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  const r = await api('POST', '/api/auth/login', { username: $('username').value, password: $('password').value });
  if (r.status === 200) {
    csrfToken = r.data.csrf_token;
    $('password').value = '';
    show(true);
  } else {
    $('login-error').textContent = r.data.error || ('login failed (' + r.status + ')');
  }
});

$('chat-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('message').value;
  if (!text.trim()) return;
  addMessage('you', text);
  $('message').value = '';
  const r = await api('POST', '/api/chat', { message: text });
  if (r.status === 200) {
    const flags = (r.data.findings || []).map((f) => f.layer + '/' + f.kind + ' flagged').join(', ');
    addMessage('assistant', r.data.reply, '', flags ? 'allowed, ' + flags : 'allowed by every layer');
  } else if (r.status === 400 && r.data.layer) {
    addMessage('bulwark', r.data.error, 'blocked',
      'blocked by the ' + r.data.layer + ' layer: ' + r.data.kind + ' (score ' + (r.data.score || 0).toFixed(2) + ')' +
      (r.data.detail ? ': ' + r.data.detail : ''));
  } else if (r.status === 401 || r.status === 403) {
    show(false);
    $('login-error').textContent = 'Your session ended: log in again.';
  } else {
    addMessage('bulwark', r.data.error || ('error ' + r.status), 'blocked');
  }
});

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/auth/logout');
  csrfToken = '';
  show(false);
});

(async () => {
  const r = await api('GET', '/api/auth/csrf');
  if (r.status === 200) { csrfToken = r.data.csrf_token; show(true); } else { show(false); }
})();
