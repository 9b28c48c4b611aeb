// Memory per GPU (stacked bars against capacity and limit) and step time (by category and by operator).
import { s, h, fill, strategy, num, empty, table } from '../format.js';
import { chartRoot, linear, ticks, niceMax, xAxis, legend, COLORS } from './svg.js';

const SEGMENTS = [
  ['weights', 'weights'],
  ['kv_cache', 'KV cache'],
  ['activations', 'activations'],
  ['runtime', 'runtime'],
];

function memoryRows(est) {
  const d = est.disaggregation;
  if (d && d.prefill && d.decode) {
    return [
      { label: `prefill pool (${strategy(d.prefill.instance)})`, mem: d.prefill.memory || {} },
      { label: `decode pool (${strategy(d.decode.instance)})`, mem: d.decode.memory || est.memory_per_gpu_gb || {} },
    ];
  }
  return [{ label: `per GPU (${strategy(est.parallel)})`, mem: est.memory_per_gpu_gb || {} }];
}

export function renderMemory(container, est) {
  if (!est || !est.memory_per_gpu_gb) {
    fill(container, empty('Run Plan or Estimate to see the memory per GPU.'));
    return;
  }
  const rows = memoryRows(est);
  const W = 760;
  const m = { l: 280, r: 30, t: 40, b: 70 };
  const barH = 34;
  const gap = 22;
  const H = m.t + rows.length * (barH + gap) + m.b;
  const maxV = niceMax(Math.max(...rows.map((r) => Math.max(r.mem.capacity || 0, r.mem.total || 0, r.mem.limit || 0))) * 1.02);
  const x = linear(0, maxV, m.l, W - m.r);
  const root = chartRoot(W, H, 'Memory per GPU (GB)');
  const g = s('g');
  root.append(g);
  const axisY = H - m.b + 8;
  xAxis(g, x, axisY, ticks(0, maxV, 8), 'GB per GPU (decimal, 1e9 bytes)', axisY - m.t + 6);
  rows.forEach((r, i) => {
    const y0 = m.t + i * (barH + gap);
    g.append(s('text', { x: m.l - 8, y: y0 + barH / 2 + 4, 'text-anchor': 'end', fill: '#222' }, r.label));
    let acc = 0;
    for (const [key, label] of SEGMENTS) {
      const v = r.mem[key] || 0;
      if (v <= 0) continue;
      g.append(s('rect', { class: `mem-${key}`, x: x(acc), y: y0, width: Math.max(0.5, x(acc + v) - x(acc)), height: barH, fill: COLORS[key] },
        s('title', null, `${label}: ${num(v, 2)} GB`)));
      if (x(acc + v) - x(acc) > 34) {
        g.append(s('text', { x: (x(acc) + x(acc + v)) / 2, y: y0 + barH / 2 + 4, 'text-anchor': 'middle', fill: '#fff' }, num(v, 1)));
      }
      acc += v;
    }
    g.append(s('text', { x: x(acc) + 4, y: y0 - 3, fill: '#222' }, `total ${num(r.mem.total ?? acc, 1)} GB`));
    if (r.mem.limit) {
      g.append(s('line', { x1: x(r.mem.limit), x2: x(r.mem.limit), y1: y0 - 6, y2: y0 + barH + 6, stroke: '#f28e2b', 'stroke-width': 2, 'stroke-dasharray': '5 3' },
        s('title', null, `limit ${num(r.mem.limit, 2)} GB (capacity x max_memory_utilization)`)));
    }
    if (r.mem.capacity) {
      g.append(s('line', { x1: x(r.mem.capacity), x2: x(r.mem.capacity), y1: y0 - 6, y2: y0 + barH + 6, stroke: '#d62728', 'stroke-width': 2 },
        s('title', null, `capacity ${num(r.mem.capacity, 2)} GB`)));
    }
  });
  legend(g, 90, H - 10, [
    ...SEGMENTS.map(([k, label]) => ({ label, color: COLORS[k] })),
    { label: 'limit', color: '#f28e2b', shape: 'line', dash: '5 3' },
    { label: 'capacity', color: '#d62728', shape: 'line' },
  ]);
  const keys = ['weights', 'attention_weights', 'expert_weights', 'dense_weights', 'embedding_weights', 'kv_cache', 'activations', 'runtime', 'total', 'limit', 'capacity'];
  const details = table(['GB per GPU', ...rows.map((r) => r.label)],
    [...keys.map((k) => [k.replace(/_/g, ' '), ...rows.map((r) => num(r.mem[k], 2))]),
      ['KV cache per sequence (MB)', ...rows.map((r) => num(r.mem.kv_cache_per_sequence_mb, 1))]],
    { class: 'data' });
  fill(container, root, details);
}

function phaseRows(phase) {
  const cats = ['compute', 'memory', 'communication', 'overhead'].map((k) => ({
    label: `${k} (ms)`, value: phase[`${k}_ms`] || 0, color: COLORS[k], title: `${k}: ${num(phase[`${k}_ms`], 3)} ms`,
  }));
  const ops = [...(phase.operators || [])].sort((a, b) => b.time_ms - a.time_ms).map((o) => ({
    label: `${o.operator}${o.count > 1 ? ` ×${o.count}` : ''}`,
    value: o.time_ms || 0,
    color: COLORS[o.bound] || COLORS[o.kind] || '#888',
    title: `${o.operator}: ${num(o.time_ms, 3)} ms over ${o.count} call(s), ${o.kind}, bound by ${o.bound}`,
  }));
  return { cats, ops };
}

export function renderStep(container, est) {
  const phases = [['decode', est && est.decode], ['prefill', est && est.prefill]].filter(([, p]) => p && typeof p.step_ms === 'number');
  if (!phases.length) {
    fill(container, empty('Run Plan or Estimate to see the step time breakdown.'));
    return;
  }
  const W = 780;
  const m = { l: 330, r: 60 };
  const rowH = 16;
  let y = 36;
  const root = chartRoot(W, 100, 'Step time by category and by operator');
  const g = s('g');
  root.append(g);
  for (const [name, p] of phases) {
    const { cats, ops } = phaseRows(p);
    const maxV = niceMax(Math.max(p.step_ms, ...cats.map((c) => c.value), ...ops.map((o) => o.value)) * 1.02);
    const x = linear(0, maxV, m.l, W - m.r);
    const steps = p.steps > 1 ? `, ${p.steps} steps` : '';
    g.append(s('text', { x: 8, y, 'font-weight': 600, 'font-size': 12, fill: '#222' },
      `${name}: step ${num(p.step_ms, 2)} ms, ${p.tokens_per_step ?? '?'} tokens per step${steps}`));
    y += 10;
    const top = y;
    const drawRow = (r, cls) => {
      g.append(s('text', { x: m.l - 6, y: y + rowH - 4, 'text-anchor': 'end', fill: '#333' }, r.label.length > 52 ? `${r.label.slice(0, 50)}…` : r.label));
      g.append(s('rect', { class: cls, x: m.l, y: y + 2, width: Math.max(0.5, x(r.value) - m.l), height: rowH - 4, fill: r.color }, s('title', null, r.title)));
      g.append(s('text', { x: x(r.value) + 4, y: y + rowH - 4, fill: '#333' }, num(r.value, r.value < 10 ? 2 : 1)));
      y += rowH;
    };
    drawRow({ label: 'whole step (ms)', value: p.step_ms, color: '#333', title: `step ${num(p.step_ms, 3)} ms` }, 'step-total');
    cats.forEach((c) => drawRow(c, 'step-category'));
    y += 6;
    g.append(s('line', { x1: 8, x2: W - 8, y1: y, y2: y, stroke: '#ddd' }));
    y += 4;
    ops.forEach((o) => drawRow(o, 'step-operator'));
    xAxis(g, x, y + 4, ticks(0, maxV, 6), `${name} time per step (ms)`, y + 4 - top);
    y += 58;
  }
  legend(g, 8, y, [
    { label: 'compute-bound', color: COLORS.compute },
    { label: 'memory-bound', color: COLORS.memory },
    { label: 'communication', color: COLORS.communication },
    { label: 'overhead', color: COLORS.overhead },
  ]);
  y += 14;
  root.setAttribute('viewBox', `0 0 ${W} ${y}`);
  root.setAttribute('height', y);
  root.querySelector('rect').setAttribute('height', y);
  const note = h('p', { class: 'note' }, 'Category times overlap (compute and memory traffic run concurrently), so they need not add up to the step. Operator bars are coloured by what bounds them.');
  fill(container, root, note);
}
