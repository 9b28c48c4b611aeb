// GPU map: nodes x GPUs per node, one cell per GPU coloured by stage, EP rank, DP rank... (chosen in #gpu-color).
import { s, h, fill, empty } from './format.js';
import { chartRoot, paletteColor } from './charts/svg.js';

export const COLOR_KEYS = [
  ['stage', 'pipeline stage'],
  ['ep_rank', 'EP rank'],
  ['dp_rank', 'DP rank'],
  ['tp_rank', 'TP rank'],
  ['sp_rank', 'SP rank'],
  ['replica', 'replica'],
  ['pool', 'pool (prefill/decode)'],
];

function range(r) {
  if (!r || typeof r !== 'object') return '–';
  return r.count === 0 ? 'none' : `${r.start}–${r.end - 1} (${r.count})`;
}

function describe(e) {
  const lines = [
    `GPU ${e.gpu} on node ${e.node}${e.pool ? `, ${e.pool} pool` : ''}`,
    `replica ${e.replica}, stage ${e.stage}, DP ${e.dp_rank}, SP ${e.sp_rank}, TP ${e.tp_rank}, EP ${e.ep_rank}`,
    `layers ${range(e.layers)}`,
    `attention heads ${range(e.attention_heads)}, KV heads ${range(e.kv_heads)}`,
    `experts ${range(e.experts)}`,
  ];
  const extra = [e.holds_embedding && 'embedding', e.holds_lm_head && 'LM head'].filter(Boolean);
  if (extra.length) lines.push(`holds ${extra.join(' and ')}`);
  return lines.join('\n');
}

function distinct(mapping, key) {
  return [...new Set(mapping.map((e) => e[key]).filter((v) => v !== undefined && v !== null))];
}

/** The colour key to start with: the first one that tells GPUs apart. */
export function defaultColorKey(mapping) {
  for (const [k] of [['pool'], ['stage'], ['ep_rank'], ['dp_rank'], ['tp_rank'], ['replica']]) {
    if (distinct(mapping, k).length > 1) return k;
  }
  return 'stage';
}

export function renderGpuMap(container, mapping, key) {
  if (!mapping || !mapping.length) {
    fill(container, empty('Run Plan to see which GPU holds what (the map comes with a plan).'));
    return;
  }
  const nodes = [...new Set(mapping.map((e) => e.node))].sort((a, b) => a - b);
  const byNode = new Map(nodes.map((n) => [n, mapping.filter((e) => e.node === n).sort((a, b) => a.gpu - b.gpu)]));
  const perNode = Math.max(...[...byNode.values()].map((l) => l.length));
  const values = distinct(mapping, key).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const color = (v) => (v === undefined || v === null ? '#ddd' : paletteColor(values.indexOf(v)));
  const cw = 92;
  const ch = 54;
  const m = { l: 70, t: 44 };
  const legendRows = Math.ceil(Math.min(values.length, 48) / 8);
  const W = Math.max(m.l + perNode * cw + 10, 560);
  const H = m.t + nodes.length * ch + 24 + legendRows * 18 + 10;
  const label = (COLOR_KEYS.find(([k]) => k === key) || [key, key])[1];
  const root = chartRoot(W, H, `GPU map: ${mapping.length} GPUs on ${nodes.length} node(s), coloured by ${label}`);
  const g = s('g');
  root.append(g);
  for (let j = 0; j < perNode; j++) {
    g.append(s('text', { x: m.l + j * cw + (cw - 6) / 2, y: m.t - 6, 'text-anchor': 'middle', fill: '#555' }, `local ${j}`));
  }
  nodes.forEach((n, i) => {
    const y = m.t + i * ch;
    g.append(s('text', { x: m.l - 8, y: y + ch / 2 + 2, 'text-anchor': 'end', fill: '#222', 'font-weight': 600 }, `node ${n}`));
    byNode.get(n).forEach((e, j) => {
      const x = m.l + j * cw;
      const v = e[key];
      const cell = s('g', { class: 'gpu-cell', 'data-gpu': e.gpu, 'data-node': e.node, 'data-value': v ?? '' },
        s('title', null, describe(e)),
        s('rect', { x, y, width: cw - 6, height: ch - 6, rx: 4, fill: color(v), stroke: '#333', 'stroke-width': 0.5 }),
        s('text', { x: x + 6, y: y + 15, fill: '#fff', 'font-weight': 600 }, `GPU ${e.gpu}`),
        s('text', { x: x + 6, y: y + 29, fill: '#fff', 'font-size': 10 }, `${key.replace('_rank', '')} ${v ?? '–'}`),
        s('text', { x: x + 6, y: y + 42, fill: '#fff', 'font-size': 9 },
          e.experts && e.experts.count ? `L${e.layers.start}-${e.layers.end - 1} E${e.experts.start}-${e.experts.end - 1}` : `L${e.layers ? `${e.layers.start}-${e.layers.end - 1}` : '?'}`));
      g.append(cell);
    });
  });
  let ly = m.t + nodes.length * ch + 20;
  g.append(s('text', { x: 8, y: ly, fill: '#222' }, `${label}:`));
  const lx0 = 16 + label.length * 6.5;
  values.slice(0, 48).forEach((v, i) => {
    const lx = lx0 + (i % 8) * 64;
    const yy = ly + Math.floor(i / 8) * 18;
    g.append(s('rect', { x: lx, y: yy - 10, width: 12, height: 12, fill: color(v) }));
    g.append(s('text', { x: lx + 16, y: yy, fill: '#222' }, String(v)));
  });
  if (values.length > 48) g.append(s('text', { x: 8, y: ly + legendRows * 18, fill: '#555' }, `… ${values.length - 48} more`));
  fill(container, root, h('p', { class: 'note' }, 'Hover a GPU for its layers, attention and KV heads and experts. L = layers, E = experts (ranges inclusive).'));
}
