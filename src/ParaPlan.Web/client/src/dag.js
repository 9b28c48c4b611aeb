// The deployment DAG: Graphviz SVG from the server, inserted inline with pan and zoom.
import svgPanZoom from 'svg-pan-zoom';
import { fill, empty, h } from './format.js';

let panZoom = null;

function destroy() {
  if (panZoom) {
    try {
      panZoom.destroy();
    } catch {
      /* already gone */
    }
    panZoom = null;
  }
}

/** Inserts the SVG text into container (which must be visible, for pan-zoom to measure it). */
export function renderDag(container, svgText) {
  destroy();
  if (!svgText) {
    fill(container, empty('Press DAG to draw the deployment graph of the scenario\'s strategy.'));
    return;
  }
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length) {
    fill(container, h('p', { class: 'infeasible' }, 'The server sent a DAG that is not valid SVG.'));
    return;
  }
  for (const el of svg.querySelectorAll('script, foreignObject')) el.remove();
  for (const el of svg.querySelectorAll('*')) {
    for (const a of [...el.attributes]) if (/^on/i.test(a.name)) el.removeAttribute(a.name);
  }
  const node = document.importNode(svg, true);
  node.removeAttribute('width');
  node.removeAttribute('height');
  node.setAttribute('class', 'dag-svg');
  fill(container, node);
  try {
    panZoom = svgPanZoom(node, { controlIconsEnabled: true, fit: true, center: true, minZoom: 0.05, maxZoom: 40, zoomScaleSensitivity: 0.3 });
  } catch (e) {
    container.append(h('p', { class: 'note' }, `pan and zoom unavailable: ${e.message}`));
  }
}

/** Re-fits the DAG when its view is shown again (sizes change while hidden). */
export function refitDag() {
  if (!panZoom) return;
  try {
    panZoom.resize();
    panZoom.fit();
    panZoom.center();
  } catch {
    /* not visible */
  }
}
