// Latency percentiles from the request-by-request simulation: TTFT, TPOT, ITL, E2E (mean, P50, P90, P99).
import { s, fill, num, empty, table, h } from '../format.js';
import { chartRoot, linear, ticks, niceMax, yAxis, legend, COLORS } from './svg.js';

const METRICS = [['ttft_ms', 'TTFT'], ['tpot_ms', 'TPOT'], ['itl_ms', 'ITL'], ['e2e_ms', 'E2E']];
const STATS = ['mean', 'p50', 'p90', 'p99'];

export function renderPercentiles(container, est) {
  if (!est) {
    fill(container, empty('Run Plan or Estimate to see latency percentiles.'));
    return;
  }
  const lat = est.latency;
  const present = lat ? METRICS.filter(([k]) => lat[k]) : [];
  if (!present.length) {
    fill(container, h('p', { class: 'empty no-sim' }, 'This run has no simulation: no latency percentiles (the estimate is analytical only).'));
    return;
  }
  const panelW = 180;
  const W = 60 + present.length * panelW;
  const H = 320;
  const m = { t: 40, b: 60 };
  const root = chartRoot(W, H, 'Simulated latency percentiles (ms)');
  const g = s('g');
  root.append(g);
  present.forEach(([key, label], i) => {
    const d = lat[key];
    const x0 = 60 + i * panelW;
    const maxV = niceMax(Math.max(...STATS.map((st) => d[st] || 0)) * 1.05);
    const y = linear(0, maxV, H - m.b, m.t);
    yAxis(g, y, x0, ticks(0, maxV, 5), null, panelW - 30);
    const bw = (panelW - 50) / STATS.length;
    STATS.forEach((st, j) => {
      const v = d[st];
      if (typeof v !== 'number') return;
      const bx = x0 + 8 + j * bw;
      g.append(s('rect', { class: `pct-${st}`, x: bx, y: y(v), width: bw - 4, height: Math.max(0.5, y(0) - y(v)), fill: COLORS[st] },
        s('title', null, `${label} ${st}: ${num(v, 2)} ms`)));
      g.append(s('text', { x: bx + (bw - 4) / 2, y: y(v) - 3, 'text-anchor': 'middle', 'font-size': 9, fill: '#333' }, num(v, v < 100 ? 1 : 0)));
      g.append(s('text', { x: bx + (bw - 4) / 2, y: H - m.b + 13, 'text-anchor': 'middle', 'font-size': 10, fill: '#333' }, st.toUpperCase()));
    });
    g.append(s('text', { x: x0 + (panelW - 30) / 2, y: H - m.b + 32, 'text-anchor': 'middle', 'font-weight': 600, fill: '#222' }, `${label} (ms)`));
  });
  legend(g, 60, H - 8, STATS.map((st) => ({ label: st === 'mean' ? 'mean' : st.toUpperCase(), color: COLORS[st] })));
  const rows = present.map(([k, label]) => [label, ...STATS.map((st) => num(lat[k][st], 2))]);
  const sim = est.simulation;
  const extra = [];
  if (typeof est.achieved_requests_per_s === 'number') extra.push(`achieved ${num(est.achieved_requests_per_s, 2)} requests/s`);
  if (typeof est.goodput_requests_per_s === 'number') extra.push(`goodput ${num(est.goodput_requests_per_s, 2)} requests/s`);
  if (typeof est.mean_running_sequences === 'number') extra.push(`${num(est.mean_running_sequences, 1)} sequences running on average`);
  if (est.saturated) extra.push('saturated: requests queue without bound');
  if (sim && typeof sim === 'object' && sim.requests) extra.push(`${sim.requests} simulated requests`);
  fill(container, root, table(['ms', 'mean', 'P50', 'P90', 'P99'], rows, { class: 'data' }), extra.length ? h('p', { class: 'note' }, extra.join(' · ')) : null);
}
