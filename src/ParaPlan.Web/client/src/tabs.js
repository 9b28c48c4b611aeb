// Tabs over the result views: #tab-<name> shows #view-<name>.
export function createTabs(bar, onShow) {
  const tabs = [...bar.querySelectorAll('[role=tab]')];
  let active = null;
  function show(name) {
    for (const t of tabs) {
      const on = t.id === `tab-${name}`;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.classList.toggle('active', on);
      const view = document.getElementById(t.getAttribute('aria-controls'));
      if (view) view.hidden = !on;
    }
    active = name;
    if (onShow) onShow(name);
  }
  for (const t of tabs) t.addEventListener('click', () => show(t.id.replace(/^tab-/, '')));
  bar.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === `tab-${active}`);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    show(next.id.replace(/^tab-/, ''));
    next.focus();
  });
  return { show, get active() { return active; } };
}
