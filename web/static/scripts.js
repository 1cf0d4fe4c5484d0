'use strict';
// scripts.js drives the script runner: it posts the form to
// POST /api/scripts/run and shows the run's status, output and figures.
(() => {
  const { api } = bw;
  const form = document.getElementById('script-form');
  const $ = (id) => document.getElementById(id);

  const examples = {
    hello: { python: 'print("hello from the sandbox")', sh: 'echo "hello from the sandbox"',
      node: 'console.log("hello from the sandbox")' },
    stdin: { python: 'import sys\nfor line in sys.stdin:\n    print(line.strip().upper())',
      sh: 'tr a-z A-Z',
      node: 'process.stdin.on("data", (d) => process.stdout.write(String(d).toUpperCase()))' },
    loop: { python: 'while True:\n    pass', sh: 'while :; do :; done', node: 'for (;;) {}' },
    memory: { python: 'blocks = []\nwhile True:\n    blocks.append(bytearray(16 << 20))',
      sh: 'x=a; while :; do x="$x$x"; done',
      node: 'const a = []; for (;;) a.push(new Array(1 << 20).fill(1))' },
    flood: { python: 'while True:\n    print("y" * 1000)', sh: 'yes',
      node: 'for (;;) console.log("y".repeat(1000))' },
  };

  for (const b of document.querySelectorAll('[data-code]')) {
    b.addEventListener('click', () => {
      const lang = b.dataset.lang;
      form.language.value = lang;
      form.code.value = examples[b.dataset.code][lang];
      form.stdin.value = b.dataset.code === 'stdin' ? 'first line\nsecond line\n' : '';
      if (b.dataset.code === 'loop') form.timeout_s.value = '1';
      if (b.dataset.code === 'memory') form.memory_limit_mb.value = '64';
      form.code.focus();
    });
  }

  const ms = (n) => (typeof n === 'number' ? n + ' ms' : '–');
  const kib = (n) => (typeof n === 'number' && n > 0 ? (n / 1024).toFixed(1) + ' MiB' : '–');

  // shown bounds how much of one stream the page puts in the DOM: a
  // megabyte of lines would make the browser crawl.
  const shown = 20000;

  // output fills a <pre>, marking where the page or the sandbox cut the
  // stream.
  function output(pre, text, truncated) {
    text = text || '';
    pre.classList.toggle('empty', !text && !truncated);
    pre.textContent = (text || truncated) ? text.slice(0, shown) : '(nothing)';
    if (text.length > shown) {
      pre.append(bw.el('mark', { className: 'cut' }, '\n[the page shows the first ' +
        shown.toLocaleString() + ' of ' + text.length.toLocaleString() + ' characters]'));
    }
    if (truncated) {
      pre.append(bw.el('mark', { className: 'cut sandbox' },
        '\n[output truncated by the sandbox: the rest was dropped]'));
    }
  }

  function show(d, asked) {
    $('result').hidden = false;
    const status = $('status');
    status.textContent = d.status || 'unknown';
    const badge = { ok: 'allowed', error: 'flagged' }[d.status] || 'blocked';
    status.className = 'badge ' + badge;
    const normal = d.status === 'ok' ? 'The script finished normally.' : '';
    $('reason').textContent = d.reason || normal;
    $('exit-code').textContent = String(d.exit_code ?? '–');
    $('signal').textContent = d.signal || '–';
    $('wall').textContent = ms(d.wall_ms);
    $('cpu').textContent = ms(d.cpu_ms);
    $('rss').textContent = kib(d.max_rss_kb);
    $('limits').textContent = 'CPU ' + (asked.timeout_s ? asked.timeout_s + ' s' : 'default') +
      ', memory ' + (asked.memory_limit_mb ? asked.memory_limit_mb + ' MiB' : 'default');
    output($('stdout'), d.stdout, d.stdout_truncated);
    output($('stderr'), d.stderr, d.stderr_truncated);
    const deg = $('degraded');
    deg.hidden = !(d.degraded && d.degraded.length);
    deg.textContent = deg.hidden ? '' : 'Limits this host could not apply: ' +
      d.degraded.join('; ');
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const err = $('script-error');
    err.textContent = '';
    const body = { language: form.language.value, code: form.code.value };
    if (form.stdin.value) body.stdin = form.stdin.value;
    const t = Number(form.timeout_s.value);
    const m = Number(form.memory_limit_mb.value);
    if (t > 0) body.timeout_s = t;
    if (m > 0) body.memory_limit_mb = m;
    const run = $('run');
    run.disabled = true;
    run.textContent = 'Running…';
    form.setAttribute('aria-busy', 'true');
    const r = await api('POST', '/api/scripts/run', body);
    run.disabled = false;
    run.textContent = 'Run';
    form.removeAttribute('aria-busy');
    if (r.status === 200) { show(r.data, body); return; }
    if (bw.sessionEnded(r.status)) return;
    $('result').hidden = true;
    if (r.status === 404) {
      err.textContent = 'The script runner is not enabled on this server ' +
        '(POST /api/scripts/run answered 404).';
    } else if (r.status === 429) {
      err.textContent = 'The sandbox is busy: every run slot is taken. Try again in a moment.';
    } else {
      err.textContent = (r.data.error || 'the run failed') + ' (HTTP ' + r.status + ')';
    }
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  });

  (async () => {
    if (await bw.start()) document.body.dataset.loaded = 'true';
  })();
})();
