// Entry point: wires the editor, the buttons, the API calls and the result views.
import { api, ApiError } from './api.js';
import { createEditor } from './editor.js';
import { createTabs } from './tabs.js';
import { renderHeadline, renderDetails } from './summary.js';
import { renderPareto } from './charts/pareto.js';
import { renderMemory, renderStep } from './charts/bars.js';
import { renderPercentiles } from './charts/percentiles.js';
import { renderGpuMap, defaultColorKey, COLOR_KEYS } from './gpumap.js';
import { renderDag, refitDag } from './dag.js';
import { renderAudit } from './audit.js';
import { renderLaunch } from './launch.js';
import { saveBlob, saveText, svgText } from './downloads.js';
import { h } from './format.js';

const $ = (id) => document.getElementById(id);

const state = {
  plan: null, // last plan JSON
  current: null, // last plan's best or last estimate: what Memory, Step and Percentiles show
  currentKind: null, // 'plan' | 'estimate'
  audit: null,
  dagSvg: null,
  lastJson: null, // the last JSON result of any kind, for #download-json
  lastJsonKind: null,
  examples: [],
  exampleName: null,
  colorKey: null,
};

const editor = createEditor({ textarea: $('yaml'), form: $('scenario-form'), message: $('editor-message') });
$('scenario-form').addEventListener('submit', (e) => e.preventDefault());
const tabs = createTabs($('tabs'), (name) => {
  if (name === 'dag') refitDag();
});

// ---- status and errors ------------------------------------------------------------------------------------------

let pending = 0;
let failedSinceIdle = false;

function setStatus(text) {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${text === 'error' ? 'bad' : text === 'done' ? 'ok' : text ? 'busy' : ''}`;
}

function clearError() {
  const el = $('error');
  el.replaceChildren();
  el.hidden = true;
}

function showError(err) {
  const el = $('error');
  const message = err instanceof Error ? err.message : String(err);
  const detail = err instanceof ApiError ? err.detail : null;
  el.replaceChildren(h('strong', null, 'Error: '), h('span', { class: 'error-message' }, message));
  if (document.querySelector('.results-pane.stale')) el.append(' ', h('em', { class: 'stale-note' }, '(the results shown are from the previous run)'));
  if (detail && detail.line && (!detail.file || detail.file === 'request body')) {
    el.append(' ', h('button', { type: 'button', class: 'small secondary', onclick: () => goToLine(detail.line) }, `go to line ${detail.line}`));
  }
  el.append(' ', h('button', { type: 'button', class: 'small secondary close', 'aria-label': 'dismiss', onclick: clearError }, '×'));
  el.hidden = false;
}

function goToLine(line) {
  const ta = $('yaml');
  const lines = ta.value.split('\n');
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + (lines[line - 1] || '').length;
  ta.focus();
  ta.setSelectionRange(start, end);
  const lh = parseFloat(getComputedStyle(ta).lineHeight) || 16;
  ta.scrollTop = Math.max(0, (line - 5) * lh);
}

/** Runs an async action with the status line and the error banner. */
async function run(action) {
  if (pending === 0) failedSinceIdle = false;
  pending += 1;
  setStatus('running…');
  clearError();
  const pane = document.querySelector('.results-pane');
  try {
    await action();
    pane?.classList.remove('stale');
  } catch (err) {
    failedSinceIdle = true;
    // Whatever is on screen now belongs to an earlier run: dimmed and said so, never mistaken for this one's answer.
    if (pane && pane.querySelector('#best-strategy')?.textContent) pane.classList.add('stale');
    showError(err);
    if (!(err instanceof ApiError)) console.error(err);
  } finally {
    pending -= 1;
    if (pending === 0) setStatus(failedSinceIdle ? 'error' : 'done');
  }
}

function scenarioText() {
  editor.flush();
  const text = editor.getText();
  if (!text.trim()) throw new Error('the scenario is empty: load an example or write one in the YAML editor');
  return text;
}

// ---- rendering --------------------------------------------------------------------------------------------------

function renderCurrent() {
  const result = state.currentKind === 'plan' ? state.plan : state.current;
  renderHeadline($('summary'), result, state.currentKind);
  renderDetails($('summary-details'), result, state.currentKind);
  renderMemory($('memory-chart'), state.current);
  renderStep($('step-chart'), state.current);
  renderPercentiles($('percentiles'), state.current);
}

function renderPlanViews() {
  renderPareto($('pareto'), $('selected-point'), state.plan, (point) => run(() => estimate(point)));
  renderMap();
  renderLaunch($('launch'), state.plan);
}

function renderMap() {
  const mapping = state.plan && state.plan.mapping;
  const sel = $('gpu-color');
  const keys = COLOR_KEYS.filter(([k]) => k !== 'pool' || (mapping || []).some((e) => e.pool));
  sel.replaceChildren(...keys.map(([k, label]) => new Option(label, k)));
  if (!state.colorKeyChosen || !keys.some(([k]) => k === state.colorKey)) state.colorKey = mapping ? defaultColorKey(mapping) : 'stage';
  sel.value = state.colorKey;
  renderGpuMap($('gpu-map'), mapping, state.colorKey);
}

$('gpu-color').addEventListener('change', (e) => {
  state.colorKey = e.target.value;
  state.colorKeyChosen = true;
  renderGpuMap($('gpu-map'), state.plan && state.plan.mapping, state.colorKey);
});

function remember(json, kind) {
  state.lastJson = json;
  state.lastJsonKind = kind;
}

// ---- actions ----------------------------------------------------------------------------------------------------

async function plan() {
  const yaml = scenarioText();
  const result = await api.plan(yaml);
  state.plan = result;
  state.current = result.best || null;
  state.currentKind = 'plan';
  remember(result, 'plan');
  renderCurrent();
  renderPlanViews();
  tabs.show(result.pareto && result.pareto.length ? 'pareto' : 'summary');
}

async function estimate(point) {
  const yaml = scenarioText();
  const params = {};
  if (point && point.parallel) {
    const p = point.parallel;
    params.parallel = ['tp', 'sp', 'dp', 'pp', 'ep', 'replicas'].map((k) => `${k}=${p[k]}`).join(',');
    if (point.concurrency) params.concurrency = point.concurrency;
  }
  const result = await api.estimate(yaml, params);
  state.current = result;
  state.currentKind = 'estimate';
  remember(result, 'estimate');
  renderCurrent();
  tabs.show('summary');
}

async function audit(text) {
  const yaml = text ?? scenarioText();
  if (!yaml.trim()) throw new Error('the plan to audit is empty');
  const result = await api.audit(yaml);
  state.audit = result;
  remember(result, 'audit');
  renderAudit($('audit'), result);
  tabs.show('audit');
}

function dagParams() {
  const params = { phase: $('dag-phase').value };
  const layers = $('dag-layers').value.trim();
  if (layers) params.layers = layers;
  if ($('dag-collapse').checked) params.collapse = 'tp';
  return params;
}

async function dag() {
  const yaml = scenarioText();
  const svg = await api.dagSvg(yaml, dagParams());
  state.dagSvg = svg;
  tabs.show('dag');
  renderDag($('dag'), svg);
}

$('run-plan').addEventListener('click', () => run(plan));
$('run-estimate').addEventListener('click', () => run(() => estimate(null)));
$('run-audit').addEventListener('click', () => run(() => audit()));
$('run-dag').addEventListener('click', () => run(dag));
$('dag-redraw').addEventListener('click', () => run(dag));
$('dag-layers').addEventListener('keydown', (e) => { if (e.key === 'Enter') run(dag); });

$('audit-file').addEventListener('change', (e) => {
  const file = e.target.files && e.target.files[0];
  if (!file) return;
  run(async () => {
    const text = await file.text();
    editor.setText(text);
    state.exampleName = file.name;
    $('examples').value = '';
    e.target.value = '';
    await audit(text);
  });
});

// ---- downloads --------------------------------------------------------------------------------------------------

function baseName() {
  return (state.exampleName || 'scenario.yaml').replace(/\.(ya?ml|json)$/i, '');
}

$('download-json').addEventListener('click', () => {
  clearError();
  if (!state.lastJson) return showError('nothing to download yet: run Plan, Estimate or Audit first');
  saveText(`${JSON.stringify(state.lastJson, null, 2)}\n`, `${baseName()}.${state.lastJsonKind}.json`, 'application/json');
});

$('download-yaml').addEventListener('click', () => {
  clearError();
  editor.flush();
  const text = editor.getText();
  if (!text.trim()) return showError('the scenario is empty');
  const name = state.exampleName && /\.(ya?ml|json)$/i.test(state.exampleName) ? state.exampleName : `${baseName()}.yaml`;
  saveText(text.endsWith('\n') ? text : `${text}\n`, name, /\.json$/i.test(name) ? 'application/json' : 'application/yaml');
});

$('download-svg').addEventListener('click', () => {
  clearError();
  const view = tabs.active;
  if (view === 'dag') {
    if (!state.dagSvg) return showError('no DAG yet: press DAG first');
    return saveText(state.dagSvg, `${baseName()}.dag.svg`, 'image/svg+xml');
  }
  const panel = $(`view-${view}`);
  const svg = panel && panel.querySelector('svg.chart');
  if (!svg) return showError(`the ${view} view has no chart to download; open a chart tab (Pareto, Memory, Step time, Percentiles, GPU map, DAG)`);
  saveText(svgText(svg), `${baseName()}.${view}.svg`, 'image/svg+xml');
});

$('download-bundle').addEventListener('click', () => run(async () => {
  const { blob, filename } = await api.bundle(scenarioText());
  saveBlob(blob, filename);
}));

// ---- examples and catalogs --------------------------------------------------------------------------------------

function fillExamples(examples) {
  const sel = $('examples');
  const groups = [['scenario', 'Scenarios (Plan, Estimate, DAG)'], ['plan', 'Written plans (Audit)']];
  sel.replaceChildren(new Option('— load an example —', ''));
  for (const [kind, label] of groups) {
    const items = examples.filter((e) => (e.kind || 'scenario') === kind);
    if (!items.length) continue;
    const g = document.createElement('optgroup');
    g.label = label;
    for (const e of items) g.append(new Option(e.name, e.name));
    sel.append(g);
  }
  const other = examples.filter((e) => !groups.some(([k]) => k === (e.kind || 'scenario')));
  for (const e of other) sel.append(new Option(e.name, e.name));
}

function loadExample(name) {
  const ex = state.examples.find((e) => e.name === name);
  if (!ex) return;
  editor.setText(ex.text);
  state.exampleName = ex.name;
  $('examples').value = ex.name;
}

$('examples').addEventListener('change', (e) => {
  if (e.target.value) loadExample(e.target.value);
});

async function init() {
  renderCurrent();
  renderPlanViews();
  renderAudit($('audit'), null);
  renderDag($('dag'), null);
  tabs.show('summary');
  const [models, gpus, examples] = await Promise.allSettled([api.models(), api.gpus(), api.examples()]);
  const problems = [];
  if (models.status === 'fulfilled') {
    editor.setCatalog($('f-model'), models.value, (m) => (m.summary && m.summary.name ? `${m.id} — ${m.summary.name}` : m.id));
  } else problems.push(`models: ${models.reason.message}`);
  if (gpus.status === 'fulfilled') {
    editor.setCatalog($('f-gpu'), gpus.value, (g) => (g.name ? `${g.id} — ${g.name}` : g.id));
  } else problems.push(`GPUs: ${gpus.reason.message}`);
  if (examples.status === 'fulfilled') {
    state.examples = examples.value || [];
    fillExamples(state.examples);
    if (!editor.getText().trim()) {
      const first = state.examples.find((e) => e.name === 'qwen3-235b-8xh100.yaml') || state.examples.find((e) => e.kind !== 'plan');
      if (first) loadExample(first.name);
    }
  } else problems.push(`examples: ${examples.reason.message}`);
  if (problems.length) showError(`could not load ${problems.join('; ')}`);
}

window.paraplan = { state, api, editor, tabs };
init().catch(showError);
