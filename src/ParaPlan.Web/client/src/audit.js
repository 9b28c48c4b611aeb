// Audit view: the verdict, one row per finding (claim checked), the comparison and the corrected plan.
import { h, fill, strategy, num, empty, table } from './format.js';

const STATUS_CLASS = { correct: 'ok', wrong: 'bad', impossible: 'bad', structure: 'bad', assumption: 'warn' };

function value(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(6));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function correctedLine(a) {
  const c = a.corrected;
  if (c && c.parallel) {
    const gpus = (c.disaggregation && c.disaggregation.gpus) || c.parallel.gpus;
    return `Corrected plan: ${strategy(c.parallel)} · ${gpus} GPUs · concurrency ${c.concurrency} · ${Math.round(c.output_tokens_per_s_per_gpu)} output tok/s/GPU · TPOT ${num(c.tpot_ms, 1)} ms · TTFT ${num(c.ttft_ms, 0)} ms`;
  }
  const row = (a.comparison || []).find((r) => r.figure === 'strategy');
  if (row && row.corrected_plan && row.corrected_plan !== '-') {
    return `Corrected plan: ${row.corrected_plan}${a.corrected_infeasible ? ' (closest; it misses a requirement)' : ''}`;
  }
  return a.corrected_infeasible ? 'No corrected plan meets every requirement.' : 'No corrected plan.';
}

export function renderAudit(container, a) {
  if (!a) {
    fill(container, empty('Press Audit to check a written plan (the YAML editor\'s content), or choose a plan file to upload.'));
    return;
  }
  const findings = a.findings || a.claims || [];
  const verdict = String(a.verdict ?? '');
  const vclass = /^(valid|correct|ok|pass)/i.test(verdict) ? 'ok' : /invalid|wrong|fail|incorrect/i.test(verdict) ? 'bad' : 'warn';
  const rows = findings.map((f) => {
    const status = f.kind || f.status || f.severity || '';
    return h('tr', { class: `finding sev-${f.severity || 'info'} st-${STATUS_CLASS[status] || 'warn'}` },
      h('td', null, h('span', { class: `badge ${STATUS_CLASS[status] || 'warn'}` }, status)),
      h('td', null, f.severity || ''),
      h('td', { class: 'mono' }, f.subject || f.claim || f.name || ''),
      h('td', { class: 'num' }, value(f.claimed)),
      h('td', { class: 'num' }, value(f.computed)),
      h('td', null, f.message || f.explanation || f.detail || ''));
  });
  const comparison = a.comparison && a.comparison.length
    ? table(['figure', 'claimed', 'claimed strategy, computed', 'corrected plan'],
      a.comparison.map((r) => [r.figure, value(r.claimed), value(r.claimed_strategy_computed), value(r.corrected_plan)]), { class: 'data comparison' })
    : null;
  fill(container,
    h('div', { class: 'headline' },
      h('span', { class: 'headline-kind' }, 'Audit verdict'),
      h('span', { id: 'audit-verdict', class: `verdict ${vclass}` }, verdict),
      a.source ? h('span', { class: 'muted' }, a.source) : null),
    a.claimed_strategy ? h('p', null, `Claimed strategy: ${strategy(a.claimed_strategy)} (${a.claimed_strategy.gpus} GPUs)`) : null,
    a.assumption ? h('p', { class: 'note' }, a.assumption) : null,
    h('p', { id: 'audit-corrected', class: 'corrected' }, correctedLine(a)),
    a.corrected_infeasible ? h('p', { class: 'infeasible' }, a.corrected_infeasible) : null,
    h('h3', null, `Findings (${findings.length})`),
    h('table', { class: 'data findings' },
      h('thead', null, h('tr', null, ['status', 'severity', 'claim / subject', 'claimed', 'computed', 'explanation'].map((x) => h('th', null, x)))),
      h('tbody', null, rows)),
    comparison ? h('h3', null, 'Claimed vs computed vs corrected') : null,
    comparison);
}
