// « En attente d'envoi »: the actions made with no network, what became of each once the network came back.
import { h, setChildren } from '../../dom.js';
import { formatTime } from '../../format.js';
import { doneText, refusedText } from './counter-send.js';

export function queueSection({ queue, shop, user, onSent }) {
  const list = h('ul', { 'class': 'queue-list', 'aria-label': 'Opérations en attente d’envoi' });
  const said = h('div', { 'class': 'queue-said', 'role': 'status' });
  const sendNow = h(
    'button',
    {
      type: 'button',
      class: 'button button-secondary button-compact',
      onclick: () => queue.flush({ userId: user.id }).catch(() => {}),
    },
    'Envoyer maintenant',
  );
  const element = h(
    'section',
    { 'class': 'card queue-card', 'aria-labelledby': 'queue-title', 'hidden': true },
    h('h2', { id: 'queue-title' }, 'En attente d’envoi'),
    h('p', { class: 'hint' }, 'Faites sans réseau, ces opérations partiront une seule fois dès son retour.'),
    list,
    sendNow,
    said,
  );
  // What was sent since the screen opened, said once and kept on screen.
  const sent = [];

  function item(entry) {
    const refused = entry.status === 'refused';
    const dismiss = refused
      ? h(
          'button',
          { type: 'button', class: 'button button-secondary button-compact', onclick: () => queue.dismiss(entry.key) },
          'Retirer',
          h('span', { class: 'visually-hidden' }, ` : ${entry.label}`),
        )
      : null;
    return h(
      'li',
      { class: `queue-item${refused ? ' is-refused' : ''}` },
      h('p', { class: 'queue-label' }, entry.label),
      h(
        'p',
        { class: 'queue-status' },
        refused ? refusedText(entry) : `En attente d’envoi · faite à ${formatTime(new Date(entry.createdAt))}`,
      ),
      dismiss,
    );
  }

  async function render() {
    const entries = await queue.list({ userId: user.id, shopId: shop.id });
    if (!element.isConnected && !element.parentNode) return;
    const pending = entries.some((entry) => entry.status === 'pending');
    setChildren(list, entries.map(item));
    sendNow.hidden = !pending;
    element.hidden = entries.length === 0 && sent.length === 0;
  }

  const onChange = () => render();
  const onSentEvent = (event) => {
    const { item: done, answer } = event.detail;
    if (done.shopId !== shop.id) return;
    sent.push(done.key);
    said.append(h('p', { class: 'notice notice-success' }, `Envoyé : ${done.label} — ${doneText(done.kind, answer).replace(/\.$/, '')}.`));
    onSent();
  };
  queue.events.addEventListener('change', onChange);
  queue.events.addEventListener('sent', onSentEvent);
  render();
  return {
    element,
    render,
    destroy() {
      queue.events.removeEventListener('change', onChange);
      queue.events.removeEventListener('sent', onSentEvent);
    },
  };
}
