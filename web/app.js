// Parapet web interface (foundation): log in, who am I, owner lookup,
// organisations. Uses only the public API; the CSRF token returned at login
// goes with every unsafe request.
let csrf = null;

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw Object.assign(new Error(data && data.detail || r.statusText), { status: r.status });
  return data;
}

function show(view) {
  document.getElementById('login-view').hidden = view !== 'login';
  document.getElementById('app-view').hidden = view !== 'app';
  document.getElementById('logout').hidden = view !== 'app';
}

async function loadApp(me) {
  csrf = me.csrf || csrf;
  document.getElementById('who').textContent = `${me.login} (${me.role})`;
  show('app');
  const orgs = await api('GET', '/api/v1/orgs?limit=1000');
  const tbody = document.querySelector('#orgs tbody');
  tbody.replaceChildren(...orgs.items.map(o => {
    const tr = document.createElement('tr');
    for (const v of [o.id, o.name, o.province, o.sector]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

function lookupParam(q) {
  if (q.includes('://')) return 'url';
  if (/^as\d+$/i.test(q) || /^\d+$/.test(q)) return 'asn';
  if (q.includes(':') || /^[\d.]+$/.test(q)) return 'ip';
  return 'domain';
}

document.getElementById('login-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const r = await api('POST', '/api/v1/session', { login: f.get('login'), password: f.get('password') });
    csrf = r.csrf;
    document.getElementById('login-error').textContent = '';
    await loadApp(await api('GET', '/api/v1/session'));
  } catch (e) {
    document.getElementById('login-error').textContent = e.message;
  }
});

document.getElementById('lookup-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const q = new FormData(ev.target).get('q').trim();
  const out = document.getElementById('lookup-result');
  try {
    const r = await api('GET', `/api/v1/lookup?${lookupParam(q)}=${encodeURIComponent(q)}`);
    out.textContent = `${q} belongs to ${r.org.name} (${r.org.province}), matched ${r.type} ${r.matched}`;
  } catch (e) {
    out.textContent = e.message;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('DELETE', '/api/v1/session'); } catch (e) { /* already gone */ }
  csrf = null;
  show('login');
});

api('GET', '/api/v1/session').then(loadApp).catch(() => show('login'));
