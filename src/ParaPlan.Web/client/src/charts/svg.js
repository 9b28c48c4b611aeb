// Helpers for the hand-drawn SVG charts: scales, ticks, axes, legends, colours.
import { s } from '../format.js';

export const COLORS = {
  weights: '#4e79a7',
  kv_cache: '#59a14f',
  activations: '#f28e2b',
  runtime: '#9c755f',
  compute: '#4e79a7',
  memory: '#59a14f',
  communication: '#e15759',
  overhead: '#bab0ac',
  mean: '#bab0ac',
  p50: '#4e79a7',
  p90: '#f28e2b',
  p99: '#e15759',
};

export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#bab0ac', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
  '#bcbd22', '#17becf'];

export function paletteColor(i) {
  if (i < PALETTE.length) return PALETTE[i];
  return `hsl(${(i * 137.508) % 360}, 55%, 55%)`;
}

/** Linear scale from [d0, d1] to [r0, r1]. */
export function linear(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  const f = (v) => r0 + ((v - d0) / span) * (r1 - r0);
  f.domain = [d0, d1];
  return f;
}

/** "Nice" ticks covering [lo, hi]. */
export function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => raw <= x) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** Upper bound rounded up to a tick. */
export function niceMax(v, count = 5) {
  if (!(v > 0)) return 1;
  const t = ticks(0, v, count);
  const last = t[t.length - 1];
  return last >= v ? last : last + (t[1] - t[0]);
}

export function fmtTick(v) {
  if (Math.abs(v) >= 10000) return `${+(v / 1000).toPrecision(4)}k`;
  return String(+v.toPrecision(6));
}

/** A root <svg> sized by viewBox, with a white background and a title. */
export function chartRoot(width, height, title) {
  const root = s('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    class: 'chart',
    'font-family': 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
    'font-size': 11,
  });
  root.append(s('rect', { x: 0, y: 0, width, height, fill: '#fff' }));
  if (title) root.append(s('text', { x: 8, y: 16, 'font-size': 13, 'font-weight': 600, fill: '#222' }, title));
  return root;
}

/** Horizontal axis at y (ticks from scale x over ticks t) with a label. */
export function xAxis(g, x, y, t, label, height) {
  const [r0, r1] = [x(x.domain[0]), x(x.domain[1])];
  g.append(s('line', { x1: r0, x2: r1, y1: y, y2: y, stroke: '#444' }));
  for (const v of t) {
    const px = x(v);
    if (height) g.append(s('line', { x1: px, x2: px, y1: y, y2: y - height, stroke: '#eee' }));
    g.append(s('line', { x1: px, x2: px, y1: y, y2: y + 4, stroke: '#444' }));
    g.append(s('text', { x: px, y: y + 15, 'text-anchor': 'middle', fill: '#333' }, fmtTick(v)));
  }
  if (label) g.append(s('text', { x: (r0 + r1) / 2, y: y + 32, 'text-anchor': 'middle', fill: '#222' }, label));
}

/** Vertical axis at x with gridlines of the given width. */
export function yAxis(g, y, x, t, label, width) {
  const [r0, r1] = [y(y.domain[0]), y(y.domain[1])];
  g.append(s('line', { x1: x, x2: x, y1: r0, y2: r1, stroke: '#444' }));
  for (const v of t) {
    const py = y(v);
    if (width) g.append(s('line', { x1: x, x2: x + width, y1: py, y2: py, stroke: '#eee' }));
    g.append(s('line', { x1: x - 4, x2: x, y1: py, y2: py, stroke: '#444' }));
    g.append(s('text', { x: x - 7, y: py + 4, 'text-anchor': 'end', fill: '#333' }, fmtTick(v)));
  }
  if (label) {
    const cy = (r0 + r1) / 2;
    g.append(s('text', { x: x - 44, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 ${x - 44} ${cy})`, fill: '#222' }, label));
  }
}

/** A row of legend entries [{label, color, shape}] starting at (x, y); returns the width used. */
export function legend(g, x, y, entries) {
  let cx = x;
  for (const e of entries) {
    if (e.shape === 'line') {
      g.append(s('line', { x1: cx, x2: cx + 14, y1: y - 4, y2: y - 4, stroke: e.color, 'stroke-width': 2, 'stroke-dasharray': e.dash || null }));
    } else if (e.shape === 'circle') {
      g.append(s('circle', { cx: cx + 6, cy: y - 4, r: 5, fill: e.color, stroke: e.stroke || 'none', 'stroke-width': 2 }));
    } else {
      g.append(s('rect', { x: cx, y: y - 10, width: 12, height: 12, fill: e.color }));
    }
    g.append(s('text', { x: cx + 18, y: y, fill: '#222' }, e.label));
    cx += 28 + e.label.length * 6.2;
  }
  return cx - x;
}

/** A padded, tick-aligned range around the data [lo, hi]: returns {lo, hi, ticks}. */
export function niceRange(lo, hi, count = 6) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1, ticks: ticks(0, 1, count) };
  let span = hi - lo;
  if (span <= 0) span = Math.abs(hi) * 0.2 || 1;
  let a = Math.max(0, lo - span * 0.1);
  const b = hi + span * 0.1;
  if (a < span * 0.5) a = 0; // close to zero: start at zero
  const t = ticks(a, b, count);
  const step = t.length > 1 ? t[1] - t[0] : (b - a);
  const nlo = Math.floor(a / step) * step;
  const nhi = Math.ceil(b / step) * step;
  return { lo: nlo, hi: nhi, ticks: ticks(nlo, nhi, count).filter((v) => v >= nlo - 1e-9 && v <= nhi + 1e-9) };
}

/**
 * Moves clickable markers apart so that no marker's centre lies under another (each stays clickable).
 * points: [{x, y}] in pixels, in drawing order; returns new [{x, y, moved}].
 */
export function declutter(points, minDist) {
  const placed = [];
  for (const p of points) {
    let best = { x: p.x, y: p.y };
    const free = (q) => placed.every((o) => Math.hypot(o.x - q.x, o.y - q.y) >= minDist);
    if (!free(best)) {
      search: for (let ring = 1; ring <= 6; ring++) {
        for (let k = 0; k < 8; k++) {
          const ang = (k * Math.PI) / 4 + (ring % 2 ? Math.PI / 8 : 0);
          const q = { x: p.x + Math.cos(ang) * minDist * ring, y: p.y + Math.sin(ang) * minDist * ring };
          if (free(q)) {
            best = q;
            break search;
          }
        }
      }
    }
    placed.push({ x: best.x, y: best.y, moved: best.x !== p.x || best.y !== p.y });
  }
  return placed;
}
