// The summary: a headline always visible (#summary) and the details view (checks, why, layouts, misses...).
import { h, fill, strategy, num, perUser, empty, table } from './format.js';

function text(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function figure(label, value, id) {
  return h('div', { class: 'figure' }, h('span', { class: 'figure-value', id }, value), h('span', { class: 'figure-label' }, label));
}

/** Headline of a plan (kind 'plan') or an estimate (kind 'estimate'). */
export function renderHeadline(container, result, kind) {
  const est = kind === 'plan' ? result && result.best : result;
  if (!est) {
    const msg = result && result.infeasible ? result.infeasible : 'Load an example or write a scenario, then press Plan or Estimate.';
    fill(container, h('p', { class: result && result.infeasible ? 'infeasible' : 'empty' }, msg));
    return;
  }
  const d = est.disaggregation;
  const mem = est.memory_per_gpu_gb || {};
  const gpus = (d && d.gpus) || (est.parallel && est.parallel.gpus);
  const failed = (est.checks || []).filter((c) => !c.passed);
  fill(container,
    h('div', { class: 'headline' },
      h('span', { class: 'headline-kind' }, kind === 'plan' ? (result.infeasible ? 'Closest plan (infeasible)' : 'Best plan') : 'Estimate'),
      h('span', { id: 'best-strategy', class: 'strategy' }, strategy(est.parallel)),
      d && d.layout ? h('span', { class: 'badge pd', title: 'disaggregated prefill/decode' },
        `${d.layout}: ${d.prefill && d.prefill.instances} × prefill ${strategy(d.prefill && d.prefill.instance)}, ${d.decode && d.decode.instances} × decode ${strategy(d.decode && d.decode.instance)}`) : null,
      h('span', { class: 'muted' }, [est.model, est.gpu, est.engine].filter(Boolean).join(' · '))),
    h('div', { class: 'figures' },
      figure('output tok/s per GPU', String(Math.round(est.output_tokens_per_s_per_gpu)), 'best-throughput'),
      figure('tok/s per user', num(perUser(est.tpot_ms), 1)),
      figure('TPOT ms', num(est.tpot_ms, 1)),
      figure('TTFT ms', num(est.ttft_ms, 0)),
      figure('GPUs', String(gpus ?? '–')),
      figure('concurrency', String(est.concurrency ?? '–')),
      figure('GB per GPU', `${num(mem.total, 1)} / ${num(mem.limit, 1)}`),
      figure('total tok/s per GPU', String(Math.round(est.total_tokens_per_s_per_gpu || 0)))),
    kind === 'plan' && result.infeasible ? h('p', { class: 'infeasible' }, result.infeasible) : null,
    failed.length ? h('p', { class: 'infeasible' }, `Failed checks: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}`) : null);
}

function list(items, cls) {
  return h('ul', { class: cls }, items.map((x) => h('li', null, text(x))));
}

function section(title, ...content) {
  return h('section', { class: 'block' }, h('h3', null, title), ...content);
}

/** Details of a plan or an estimate. */
export function renderDetails(container, result, kind) {
  const est = kind === 'plan' ? result && result.best : result;
  if (!result) {
    fill(container, empty('No result yet.'));
    return;
  }
  const parts = [];
  if (est && est.checks) {
    parts.push(section('Checks', table(['check', 'result', 'detail'], est.checks.map((c) =>
      h('tr', { class: c.passed ? 'pass' : 'fail' }, h('td', null, c.name), h('td', null, c.passed ? '✔ passed' : '✘ failed'), h('td', null, c.detail || ''))), { class: 'data checks' })));
  }
  if (kind === 'plan') {
    if (result.infeasible) parts.push(section('Infeasible', h('p', { class: 'infeasible' }, result.infeasible)));
    if (result.misses && result.misses.length) {
      parts.push(section('Requirements missed', table(['requirement', 'required', 'achieved', 'detail'],
        result.misses.map((m) => typeof m === 'object' ? [m.requirement, num(m.required, 1), num(m.achieved, 1), m.detail || ''] : ['', '', '', text(m)]), { class: 'data' })));
    }
    if (result.suggestions && result.suggestions.length) parts.push(section('Suggestions', list(result.suggestions)));
    if (result.why && result.why.length) parts.push(section('Why this strategy (runners-up)', list(Array.isArray(result.why) ? result.why : [result.why])));
    const l = result.layouts;
    if (l && (l.aggregated || l.disaggregated)) {
      const rows = [['aggregated', l.aggregated], ['disaggregated', l.disaggregated]].map(([name, v]) =>
        h('tr', { class: l.winner === name ? 'winner' : '' }, h('td', null, name + (l.winner === name ? ' ★' : '')), h('td', null, text(v) || 'none feasible')));
      parts.push(section('Layouts compared', table(['layout', 'best of the layout'], rows, { class: 'data' }),
        l.why ? h('p', null, l.why) : null,
        h('p', { class: 'muted' }, `${l.evaluated ?? '?'} evaluated, ${l.feasible ?? '?'} feasible, ${num(l.elapsed_ms, 1)} ms`)));
    }
    if (result.engine_choice && (!Array.isArray(result.engine_choice) || result.engine_choice.length)) {
      parts.push(section('Engine choice', Array.isArray(result.engine_choice) ? list(result.engine_choice) : h('pre', null, text(result.engine_choice))));
    }
    const st = result.search;
    if (st) {
      const rej = Object.entries(st.rejected || {});
      parts.push(section('Search', h('p', null, `${st.evaluated} strategies evaluated, ${st.feasible} feasible, GPU budget ${st.gpu_budget ?? 'none'}, ${num(st.elapsed_ms, 1)} ms`),
        rej.length ? table(['rejected because', 'count'], rej.map(([k, v]) => [k, String(v)]), { class: 'data' }) : null));
    }
    if (result.reproduce) parts.push(section('Reproduce', h('pre', { class: 'cmd' }, text(result.reproduce))));
  }
  if (est && est.warnings && est.warnings.length) parts.push(section('Warnings', list(est.warnings, 'warnings')));
  if (est && est.assumptions && est.assumptions.length) {
    parts.push(h('details', { class: 'block' }, h('summary', null, `Assumptions (${est.assumptions.length})`), list(est.assumptions)));
  }
  fill(container, ...parts);
}
