// One result: the shop at a glance (name, open or closed, trade, distance, address) and what matched in it.
import { h } from '../../dom.js';
import { formatDistance, formatPrice } from '../../format.js';
import { openingBadge } from '../../ui/common.js';
import { shopHref } from './state.js';

// Two are enough to say why the shop is here; its page lists every match first.
const MATCHED_ITEMS_SHOWN = 2;

/** « Boulangerie · 250 m »; the distance is left out when there is none. */
export function shopMeta(shop, distance, { categories }) {
  return [categories.get(shop.category) ?? shop.category, distance].filter(Boolean).join(' · ');
}

function distanceText(distance, origin) {
  if (distance === null || distance === undefined) return null;
  const from = origin?.who === 'centre' ? ' du centre-ville' : '';
  return `à ${formatDistance(distance)}${from}`;
}

function matchedItems(items) {
  return h(
    'ul',
    { 'class': 'matched-items', 'aria-label': 'Articles correspondants' },
    items.map((item) =>
      h(
        'li',
        { class: item.in_stock ? null : 'is-out' },
        h('span', { class: 'item-name' }, item.name),
        item.price_cents === null ? null : h('span', { class: 'price' }, formatPrice(item.price_cents)),
        item.in_stock
          ? null
          : h('span', { class: 'stock-out' }, item.kind === 'service' ? 'indisponible' : 'en rupture'),
      ),
    ),
  );
}

export function resultCard(result, state) {
  const { shop } = result;
  const nameId = `result-${shop.id}`;
  const items = result.matched_items.slice(0, MATCHED_ITEMS_SHOWN);
  return h(
    'li',
    {},
    h(
      'article',
      { 'class': 'card result-card', 'aria-labelledby': nameId },
      h(
        'div',
        { class: 'result-head' },
        h(
          'h2',
          { class: 'result-name' },
          h(
            'a',
            { 'id': nameId, 'class': 'card-link', 'href': shopHref(shop.id, state), 'data-shop-id': shop.id },
            shop.name,
          ),
        ),
        openingBadge(shop),
      ),
      h('p', { class: 'result-meta' }, shopMeta(shop, distanceText(result.distance_m, state.origin), state)),
      h('p', { class: 'result-address' }, shop.address),
      items.length ? matchedItems(items) : null,
    ),
  );
}
