// The scenario editor: a form and the YAML text kept in sync both ways.
// YAML -> form: parse with YAML.parseDocument and fill the fields whose values are plain.
// form -> YAML: edit the parsed document in place (comments and unknown keys survive) and rewrite the text.
import { parseDocument, isMap, isScalar, isCollection } from 'yaml';

const DEGREES = ['tp', 'sp', 'dp', 'pp', 'ep', 'replicas'];
const ARRIVALS = ['concurrency', 'burst', 'request_rate', 'trace'];

// id -> where the value lives and how it is typed
const FIELDS = [
  { id: 'f-model', path: ['model'], type: 'catalog' },
  { id: 'f-gpu', path: ['hardware', 'gpu'], type: 'catalog' },
  { id: 'f-gpus', path: ['hardware', 'gpus'], type: 'int' },
  { id: 'f-gpus-per-node', path: ['hardware', 'gpus_per_node'], type: 'int' },
  { id: 'f-engine', path: ['engine'], type: 'enum' },
  { id: 'f-precision', path: ['precision', 'weights'], type: 'enum' },
  { id: 'f-kv-cache', path: ['precision', 'kv_cache'], type: 'enum' },
  { id: 'f-parallel', path: ['parallel'], type: 'parallel' },
  { id: 'f-input-tokens', path: ['workload', 'input_tokens'], type: 'int' },
  { id: 'f-output-tokens', path: ['workload', 'output_tokens'], type: 'int' },
  { id: 'f-concurrency', path: ['workload', 'concurrency'], type: 'int-or-max', excludes: ARRIVALS },
  { id: 'f-request-rate', path: ['workload', 'request_rate'], type: 'float', excludes: ARRIVALS },
  { id: 'f-ttft', path: ['requirements', 'ttft_ms'], type: 'float' },
  { id: 'f-tpot', path: ['requirements', 'tpot_ms'], type: 'float' },
  { id: 'f-objective', path: ['objective'], type: 'enum' },
];

/** "tp=2,dp=4,ep=8" (or "tp2 dp4 ep8") -> {tp: 2, dp: 4, ep: 8}; throws on anything else. */
export function parseParallel(text) {
  const out = {};
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const m = /^(tp|sp|dp|pp|ep|replicas|x)\s*[=:]?\s*(\d+)$/i.exec(part);
    if (!m) throw new Error(`"${part}" is not a degree such as tp=2`);
    out[m[1].toLowerCase() === 'x' ? 'replicas' : m[1].toLowerCase()] = Number(m[2]);
  }
  return out;
}

function parallelText(node) {
  if (node === undefined || node === null) return { text: '' };
  if (!isMap(node)) return { complex: true };
  const parts = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (!DEGREES.includes(key) || !isScalar(pair.value) || typeof pair.value.value !== 'number') return { complex: true };
    parts.push(`${key}=${pair.value.value}`);
  }
  return { text: parts.join(',') };
}

export function createEditor({ textarea, form, message }) {
  const fields = FIELDS.map((f) => ({ ...f, el: form.querySelector(`#${f.id}`) })).filter((f) => f.el);
  let timer = null;

  function note(text, isError) {
    message.textContent = text || '';
    message.classList.toggle('bad', !!isError);
  }

  function parse() {
    const doc = parseDocument(textarea.value, { prettyErrors: true });
    if (doc.errors.length) {
      const e = doc.errors[0];
      const line = e.linePos && e.linePos[0] ? ` (line ${e.linePos[0].line})` : '';
      return { error: `YAML${line}: ${e.message.split('\n')[0]}` };
    }
    return { doc };
  }

  function setSelect(sel, value) {
    let v = value;
    if (isCollection(v)) v = '__inline__';
    else if (v === undefined || v === null) v = '';
    else v = String(v);
    for (const o of [...sel.options]) if (o.dataset.custom && o.value !== v) o.remove();
    if (![...sel.options].some((o) => o.value === v)) {
      const label = v === '__inline__' ? '(inline map in the YAML)' : `${v} (custom)`;
      const o = new Option(label, v);
      o.dataset.custom = '1';
      sel.append(o);
    }
    sel.value = v;
  }

  /** YAML -> form. */
  function toForm() {
    const { doc, error } = parse();
    if (error) {
      note(error, true);
      return false;
    }
    note('');
    const root = doc.contents;
    for (const f of fields) {
      let v;
      try {
        v = isMap(root) ? doc.getIn(f.path) : undefined;
      } catch {
        v = undefined;
      }
      // a scalar on the way (precision: fp8) hides the key: treat as complex
      let parentScalar = false;
      if (f.path.length > 1 && isMap(root)) {
        const parent = doc.getIn(f.path.slice(0, -1), true);
        parentScalar = parent !== undefined && !isCollection(parent);
      }
      let complex = parentScalar;
      let text = '';
      if (f.type === 'parallel') {
        const r = parallelText(v);
        complex = complex || !!r.complex;
        text = r.text || '';
      } else if (f.type === 'catalog' || f.type === 'enum') {
        if (f.type === 'catalog') {
          setSelect(f.el, v);
          f.el.classList.remove('complex');
          f.el.title = '';
          continue;
        }
        complex = complex || isCollection(v);
        text = v === undefined || v === null || isCollection(v) ? '' : String(v);
      } else {
        complex = complex || isCollection(v);
        text = v === undefined || v === null || isCollection(v) ? '' : String(v);
      }
      if (f.el.tagName === 'SELECT') setSelect(f.el, complex ? '' : text);
      else f.el.value = text;
      f.el.classList.toggle('complex', complex);
      f.el.title = complex ? 'set in the YAML (not a plain value); editing here replaces it' : '';
      if (f.el.tagName !== 'SELECT') f.el.placeholder = complex ? '(see YAML)' : f.el.dataset.placeholder || '';
    }
    return true;
  }

  function typed(f, raw) {
    const t = raw.trim();
    if (t === '' || t === '__inline__') return undefined;
    switch (f.type) {
      case 'int':
      case 'int-or-max': {
        if (f.type === 'int-or-max' && t.toLowerCase() === 'max') return 'max';
        if (!/^\d+$/.test(t)) throw new Error(`${f.path.join('.')}: "${t}" is not a whole number`);
        return Number(t);
      }
      case 'float': {
        const n = Number(t);
        if (!Number.isFinite(n)) throw new Error(`${f.path.join('.')}: "${t}" is not a number`);
        return n;
      }
      case 'parallel':
        return parseParallel(t);
      default:
        return t;
    }
  }

  function setValue(doc, path, value) {
    const node = doc.getIn(path, true);
    if (isScalar(node) && (typeof value !== 'object' || value === null)) node.value = value; // keeps its comment
    else doc.setIn(path, value);
  }

  function setParallel(doc, degrees) {
    const node = doc.getIn(['parallel'], true);
    if (!isMap(node) || node.items.some((p) => !DEGREES.includes(isScalar(p.key) ? p.key.value : p.key))) {
      const created = doc.createNode(degrees);
      if (isMap(node) && node.flow) created.flow = true;
      doc.setIn(['parallel'], created);
      return;
    }
    for (const d of DEGREES) {
      if (degrees[d] === undefined) node.delete(d);
      else setValue(doc, ['parallel', d], degrees[d]);
    }
  }

  /** form field -> YAML. */
  function fromField(f) {
    if (f.el.classList.contains('complex') && f.el.value.trim() === '') return; // untouched complex value
    const { doc, error } = parse();
    if (error) {
      note(`${error} — fix the YAML before editing the form`, true);
      return;
    }
    let value;
    try {
      value = typed(f, f.el.value);
    } catch (e) {
      note(e.message, true);
      return;
    }
    try {
      if (!isMap(doc.contents)) doc.contents = doc.createNode({});
      if (value === undefined) {
        if (f.type === 'catalog' && f.el.value === '__inline__') return;
        doc.deleteIn(f.path);
      } else if (f.type === 'parallel') {
        setParallel(doc, value);
      } else {
        const parent = f.path.length > 1 ? doc.getIn(f.path.slice(0, -1), true) : null;
        if (parent !== undefined && parent !== null && !isMap(parent)) doc.setIn(f.path.slice(0, -1), doc.createNode({}));
        setValue(doc, f.path, value);
        if (f.excludes) {
          for (const k of f.excludes) if (k !== f.path[f.path.length - 1]) doc.deleteIn(['workload', k]);
        }
      }
    } catch (e) {
      note(`cannot set ${f.path.join('.')}: ${e.message}`, true);
      return;
    }
    textarea.value = doc.toString();
    note('');
    toForm();
  }

  for (const f of fields) {
    f.el.addEventListener('change', () => fromField(f));
    if (f.el.tagName === 'INPUT') {
      f.el.dataset.placeholder = f.el.placeholder || '';
      f.el.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          fromField(f);
        }
      });
    }
  }
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(toForm, 200);
  });

  return {
    getText: () => textarea.value,
    setText(text) {
      textarea.value = text;
      toForm();
    },
    /** Applies pending form edits (a field typed into but not yet committed) before a run. */
    flush() {
      clearTimeout(timer);
      const active = document.activeElement;
      const f = fields.find((x) => x.el === active);
      if (f) fromField(f);
      else toForm();
    },
    setCatalog(select, items, label) {
      const current = select.value;
      select.replaceChildren(new Option('(not set)', ''));
      for (const it of items) select.append(new Option(label(it), it.id));
      toForm();
      if (!textarea.value.trim() && current) select.value = current;
    },
    refresh: toForm,
  };
}
