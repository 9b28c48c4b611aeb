// Launch view: the commands (and extra files) for each engine, from the plan's `launch`.
import { h, fill, empty } from './format.js';

function copyButton(text) {
  return h('button', {
    type: 'button',
    class: 'small secondary',
    onclick: async (e) => {
      try {
        await navigator.clipboard.writeText(text);
        e.target.textContent = 'copied';
      } catch {
        e.target.textContent = 'copy failed';
      }
      setTimeout(() => { e.target.textContent = 'copy'; }, 1500);
    },
  }, 'copy');
}

export function renderLaunch(container, plan) {
  const launch = plan && plan.launch;
  if (!launch || (Array.isArray(launch) && !launch.length)) {
    fill(container, empty('Run Plan to get the launch commands of the best strategy.'));
    return;
  }
  const entries = Array.isArray(launch) ? launch : [launch];
  const parts = entries.map((l) => {
    if (typeof l === 'string') return h('pre', { class: 'cmd' }, l);
    const cmds = l.commands && l.commands.length ? l.commands : l.command ? [l.command] : [];
    const files = Object.entries(l.files || {});
    return h('section', { class: `block launch-engine${l.expressible === false ? ' not-expressible' : ''}` },
      h('h3', null, l.engine || 'engine', l.expressible === false ? h('span', { class: 'badge bad' }, 'cannot express this strategy') : null,
        l.model ? h('span', { class: 'muted' }, ` ${l.model}`) : null),
      cmds.map((c) => h('div', { class: 'cmd-wrap' }, copyButton(c), h('pre', { class: 'cmd' }, c))),
      files.map(([name, content]) => h('div', { class: 'cmd-wrap' }, h('div', { class: 'file-name' }, name), copyButton(content), h('pre', { class: 'cmd' }, content))),
      l.notes && l.notes.length ? h('ul', { class: 'notes' }, l.notes.map((n) => h('li', null, n))) : null);
  });
  fill(container,
    ...parts,
    plan.reproduce ? h('section', { class: 'block' }, h('h3', null, 'Reproduce with the CLI'), h('pre', { class: 'cmd' }, plan.reproduce)) : null);
}
