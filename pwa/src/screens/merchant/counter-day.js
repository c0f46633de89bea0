// « Opérations du jour »: the shop's movements of today, newest first, with « Annuler » (after a confirmation)
// for those this merchant can still reverse.
import { h, setChildren } from '../../dom.js';
import { formatPrice, formatTime } from '../../format.js';
import { emptyState, errorBlock, openModal, skeletonList } from '../../ui/common.js';
import { statusLine } from '../../ui/signed-in.js';
import { signedPoints } from '../loyalty/points.js';
import { doneText, sendOrQueue } from './counter-send.js';

const KIND_LABELS = {
  earn: 'Points donnés',
  redeem: 'Récompense',
  reverse: 'Annulation',
  expire: 'Expiration',
};

/** Whether « Annuler » is offered: an earn or a redemption of this merchant's, not yet reversed, inside its 14 days. */
export function canReverse(transaction, now = new Date()) {
  if (transaction.reversed || transaction.made_by_you === false) return false;
  if (transaction.kind !== 'earn' && transaction.kind !== 'redeem') return false;
  return Boolean(transaction.reversible_until) && new Date(transaction.reversible_until) > now;
}

/** Resolves true when the merchant confirms; « Non, la garder » and Escape resolve false. */
function confirmReversal(transaction) {
  const what =
    transaction.kind === 'earn'
      ? `Les ${signedPoints(transaction.points).slice(1)} donnés à ${formatTime(new Date(transaction.created_at))} seront retirés au client.`
      : `Les ${signedPoints(-transaction.points)} de cette récompense seront rendus au client.`;
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: 'button button-danger' }, 'Oui, annuler l’opération');
    const no = h('button', { type: 'button', class: 'button button-secondary' }, 'Non, la garder');
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog', 'aria-labelledby': 'reverse-title', 'aria-describedby': 'reverse-text' },
      h('h2', { id: 'reverse-title' }, 'Annuler cette opération ?'),
      h('p', { id: 'reverse-text' }, `${what} Utilisez-le pour un remboursement ou une erreur de caisse.`),
      h('div', { class: 'dialog-actions' }, yes, no),
    );
    const answer = (value) => {
      close();
      resolve(value);
    };
    const close = openModal(dialog, { onCancel: () => answer(false) });
    yes.addEventListener('click', () => answer(true));
    no.addEventListener('click', () => answer(false));
    no.focus();
  });
}

export function daySection({ api, queue, shop, user, onReversed }) {
  const area = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement des opérations du jour…'));
  const said = statusLine();
  const refresh = h(
    'button',
    { type: 'button', class: 'button button-secondary button-compact', onclick: () => load() },
    'Actualiser',
  );
  const element = h(
    'section',
    { 'class': 'card', 'aria-labelledby': 'day-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'day-title', tabindex: '-1' }, 'Opérations du jour'), refresh),
    said.element,
    area,
  );
  let transactions = [];
  let cursor = null;
  let generation = 0;

  async function reverse(transaction, button) {
    if (!(await confirmReversal(transaction))) return;
    button.setAttribute('aria-disabled', 'true');
    try {
      const sent = await sendOrQueue({
        api,
        queue,
        userId: user.id,
        shopId: shop.id,
        kind: 'reverse',
        path: `/loyalty/transactions/${encodeURIComponent(transaction.transaction_id)}/reverse`,
        body: undefined,
        label: `Annulation : ${transaction.reason}`,
      });
      said.say(
        sent.queued
          ? 'Pas de réseau : l’annulation est en attente d’envoi.'
          : doneText('reverse', sent.answer),
      );
      onReversed();
      await load();
    } catch (error) {
      said.say(error.message);
      button.removeAttribute('aria-disabled');
    }
  }

  function row(transaction) {
    const reversible = canReverse(transaction);
    const button = reversible
      ? h(
          'button',
          { type: 'button', class: 'button button-danger-outline button-compact' },
          'Annuler',
          h('span', { class: 'visually-hidden' }, ` l’opération de ${formatTime(new Date(transaction.created_at))} (${signedPoints(transaction.points)})`),
        )
      : null;
    button?.addEventListener('click', () => reverse(transaction, button));
    return h(
      'li',
      { class: `day-line${transaction.reversed ? ' is-reversed' : ''}` },
      h(
        'div',
        { class: 'day-text' },
        h(
          'p',
          { class: 'day-head' },
          h('span', { class: 'day-time' }, formatTime(new Date(transaction.created_at))),
          ' · ',
          KIND_LABELS[transaction.kind] ?? transaction.kind,
          transaction.amount_cents ? ` · achat de ${formatPrice(transaction.amount_cents)}` : null,
        ),
        h('p', { class: 'day-reason' }, transaction.reason),
        transaction.reversed ? h('p', { class: 'day-reversed' }, 'Annulée') : null,
      ),
      h('p', { class: 'day-points' }, signedPoints(transaction.points)),
      button,
    );
  }

  function render() {
    area.removeAttribute('aria-busy');
    if (!transactions.length) {
      setChildren(
        area,
        emptyState({
          title: 'Aucune opération aujourd’hui',
          text: 'Les points donnés, les récompenses et les annulations de la journée s’afficheront ici.',
          level: 3,
        }),
      );
      return;
    }
    setChildren(
      area,
      h('ol', { 'class': 'day-list', 'aria-label': 'Opérations du jour, les plus récentes d’abord' }, transactions.map(row)),
      cursor
        ? h('button', { type: 'button', class: 'button button-secondary', onclick: () => load({ more: true }) }, 'Voir plus d’opérations')
        : null,
    );
  }

  async function load({ more = false } = {}) {
    const mine = ++generation;
    const query = `?limit=50${more && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    try {
      const page = await api.authed(`/shops/${encodeURIComponent(shop.id)}/loyalty/transactions${query}`);
      if (mine !== generation) return;
      transactions = more ? [...transactions, ...page.results] : page.results;
      cursor = page.next_cursor;
      render();
    } catch (error) {
      if (mine !== generation) return;
      area.removeAttribute('aria-busy');
      if (error.isNetworkError && transactions.length) {
        said.say('Hors connexion : la liste sera mise à jour au retour du réseau.');
        return;
      }
      setChildren(area, errorBlock(error, () => load()));
    }
  }

  return { element, load };
}
