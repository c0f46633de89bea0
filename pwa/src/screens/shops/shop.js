// Fiche boutique: what a shop is, when it opens, what it sells, how to get there.
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { dayHoursText, formatDayLabel } from '../../format.js';
import { icon } from '../../icons.js';
import { emptyState, errorBlock, openingBadge, skeletonList, sourceNote } from '../../ui/common.js';
import { shopUsualWeek } from '../../ui/hours-week.js';
import { itemRow } from '../../ui/item-row.js';
import { showKeptShop } from '../../ui/kept-answers.js';
import { pageFrame } from '../../ui/page.js';
import { openedFrom } from '../../router.js';
import { matchFromQuery } from '../search/state.js';
import { claimSection } from './claim.js';
import { askShopLoyalty, shopLoyaltySection } from './shop-loyalty.js';

const ITEMS_PAGE = 12;
// The shop's own position, within a few metres: enough for the search to answer for this shop alone.
const OWN_POSITION_RADIUS_M = 25;

/** OpenStreetMap's route planner, on foot, to the shop; it opens outside the app. */
export function directionsUrl({ lat, lon }) {
  return `https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&to=${lat}%2C${lon}#map=18/${lat}/${lon}`;
}

function telHref(phone) {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

function weekTable(shop) {
  if (!shop.opening_hours) {
    return h(
      'p',
      { class: 'hours-unknown' },
      icon('unknown', 'icon icon-small'),
      h('span', {}, 'Horaires non renseignés'),
    );
  }
  return h(
    'table',
    { class: 'hours-table' },
    h('caption', { class: 'visually-hidden' }, 'Horaires des sept prochains jours'),
    h(
      'tbody',
      {},
      shop.week.map((day, index) =>
        h(
          'tr',
          { 'class': index === 0 ? 'is-today' : null, 'aria-current': index === 0 ? 'date' : null },
          h(
            'th',
            { scope: 'row' },
            index === 0 ? `Aujourd’hui (${formatDayLabel(day.date)})` : formatDayLabel(day.date),
          ),
          h('td', {}, capitalise(dayHoursText(day))),
        ),
      ),
    ),
  );
}

/**
 * The items of `shop` that match the search the person came from (at most 5, best first): the search itself
 * answers, asked around the shop's own position, so the page needs nothing but the words in its address.
 */
async function matchedItems(api, shop, match) {
  const ownResult = (page) => page.results.find((result) => result.shop.id === shop.id)?.matched_items ?? [];
  const asked = api.send(
    `/search${queryString({
      q: match.q,
      kind: match.kind,
      category: shop.category,
      lat: shop.lat,
      lon: shop.lon,
      radius_m: OWN_POSITION_RADIUS_M,
      sort: 'distance',
      limit: 20,
    })}`,
  );
  // Offline, the answer kept from the last visit still puts what matched first.
  const page = await asked.catch((error) => {
    if (error?.kept?.data) return error.kept.data;
    throw error;
  });
  return ownResult(page);
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function shopScreen({ api, auth }) {
  return {
    path: /^\/boutique\/(?<id>[^/]+)$/,
    title: 'Commerce',
    mount(outlet, { params, query, setTitle }) {
      const match = matchFromQuery(query);
      // Opened from elsewhere (a shared link), the way back is the search the link names.
      const searchHref = `/${queryString({ q: match?.q, type: query.get('type') })}`;
      const { backLink, heading, body } = pageFrame(outlet, {
        title: 'Commerce',
        back: { href: searchHref, label: '← Retour à la recherche' },
      });
      backLink.addEventListener('click', (event) => {
        // Opened from the search: back to it as it was (query, filters, scroll), as the browser's Back does.
        const from = openedFrom();
        if (from !== null && new URL(from, window.location.href).pathname === '/') {
          event.preventDefault();
          window.history.back();
        }
      });
      const cleanups = [];
      let unmounted = false;
      // Points Cœur de Ville, asked beside the shop and shown with it (no shift when it arrives).
      let loyalty = null;

      async function load() {
        body.setAttribute('aria-busy', 'true');
        setChildren(body, skeletonList(2, 'Chargement du commerce…'));
        const askedLoyalty = askShopLoyalty(api, params.id);
        try {
          const shop = await api.send(`/shops/${encodeURIComponent(params.id)}`, {
            token: auth.state.status === 'signed-in' ? await auth.getAccessToken().catch(() => null) : null,
          });
          loyalty = await askedLoyalty;
          if (unmounted) return;
          render(shop);
        } catch (error) {
          loyalty = await askedLoyalty;
          if (unmounted) return;
          body.removeAttribute('aria-busy');
          // A malformed address (422) is as absent as an unknown one: trying again cannot help.
          if (error.status === 404 || error.status === 422) {
            heading.textContent = 'Commerce introuvable';
            setTitle('Commerce introuvable');
            setChildren(
              body,
              emptyState({
                title: 'Cette boutique n’existe pas (ou plus) dans l’application',
                text: 'Il a peut-être fermé ou attend encore sa validation par la ville.',
                actions: [h('a', { class: 'button button-secondary', href: '/' }, 'Revenir à la recherche')],
              }),
            );
          } else if (!showKeptShop(error, { body, render, retry: load })) {
            setChildren(body, errorBlock(error, load));
          }
        }
      }

      function render(shop) {
        heading.textContent = shop.name;
        setTitle(shop.name);
        body.removeAttribute('aria-busy');
        const actions = [
          shop.phone
            ? h(
                'a',
                { class: 'button button-primary', href: telHref(shop.phone) },
                icon('phone'),
                h('span', {}, 'Appeler'),
                h('span', { class: 'visually-hidden' }, ` le ${shop.phone}`),
              )
            : null,
          h(
            'a',
            {
              class: 'button button-secondary',
              href: directionsUrl(shop),
              target: '_blank',
              rel: 'noopener',
            },
            icon('navigation'),
            h('span', {}, 'Itinéraire'),
            h('span', { class: 'visually-hidden' }, ' (OpenStreetMap, nouvel onglet)'),
          ),
          shop.website
            ? h(
                'a',
                { class: 'button button-secondary', href: shop.website, target: '_blank', rel: 'noopener' },
                icon('globe'),
                h('span', {}, 'Site web'),
                h('span', { class: 'visually-hidden' }, ' (nouvel onglet)'),
              )
            : null,
        ];
        const items = h('ul', { 'class': 'item-list', 'aria-labelledby': 'items-title' });
        const itemsArea = h('div', { 'aria-busy': 'true' }, skeletonList(2, 'Chargement des articles…'));
        const moreItems = h('div', { class: 'more' });
        setChildren(
          body,
          h(
            'section',
            { 'class': 'shop-summary', 'aria-label': 'En bref' },
            h('p', { class: 'shop-category' }, shop.category_label),
            openingBadge(shop, { detailed: true }),
            h('p', { class: 'shop-address' }, icon('pin', 'icon icon-small'), h('span', {}, shop.address)),
            sourceNote(shop.source),
          ),
          h('div', { class: 'action-row' }, actions),
          shopLoyaltySection(loyalty),
          shop.description
            ? h(
                'section',
                { 'aria-labelledby': 'about-title' },
                h('h2', { id: 'about-title' }, 'Présentation'),
                h('p', { class: 'shop-description' }, shop.description),
              )
            : null,
          h(
            'section',
            { 'aria-labelledby': 'hours-title' },
            h('h2', { id: 'hours-title' }, 'Horaires'),
            weekTable(shop),
            shopUsualWeek(shop.opening_hours),
          ),
          h(
            'section',
            { 'aria-labelledby': 'items-title' },
            h('h2', { id: 'items-title' }, 'Produits et services'),
            itemsArea,
            moreItems,
          ),
        );
        if (shop.claimable) {
          const claim = claimSection({ api, shop, auth });
          cleanups.push(claim.unsubscribe);
          body.append(claim.section);
        }

        // What matched the search comes first, marked; a failure there only leaves the plain list.
        const matching = match ? matchedItems(api, shop, match).catch(() => []) : Promise.resolve([]);
        const matchedIds = new Set();
        let cursor = null;
        async function loadItems() {
          const firstPage = cursor === null;
          try {
            const asked = api
              .send(`/shops/${encodeURIComponent(shop.id)}/items${queryString({ limit: ITEMS_PAGE, cursor })}`)
              .catch((error) => {
                // Offline, the first page kept from the last visit, laid out as online (what matched first).
                if (!firstPage || !error?.isNetworkError || !error.kept) throw error;
                return { results: error.kept.data.results, next_cursor: null, keptMore: error.kept.data.next_cursor };
              });
            const [page, matched] = await Promise.all([asked, matching]);
            if (unmounted) return;
            if (firstPage && matched.length) {
              for (const item of matched) matchedIds.add(item.id);
              items.append(...matched.map((item) => itemRow(item, { matched: true })));
              itemsArea.before(
                h(
                  'p',
                  { class: 'match-note' },
                  matched.length > 1
                    ? `${matched.length} articles correspondent à « ${match.q} » : ils sont en tête de liste.`
                    : `Un article correspond à « ${match.q} » : il est en tête de liste.`,
                ),
              );
            }
            const first = items.childElementCount;
            for (const item of page.results) {
              // A matched item found in the pages takes its full row (with its description) in its first place.
              const shown = matchedIds.has(item.id)
                ? items.querySelector(`[data-item-id="${CSS.escape(item.id)}"]`)
                : null;
              if (shown) shown.replaceWith(itemRow(item, { matched: true }));
              else items.append(itemRow(item));
            }
            itemsArea.removeAttribute('aria-busy');
            if (!items.childElementCount) {
              setChildren(
                itemsArea,
                h('p', { class: 'hint' }, 'Ce commerce n’a pas encore publié de produits ni de services.'),
              );
            } else if (firstPage) {
              setChildren(itemsArea, items);
            }
            cursor = page.next_cursor;
            let moreShown = '';
            if (cursor) {
              moreShown = h(
                'button',
                { type: 'button', class: 'button button-secondary', onclick: more },
                'Voir plus d’articles',
              );
            } else if (page.keptMore) {
              moreShown = h('p', { class: 'hint' }, 'Les autres articles s’afficheront avec une connexion.');
            }
            setChildren(moreItems, moreShown);
            if (!firstPage) items.children[first]?.setAttribute('tabindex', '-1');
            if (!firstPage) items.children[first]?.focus();
          } catch (error) {
            if (unmounted) return;
            itemsArea.removeAttribute('aria-busy');
            if (!items.childElementCount) setChildren(itemsArea, errorBlock(error, loadItems));
            else setChildren(moreItems, errorBlock(error, loadItems));
          }
        }
        function more(event) {
          event.currentTarget.setAttribute('aria-disabled', 'true');
          event.currentTarget.textContent = 'Chargement…';
          loadItems();
        }
        loadItems();
      }

      load();
      return () => {
        unmounted = true;
        for (const cleanup of cleanups) cleanup();
      };
    },
  };
}
