import { h } from '../dom.js';
import { formatCountdown } from '../format.js';
import { icon } from '../icons.js';
import { openModal } from './common.js';

/**
 * WCAG 2.2.1: warns before the refresh token's idle lifetime runs out and lets
 * the person extend it. Escape means « Rester connecté ».
 */
export function setupSessionDialog(auth) {
  let open = null;

  function show(warning) {
    const countdown = h('strong', { class: 'countdown' });
    const alert = h('p', { 'class': 'form-error', 'role': 'alert' });
    const stay = h('button', { type: 'button', class: 'button button-primary' }, 'Rester connecté');
    const leave = h('button', { type: 'button', class: 'button button-secondary' }, 'Se déconnecter');
    const dialog = h(
      'dialog',
      {
        'class': 'session-dialog',
        'role': 'alertdialog',
        'aria-modal': 'true',
        'aria-labelledby': 'session-dialog-title',
        'aria-describedby': 'session-dialog-text',
      },
      h(
        'h2',
        { id: 'session-dialog-title' },
        icon('timer'),
        h('span', {}, 'Votre session va bientôt expirer'),
      ),
      h(
        'p',
        { id: 'session-dialog-text' },
        'Sans action de votre part, vous serez déconnecté dans ',
        countdown,
        '.',
      ),
      alert,
      h('div', { class: 'dialog-actions' }, stay, leave),
    );

    const tick = () => {
      countdown.textContent = formatCountdown((warning.expiresAt - Date.now()) / 1000);
    };
    tick();
    const ticker = setInterval(tick, 1000);

    let busy = false;
    const act = async (task) => {
      if (busy) return;
      busy = true;
      alert.textContent = '';
      try {
        await task();
      } catch (error) {
        alert.textContent = error.message;
      } finally {
        busy = false;
      }
    };
    stay.addEventListener('click', () => act(() => auth.stayConnected()));
    leave.addEventListener('click', () => act(() => auth.signOut()));
    const close = openModal(dialog, { onCancel: () => act(() => auth.stayConnected()) });
    stay.focus();
    open = {
      close() {
        clearInterval(ticker);
        close();
      },
    };
  }

  auth.subscribe((state) => {
    if (state.warning && !open) show(state.warning);
    else if (!state.warning && open) {
      open.close();
      open = null;
    }
  });
}
