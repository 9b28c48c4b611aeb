// Small formatting and DOM helpers shared by every view.

/** "tp2 sp1 dp4 pp1 ep8 x1" from a parallel object. */
export function strategy(p) {
  if (!p) return '';
  return `tp${p.tp} sp${p.sp} dp${p.dp} pp${p.pp} ep${p.ep} x${p.replicas}`;
}

/** Number with a fixed count of decimals, '–' for null/undefined/non-finite. */
export function num(v, digits = 0) {
  if (v === null || v === undefined || typeof v !== 'number' || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

/** Integer with thousands separators (for tables, never for the ids the tests read). */
export function int(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  return Math.round(v).toLocaleString('en-US');
}

/** Milliseconds with sensible precision. */
export function ms(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v >= 1000) return `${Math.round(v).toLocaleString('en-US')} ms`;
  if (v >= 100) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** Tokens per second per user from a TPOT in ms. */
export function perUser(tpotMs) {
  return tpotMs > 0 ? 1000 / tpotMs : 0;
}

/** Creates an HTML element: h('div', {class: 'x', onclick: f}, child, 'text', ...). */
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

/** Creates an SVG element. */
export function s(tag, attrs, ...children) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

function setAttrs(e, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the content of a container. */
export function fill(container, ...children) {
  container.replaceChildren();
  append(container, children);
}

/** A simple table: headers and rows of cells (strings or nodes). */
export function table(headers, rows, attrs) {
  return h('table', attrs,
    h('thead', null, h('tr', null, headers.map((x) => h('th', null, x)))),
    h('tbody', null, rows.map((r) => (r instanceof Node ? r : h('tr', null, r.map((c) => h('td', null, c)))))));
}

/** A placeholder paragraph for an empty view. */
export function empty(text) {
  return h('p', { class: 'empty' }, text);
}
