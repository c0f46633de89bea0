// One item of a catalogue, as the public shop page and the merchant's catalogue both show it.
import { h } from '../dom.js';
import { formatPrice } from '../format.js';
import { icon } from '../icons.js';

/** « En stock » tells something of a product only: a service says nothing until it is unavailable. */
export function stockLabel(item, isService = item.kind === 'service') {
  if (isService) return item.in_stock ? null : h('span', { class: 'stock-out' }, 'Indisponible');
  return h(
    'span',
    { class: item.in_stock ? 'stock-in' : 'stock-out' },
    item.in_stock ? 'En stock' : 'En rupture',
  );
}

/**
 * Name and details on one side, price and stock on the other. The public page adds the description, and marks
 * the items that matched the search the person came from (`matched`); the merchant sees the kind beside the
 * shelf and gets `actions` (edit, delete).
 */
export function itemRow(item, { withDescription = true, withKind = false, actions = null, matched = false } = {}) {
  const isService = item.kind === 'service';
  const kind = isService ? 'Service' : 'Produit';
  const category = [withKind ? kind : null, item.category].filter(Boolean).join(' · ');
  const classes = ['item-row', item.in_stock ? null : 'is-out', matched ? 'is-match' : null];
  return h(
    'li',
    { 'class': classes.filter(Boolean).join(' '), 'data-kind': item.kind, 'data-item-id': item.id },
    h(
      'div',
      { class: 'item-main' },
      matched ? h('span', { class: 'match-badge' }, icon('search', 'icon icon-small'), 'Correspond à votre recherche') : null,
      h('span', { class: 'item-name' }, item.name),
      withDescription && item.description ? h('span', { class: 'item-description' }, item.description) : null,
      category ? h('span', { class: 'item-category' }, category) : null,
    ),
    h(
      'div',
      { class: 'item-side' },
      h(
        'span',
        { class: 'price' },
        item.price_cents === null ? 'Prix non indiqué' : formatPrice(item.price_cents),
      ),
      stockLabel(item, isService),
    ),
    actions ? h('div', { class: 'item-actions' }, actions) : null,
  );
}
