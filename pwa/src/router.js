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

/** A screen's `path` is a string, or a RegExp whose named groups become `params`. */
export function matchScreen(screens, path) {
  for (const screen of screens) {
    if (typeof screen.path === 'string' && screen.path === path) return { screen, params: {} };
    if (screen.path instanceof RegExp) {
      const match = screen.path.exec(path);
      if (match) {
        const params = Object.fromEntries(
          Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value)]),
        );
        return { screen, params };
      }
    }
  }
  return null;
}

/** The in-app address this history entry was opened from, or null (typed, shared or opened from elsewhere). */
export function openedFrom(historyState = window.history.state) {
  return typeof historyState?.from === 'string' ? historyState.from : null;
}

export function createRouter({ outlet, navLinks, screens, notFound, appName }) {
  let cleanup = null;
  const listeners = new Set();

  function render({ focus, restored = false }) {
    const path = normalisePath(window.location.pathname);
    const { screen, params } = matchScreen(screens, path) ?? { screen: notFound, params: {} };
    cleanup?.();
    outlet.replaceChildren();
    const setTitle = (title) => {
      document.title = title ? `${title} · ${appName}` : appName;
    };
    setTitle(screen === screens[0] ? null : screen.title);
    cleanup =
      screen.mount(outlet, {
        params,
        query: new URLSearchParams(window.location.search),
        navigate,
        setTitle,
        restored,
      }) ?? null;
    for (const link of navLinks) {
      if (normalisePath(new URL(link.href).pathname) === path) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (focus) outlet.querySelector('h1')?.focus({ preventScroll: restored });
    for (const listener of listeners) listener(path);
  }

  function navigate(path, { replace = false } = {}) {
    const target = new URL(path, window.location.href);
    const current = window.location.pathname + window.location.search;
    if (replace) window.history.replaceState(window.history.state, '', target.pathname + target.search);
    else if (target.pathname + target.search !== current) {
      // Each entry knows the in-app address it was opened from, so a « Retour » link can go back to it.
      window.history.pushState({ from: current }, '', target.pathname + target.search);
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
  // Back and forward: the screen may restore its own scroll position (`restored`).
  window.history.scrollRestoration = 'manual';
  window.addEventListener('popstate', () => {
    window.scrollTo(0, 0);
    render({ focus: true, restored: true });
  });

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
