'use strict';
// login.js drives the login page: it posts the credentials as JSON and goes
// on to the page the visitor came from.
(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  const params = new URLSearchParams(location.search);

  // next is where to go after login: a page of this site, never elsewhere.
  function next() {
    const n = params.get('next') || '';
    return /^\/[A-Za-z0-9_-]*(\.html)?$/.test(n) && n !== '/' ? n : '/chat.html';
  }

  const reasons = {
    logout: 'You are logged out.',
    expired: 'Your session ended. Log in again.',
    error: 'The server could not check your session. Log in again.',
  };
  if (reasons[params.get('reason')]) {
    error.className = 'info';
    error.textContent = reasons[params.get('reason')];
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const username = form.username.value.trim();
    const password = form.password.value;
    error.className = 'error';
    if (!username || !password) {
      error.textContent = 'Enter a user name and a password.';
      (username ? form.password : form.username).focus();
      return;
    }
    error.textContent = '';
    const button = document.getElementById('login-button');
    button.disabled = true;
    const r = await bw.api('POST', '/api/auth/login', { username, password });
    button.disabled = false;
    if (r.status === 200 && r.data.csrf_token) {
      form.password.value = '';
      location.assign(next());
      return;
    }
    form.password.value = '';
    form.password.focus();
    if (r.status === 401) error.textContent = 'Wrong user name or password.';
    else if (r.status === 429) error.textContent = r.data.error || 'Too many attempts: wait.';
    else error.textContent = r.data.error || ('Login failed (HTTP ' + r.status + ').');
  });

  // A visitor who still has a session goes straight on.
  if (params.get('reason') !== 'logout') {
    bw.api('GET', '/api/auth/csrf').then((r) => {
      if (r.status === 200) location.replace(next());
      else form.username.focus();
    });
  } else {
    form.username.focus();
  }
})();
