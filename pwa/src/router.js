// History-API router: the server answers every non-/api path with index.html.
export function normalisePath(pathname) {
  const trimmed = pathname.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function isInternalLink(anchor, event) {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target || anchor.hasAttribute('download')) return false;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return false;
  if (url.pathname.startsWith('/api/')) return false;
  // In-page anchors such as the skip link keep their native behaviour.
  return !(url.pathname === window.location.pathname && url.hash);
}

export function createRouter({ outlet, navLinks, screens, notFound, appName }) {
  let cleanup = null;
  const listeners = new Set();

  function screenFor(path) {
    return screens.find((screen) => screen.path === path) ?? notFound;
  }

  function render({ focus }) {
    const path = normalisePath(window.location.pathname);
    const screen = screenFor(path);
    cleanup?.();
    outlet.replaceChildren();
    cleanup = screen.mount(outlet) ?? null;
    document.title = screen === screens[0] ? appName : `${screen.title} · ${appName}`;
    for (const link of navLinks) {
      if (normalisePath(new URL(link.href).pathname) === path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (focus) outlet.querySelector('h1')?.focus();
    for (const listener of listeners) listener(path);
  }

  function navigate(path) {
    if (normalisePath(path) !== normalisePath(window.location.pathname)) {
      window.history.pushState(null, '', path);
    }
    window.scrollTo(0, 0);
    render({ focus: true });
  }

  document.addEventListener('click', (event) => {
    const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!anchor || !isInternalLink(anchor, event)) return;
    event.preventDefault();
    const url = new URL(anchor.href);
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => render({ focus: true }));

  return {
    start: () => render({ focus: false }),
    navigate,
    onChange(listener) {
      listeners.add(listener);
    },
    get path() {
      return normalisePath(window.location.pathname);
    },
  };
}
