import { h } from '../dom.js';

/** Toasts sit above the bottom navigation, in a polite live region. */
export function createToasts(container) {
  return function showToast({ message, action = null, timeoutMs = 8000 }) {
    const toast = h('div', { class: 'toast' }, h('p', {}, message));
    const dismiss = () => toast.remove();
    if (action) {
      toast.append(
        h(
          'button',
          {
            type: 'button',
            class: 'button button-on-dark',
            onclick: () => {
              action.onClick();
              if (action.dismiss !== false) dismiss();
            },
          },
          action.label,
        ),
      );
    }
    container.append(toast);
    if (timeoutMs) setTimeout(dismiss, timeoutMs);
    return dismiss;
  };
}
