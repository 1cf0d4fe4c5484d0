'use strict';
// common.js is shared by every page. The pages are API clients like any
// other: they keep the session's CSRF token, from the login answer or from
// GET /api/auth/csrf, and send it as X-CSRF-Token on every unsafe request.
const bw = (() => {
  let token = '';

  // api sends one JSON request and returns {status, data}; data is {} when
  // the answer is not JSON.
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token && method !== 'GET') headers['X-CSRF-Token'] = token;
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      return { status: 0, data: { error: 'the server cannot be reached' } };
    }
    let data = {};
    try { data = await res.json(); } catch (e) { data = {}; }
    return { status: res.status, data };
  }

  function setToken(t) { token = t || ''; }

  // toLogin leaves for the login page, which comes back here afterwards.
  function toLogin(reason) {
    const q = new URLSearchParams({ next: location.pathname });
    if (reason) q.set('reason', reason);
    location.replace('/?' + q.toString());
  }

  // start is the first thing every page behind the login does: it fetches
  // the CSRF token, or sends the visitor to log in when there is no session.
  async function start() {
    const r = await api('GET', '/api/auth/csrf');
    if (r.status !== 200) {
      toLogin(r.status === 401 ? '' : 'error');
      return false;
    }
    setToken(r.data.csrf_token);
    for (const a of document.querySelectorAll('nav a')) {
      if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
    }
    const out = document.getElementById('logout');
    if (out) out.addEventListener('click', logout);
    document.body.classList.add('ready');
    return true;
  }

  const beforeLogout = [];

  // logout ends the session on the server; the token dies with it.
  async function logout() {
    for (const f of beforeLogout) f();
    await api('POST', '/api/auth/logout');
    setToken('');
    location.replace('/?reason=logout');
  }

  // sessionEnded handles a 401 or 403 from an API call: the session expired
  // or was ended elsewhere.
  function sessionEnded(status) {
    if (status === 401 || status === 403) {
      toLogin('expired');
      return true;
    }
    return false;
  }

  // el builds an element: el('p', {className: 'x'}, 'text', child...).
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k in e) e[k] = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === '') continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function score(s) { return typeof s === 'number' ? s.toFixed(2) : '–'; }

  function time(t) {
    const d = new Date(t);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour12: false });
  }

  return { api, setToken, start, logout, beforeLogout, sessionEnded, el, score, time };
})();
