// The public API, with the session cookie and the CSRF token of the login.
let csrf = null;

export function setCsrf(token) { csrf = token || null; }

export class ApiError extends Error {
  constructor(status, detail, field) {
    super(detail);
    this.status = status;
    this.field = field || null; // the request field at fault (RFC 9457 "field")
  }
}

export async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!r.ok) throw new ApiError(r.status, (data && (data.detail || data.title)) || r.statusText,
                                data && data.field);
  return data;
}

// "/api/v1/x" + {a: 1, b: ''} -> "/api/v1/x?a=1" (empty values left out)
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

// A raw body (a File or Blob: evidence, report files), posted as is.
export async function upload(path, blob) {
  const headers = { 'Accept': 'application/json', 'Content-Type': 'application/octet-stream' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: blob });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!r.ok) {
    // the body stays readable: an import with no valid row answers 422 with its rows
    const e = new ApiError(r.status, (data && (data.detail || data.title)) || r.statusText,
                           data && data.field);
    e.data = data;
    throw e;
  }
  return data;
}
