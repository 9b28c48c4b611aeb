// Pareto chart: output tokens/s per GPU against tokens/s per user (1000 / TPOT), one circle per Pareto point.
import { s, h, fill, strategy, num, perUser, empty } from '../format.js';
import { chartRoot, linear, niceRange, declutter, xAxis, yAxis, legend } from './svg.js';

/** Same strategy and load (used to find the best plan among the Pareto points). */
export function sameEstimate(a, b) {
  if (!a || !b) return false;
  const pa = a.parallel || {};
  const pb = b.parallel || {};
  const keys = ['tp', 'sp', 'dp', 'pp', 'ep', 'replicas', 'gpus'];
  return keys.every((k) => pa[k] === pb[k]) && a.concurrency === b.concurrency
    && !!a.disaggregation === !!b.disaggregation
    && Math.abs((a.output_tokens_per_s_per_gpu || 0) - (b.output_tokens_per_s_per_gpu || 0)) < 1e-6 * Math.max(1, b.output_tokens_per_s_per_gpu || 0);
}

/** One-line description of an estimate, as shown for the selected point. */
export function describe(e) {
  const d = e.disaggregation;
  const layout = d && d.layout ? `${d.layout} (prefill ${strategy(d.prefill && d.prefill.instance)}, decode ${strategy(d.decode && d.decode.instance)}) · ` : '';
  const gpus = d && d.gpus ? d.gpus : e.parallel && e.parallel.gpus;
  const mem = e.memory_per_gpu_gb || {};
  return `${strategy(e.parallel)} · ${layout}${gpus} GPUs · concurrency ${e.concurrency} · `
    + `${Math.round(e.output_tokens_per_s_per_gpu)} output tok/s/GPU · ${num(perUser(e.tpot_ms), 1)} tok/s/user · `
    + `TPOT ${num(e.tpot_ms, 1)} ms · TTFT ${num(e.ttft_ms, 0)} ms · memory ${num(mem.total, 1)} GB/GPU`;
}

/**
 * Draws the chart into `container` and the selection into `selected`.
 * onEstimate(point) is called by the "Estimate this strategy" button.
 */
export function renderPareto(container, selected, plan, onEstimate) {
  const pareto = (plan && plan.pareto) || [];
  if (!plan || (!pareto.length && !plan.best)) {
    fill(container, empty('Run Plan to see the Pareto front of throughput per GPU against speed per user.'));
    fill(selected);
    return;
  }
  const best = plan.best;
  const alts = (plan.alternatives || []).filter((a) => !pareto.some((p) => sameEstimate(p, a)));
  const all = [...pareto, ...alts, ...(best ? [best] : [])];
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 20, t: 34, b: 62 };
  const xr = niceRange(Math.min(...all.map((e) => perUser(e.tpot_ms))), Math.max(...all.map((e) => perUser(e.tpot_ms))));
  const yr = niceRange(Math.min(...all.map((e) => e.output_tokens_per_s_per_gpu)), Math.max(...all.map((e) => e.output_tokens_per_s_per_gpu)));
  const x = linear(xr.lo, xr.hi, m.l, W - m.r);
  const y = linear(yr.lo, yr.hi, H - m.b, m.t);
  const root = chartRoot(W, H, 'Pareto front: throughput per GPU vs speed per user');
  const g = s('g');
  root.append(g);
  xAxis(g, x, H - m.b, xr.ticks, 'tokens/s per user (1000 / TPOT ms)', H - m.b - m.t);
  yAxis(g, y, m.l, yr.ticks, 'output tokens/s per GPU', W - m.l - m.r);

  for (const a of alts) {
    g.append(s('circle', { class: 'alt-point', cx: x(perUser(a.tpot_ms)), cy: y(a.output_tokens_per_s_per_gpu), r: 4, fill: '#ccc', stroke: '#999' },
      s('title', null, `alternative: ${describe(a)}`)));
  }
  const order = pareto.map((p, i) => i).sort((a, b) => perUser(pareto[a].tpot_ms) - perUser(pareto[b].tpot_ms));
  if (order.length > 1) {
    const pts = order.map((i) => `${x(perUser(pareto[i].tpot_ms))},${y(pareto[i].output_tokens_per_s_per_gpu)}`).join(' ');
    g.append(s('polyline', { points: pts, fill: 'none', stroke: '#4e79a7', 'stroke-width': 1.5, 'stroke-dasharray': '4 3', 'pointer-events': 'none' }));
  }

  const bestIndex = best ? pareto.findIndex((p) => sameEstimate(p, best)) : -1;
  const extra = best && bestIndex < 0;
  // markers in drawing order (the off-front best first, under the Pareto points), kept apart so each stays clickable
  const raw = [...(extra ? [best] : []), ...pareto].map((e) => ({ x: x(perUser(e.tpot_ms)), y: y(e.output_tokens_per_s_per_gpu) }));
  const pos = declutter(raw, 10);
  const circles = [];
  let extraBest = null;
  const select = (e, el) => {
    for (const c of [...circles, extraBest]) if (c) c.classList.remove('selected');
    if (el) el.classList.add('selected');
    showSelected(selected, e, e === best || (bestIndex >= 0 && e === pareto[bestIndex]), onEstimate);
  };
  const marker = (i, cls, r, title) => {
    const p = pos[i];
    if (p.moved) g.append(s('line', { x1: raw[i].x, y1: raw[i].y, x2: p.x, y2: p.y, stroke: '#999', 'stroke-width': 0.75, 'pointer-events': 'none' }));
    return s('circle', { class: cls, cx: p.x, cy: p.y, r, tabindex: 0 }, s('title', null, title + (p.moved ? ' (drawn a little apart from a point at nearly the same place)' : '')));
  };
  if (extra) {
    extraBest = marker(0, 'best best-point', 8, `best plan: ${describe(best)}`);
    extraBest.setAttribute('data-index', 'best');
    extraBest.addEventListener('click', () => select(best, extraBest));
    g.append(extraBest);
  }
  pareto.forEach((p, i) => {
    const isBest = i === bestIndex;
    const c = marker(i + (extra ? 1 : 0), `pareto-point${isBest ? ' best' : ''}`, isBest ? 8 : 6, `${isBest ? 'best plan: ' : ''}${describe(p)}`);
    c.setAttribute('data-index', i);
    c.addEventListener('click', () => select(p, c));
    c.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') select(p, c); });
    circles.push(c);
    g.append(c);
  });
  const bestEl = bestIndex >= 0 ? circles[bestIndex] : extraBest;
  if (bestEl) {
    g.append(s('text', { x: +bestEl.getAttribute('cx') + 11, y: +bestEl.getAttribute('cy') - 9, fill: '#b8860b', 'font-weight': 600, 'pointer-events': 'none' }, 'best'));
  }
  legend(g, m.l, H - 8, [
    { label: 'Pareto point (click for figures)', color: '#4e79a7', shape: 'circle' },
    { label: 'best plan', color: '#f2c744', stroke: '#b8860b', shape: 'circle' },
    { label: 'other feasible strategy', color: '#ccc', shape: 'circle' },
  ]);
  fill(container, root);
  if (best) select(best, bestEl);
}

function showSelected(container, e, isBest, onEstimate) {
  const mem = e.memory_per_gpu_gb || {};
  const p = e.parallel || {};
  const rows = [
    ['strategy', strategy(p)],
    ['degrees', `TP ${p.tp} · SP ${p.sp} · DP ${p.dp} · PP ${p.pp} · EP ${p.ep} · replicas ${p.replicas}`],
    ['GPUs', String((e.disaggregation && e.disaggregation.gpus) || p.gpus)],
    ['concurrency', String(e.concurrency)],
    ['output tokens/s per GPU', String(Math.round(e.output_tokens_per_s_per_gpu))],
    ['tokens/s per user', num(perUser(e.tpot_ms), 1)],
    ['TPOT', `${num(e.tpot_ms, 1)} ms`],
    ['TTFT', `${num(e.ttft_ms, 0)} ms`],
    ['memory per GPU', `${num(mem.total, 1)} of ${num(mem.capacity, 1)} GB`],
  ];
  fill(container,
    h('div', { class: 'selected-line' }, isBest ? h('span', { class: 'badge best' }, 'best') : null, h('span', { class: 'selected-text' }, describe(e))),
    h('table', { class: 'kv compact' }, h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v))))),
    onEstimate && !e.disaggregation
      ? h('button', { type: 'button', class: 'secondary', id: 'estimate-selected', onclick: () => onEstimate(e) }, 'Estimate this strategy')
      : null);
}
