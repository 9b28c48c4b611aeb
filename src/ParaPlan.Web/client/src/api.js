// Calls to the ParaPlan server (same origin). Every failure becomes an ApiError with a readable message.

export class ApiError extends Error {
  constructor(message, detail) {
    super(message);
    this.detail = detail || null; // the server's {status, file, field, line, message} when it sent one
  }
}

/**
 * One line from the server's error object. Its message is already the command line's one line ("request body:12:
 * workload.concurrency: ..."): file, line and field are repeated only when the message lacks them.
 */
export function describeError(err) {
  if (!err) return 'unknown error';
  const where = [err.file, err.line].filter((x) => x !== null && x !== undefined && x !== '').join(':');
  const text = err.message
    ? err.message
    : [where, err.field].filter((x) => x !== null && x !== undefined && x !== '').join(': ');
  return err.status ? `${text} (HTTP ${err.status})` : text;
}

async function request(method, path, { body, params, accept } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const init = { method, headers: {} };
  if (accept) init.headers.Accept = accept;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/yaml';
    init.body = body;
  }
  let res;
  try {
    res = await fetch(url.pathname + url.search, init);
  } catch (e) {
    throw new ApiError(`cannot reach the server: ${e.message}`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let detail = null;
    try {
      detail = JSON.parse(text).error || null;
    } catch {
      /* not JSON */
    }
    if (detail) throw new ApiError(describeError({ ...detail, status: detail.status || res.status }), detail);
    const snippet = text.trim().slice(0, 300);
    throw new ApiError(`HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`, { status: res.status });
  }
  return res;
}

async function json(method, path, opts) {
  const res = await request(method, path, { ...opts, accept: 'application/json' });
  try {
    return await res.json();
  } catch (e) {
    throw new ApiError(`the server sent a response that is not JSON: ${e.message}`);
  }
}

export const api = {
  models: () => json('GET', '/api/models'),
  gpus: () => json('GET', '/api/gpus'),
  examples: () => json('GET', '/api/examples'),
  plan: (yaml, params) => json('POST', '/api/plan', { body: yaml, params }),
  estimate: (yaml, params) => json('POST', '/api/estimate', { body: yaml, params }),
  audit: (yaml) => json('POST', '/api/audit', { body: yaml }),
  async dagSvg(yaml, params) {
    const res = await request('POST', '/api/dag', { body: yaml, params: { ...params, format: 'svg' }, accept: 'image/svg+xml' });
    return res.text();
  },
  async bundle(yaml) {
    const res = await request('POST', '/api/bundle', { body: yaml, accept: 'application/zip' });
    const cd = res.headers.get('Content-Disposition') || '';
    const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
    return { blob: await res.blob(), filename: m ? decodeURIComponent(m[1]) : 'paraplan-bundle.zip' };
  },
};
