import { h } from '../dom.js';
import { openingStatus } from '../format.js';
import { icon } from '../icons.js';

const STATUS_ICONS = { open: 'open', closed: 'closed', unknown: 'unknown' };

/** Colour, icon and word: « Ouvert · ferme à 19 h 30 », « Fermé », « Horaires non renseignés ». */
export function openingBadge(shop, { detailed = false } = {}) {
  const status = detailed
    ? openingStatus(shop)
    : openingStatus({ open_now: shop.open_now, next_change_at: null });
  return h(
    'span',
    { class: `status-badge status-${status.state}` },
    icon(STATUS_ICONS[status.state], 'icon icon-small'),
    h('span', {}, status.label),
  );
}

const SHOP_STATUS = {
  pending: { label: 'En attente de validation', icon: 'pending', className: 'status-pending' },
  active: { label: 'Actif', icon: 'open', className: 'status-open' },
  suspended: { label: 'Suspendu', icon: 'ban', className: 'status-closed' },
  refused: { label: 'Refusé', icon: 'ban', className: 'status-closed' },
};

/** « En attente de validation », « Actif », « Suspendu », « Refusé ». */
export function shopStatusBadge(status) {
  const known = SHOP_STATUS[status] ?? { label: status, icon: 'info', className: 'status-unknown' };
  return h(
    'span',
    { class: `status-badge ${known.className}` },
    icon(known.icon, 'icon icon-small'),
    h('span', {}, known.label),
  );
}

export const OSM_CREDIT = '© les contributeurs d’OpenStreetMap';

/** Where the shop's data comes from, when that must be said. */
export function sourceNote(source) {
  if (source === 'demo') {
    return h(
      'p',
      { class: 'source-note' },
      icon('info', 'icon icon-small'),
      h('span', {}, 'Commerce fictif (démonstration)'),
    );
  }
  if (source === 'osm') {
    return h(
      'p',
      { class: 'source-note' },
      icon('info', 'icon icon-small'),
      h(
        'span',
        {},
        'Données ',
        h(
          'a',
          { href: 'https://www.openstreetmap.org/copyright', rel: 'noopener', target: '_blank' },
          OSM_CREDIT,
        ),
      ),
    );
  }
  return null;
}

/** A compact button whose verb (« Modifier ») screen readers hear with what it acts on (` ${context}`). */
export function actionButton(label, iconName, className, context) {
  return h(
    'button',
    { type: 'button', class: `button ${className} button-compact` },
    icon(iconName),
    h('span', {}, label),
    h('span', { class: 'visually-hidden' }, ` ${context}`),
  );
}

/** Placeholder cards while a list loads: hidden from assistive technology, which gets `label`. */
export function skeletonList(count = 3, label = 'Chargement…') {
  return h(
    'div',
    { class: 'skeleton-list' },
    h('p', { class: 'visually-hidden' }, label),
    Array.from({ length: count }, () =>
      h(
        'div',
        { 'class': 'card skeleton-card', 'aria-hidden': 'true' },
        h('span', { class: 'skeleton skeleton-title' }),
        h('span', { class: 'skeleton skeleton-line' }),
        h('span', { class: 'skeleton skeleton-line skeleton-short' }),
      ),
    ),
  );
}

/** An error from the API, in French, with a way to try again. */
export function errorBlock(error, retry) {
  return h(
    'div',
    { class: 'error-block' },
    h('p', { class: 'form-error', role: 'alert' }, error.message ?? String(error)),
    retry ? retryButton(retry) : null,
  );
}

export function retryButton(retry) {
  return h(
    'button',
    { type: 'button', class: 'button button-secondary', onclick: retry },
    icon('refresh'),
    h('span', {}, 'Réessayer'),
  );
}

/** An empty list: what is missing and what to do next. */
export function emptyState({ title, text, actions = [], level = 2 }) {
  return h(
    'div',
    { class: 'card empty-state' },
    h(`h${level}`, { class: 'empty-title' }, title),
    [text]
      .flat()
      .filter(Boolean)
      .map((line) => h('p', {}, line)),
    actions,
  );
}

/**
 * Shows `dialog` as a modal; Escape calls `onCancel`. The returned `close()` removes the dialog and gives
 * focus back to where it was.
 */
export function openModal(dialog, { onCancel }) {
  const returnFocus = document.activeElement;
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    onCancel();
  });
  document.body.append(dialog);
  dialog.showModal();
  return () => {
    dialog.close();
    dialog.remove();
    if (returnFocus instanceof HTMLElement && returnFocus.isConnected) returnFocus.focus();
  };
}

let dialogs = 0;

/** A modal confirmation; resolves true when confirmed. Escape and « Annuler » resolve false. */
export function confirmDialog({ title, message, confirmLabel, danger = true }) {
  dialogs += 1;
  const titleId = `confirm-title-${dialogs}`;
  const textId = `confirm-text-${dialogs}`;
  return new Promise((resolve) => {
    const confirm = h(
      'button',
      { type: 'button', class: `button ${danger ? 'button-danger' : 'button-primary'}` },
      confirmLabel,
    );
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, 'Annuler');
    const dialog = h(
      'dialog',
      { 'class': 'app-dialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId }, title),
      h('p', { id: textId }, message),
      h('div', { class: 'dialog-actions' }, confirm, cancel),
    );
    const answer = (confirmed) => {
      close();
      resolve(confirmed);
    };
    const close = openModal(dialog, { onCancel: () => answer(false) });
    confirm.addEventListener('click', () => answer(true));
    cancel.addEventListener('click', () => answer(false));
    cancel.focus();
  });
}
