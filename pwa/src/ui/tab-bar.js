// The bottom navigation stays one row whatever the text size (RGAA 10.4): while the five labels fit
// it shows the five tabs; when enlarged text no longer fits, it shows the current section and a
// « Menu » button that opens the full list, every label whole and readable.

const COMPACT = 'tab-bar-compact';
const OPEN = 'tab-bar-open';

function labelsFit(nav) {
  const links = [...nav.querySelectorAll('li a')];
  const tops = new Set(links.map((link) => Math.round(link.getBoundingClientRect().top)));
  if (tops.size > 1) return false;
  return links.every((link) => {
    const label = link.querySelector('.tab-label');
    return !label || label.scrollWidth <= link.clientWidth;
  });
}

export function setupTabBar(nav) {
  const list = nav.querySelector('ul');
  list.id ||= 'tab-list';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'tab-menu';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', list.id);
  button.textContent = 'Menu';
  nav.append(button);

  function setOpen(open) {
    nav.classList.toggle(OPEN, open);
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Fermer le menu' : 'Menu';
  }

  function update() {
    // Measured in the full layout; switching classes in one task paints only the final state.
    const wasCompact = nav.classList.contains(COMPACT);
    nav.classList.remove(COMPACT, OPEN);
    const compact = !labelsFit(nav);
    nav.classList.toggle(COMPACT, compact);
    if (compact && wasCompact && button.getAttribute('aria-expanded') === 'true') nav.classList.add(OPEN);
    if (!compact) setOpen(false);
  }

  button.addEventListener('click', () => {
    const open = !nav.classList.contains(OPEN);
    setOpen(open);
    if (open) list.querySelector('a[aria-current="page"], a')?.focus();
  });
  nav.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && nav.classList.contains(OPEN)) {
      setOpen(false);
      button.focus();
    }
  });
  list.addEventListener('click', (event) => {
    if (event.target.closest('a')) setOpen(false);
  });
  document.addEventListener('click', (event) => {
    if (nav.classList.contains(OPEN) && !nav.contains(event.target)) setOpen(false);
  });

  // Text zoom changes the bar's size; a resize of the window changes the room it has.
  let scheduled = false;
  const observer = new ResizeObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      update();
    });
  });
  observer.observe(nav);
  observer.observe(document.documentElement);
  update();
  return { update };
}
