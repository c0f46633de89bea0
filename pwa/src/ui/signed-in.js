import { h, setChildren } from '../dom.js';
import { errorBlock, skeletonList } from './common.js';

/**
 * Renders `render(user)` into `container` while someone is signed in, and says what to do otherwise.
 * `render` may return a cleanup. Returns the screen's cleanup.
 */
export function whenSignedIn(auth, container, { render, signedOutText }) {
  let renderedKey = null;
  let cleanup = null;
  const update = (state) => {
    const key = `${state.status}|${state.user?.id ?? ''}`;
    if (key === renderedKey) return;
    renderedKey = key;
    cleanup?.();
    cleanup = null;
    container.removeAttribute('aria-busy');
    if (state.status === 'signed-in') {
      cleanup = render(state.user) ?? null;
    } else if (state.status === 'signed-out') {
      setChildren(
        container,
        h(
          'div',
          { class: 'card' },
          h('p', {}, signedOutText),
          h('a', { class: 'button button-primary', href: '/compte' }, 'Se connecter ou créer un compte'),
        ),
      );
    } else if (state.status === 'unavailable') {
      setChildren(
        container,
        errorBlock({ message: state.error }, () => auth.start()),
      );
    } else {
      container.setAttribute('aria-busy', 'true');
      setChildren(container, skeletonList(2, 'Chargement de votre session…'));
    }
  };
  update(auth.state);
  const unsubscribe = auth.subscribe(update);
  return () => {
    unsubscribe();
    cleanup?.();
  };
}

/** A polite status line for « Informations enregistrées. » and the like. */
export function statusLine() {
  const element = h('p', { class: 'status-line', role: 'status' });
  let timer = null;
  return {
    element,
    say(message) {
      clearTimeout(timer);
      element.textContent = message;
      timer = setTimeout(() => {
        if (element.textContent === message) element.textContent = '';
      }, 10_000);
    },
  };
}
