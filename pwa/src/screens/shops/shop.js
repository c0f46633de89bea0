// Fiche boutique: what a shop is, when it opens, what it sells, how to get there.
import { queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { dayHoursText, formatDayLabel } from '../../format.js';
import { icon } from '../../icons.js';
import { emptyState, errorBlock, openingBadge, skeletonList, sourceNote } from '../../ui/common.js';
import { shopUsualWeek } from '../../ui/hours-week.js';
import { itemRow } from '../../ui/item-row.js';
import { showKeptItems, showKeptShop } from '../../ui/kept-answers.js';
import { pageFrame } from '../../ui/page.js';
import { claimSection } from './claim.js';

const ITEMS_PAGE = 12;

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

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function shopScreen({ api, auth }) {
  return {
    path: /^\/boutique\/(?<id>[^/]+)$/,
    title: 'Commerce',
    mount(outlet, { params, setTitle }) {
      const { backLink, heading, body } = pageFrame(outlet, {
        title: 'Commerce',
        back: { href: '/', label: '← Retour à la recherche' },
      });
      backLink.addEventListener('click', (event) => {
        // Back to the search as it was (query, filters, scroll), when the person came from it.
        if (window.history.length > 1 && document.referrer.startsWith(window.location.origin)) {
          event.preventDefault();
          window.history.back();
        }
      });
      const cleanups = [];
      let unmounted = false;

      async function load() {
        body.setAttribute('aria-busy', 'true');
        setChildren(body, skeletonList(2, 'Chargement du commerce…'));
        try {
          const shop = await api.send(`/shops/${encodeURIComponent(params.id)}`, {
            token: auth.state.status === 'signed-in' ? await auth.getAccessToken().catch(() => null) : null,
          });
          if (unmounted) return;
          render(shop);
        } catch (error) {
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

        let cursor = null;
        async function loadItems() {
          try {
            const page = await api.send(
              `/shops/${encodeURIComponent(shop.id)}/items${queryString({ limit: ITEMS_PAGE, cursor })}`,
            );
            if (unmounted) return;
            const first = items.childElementCount;
            items.append(...page.results.map((item) => itemRow(item)));
            itemsArea.removeAttribute('aria-busy');
            if (!items.childElementCount) {
              setChildren(
                itemsArea,
                h('p', { class: 'hint' }, 'Ce commerce n’a pas encore publié de produits ni de services.'),
              );
            } else if (first === 0) {
              setChildren(itemsArea, items);
            }
            cursor = page.next_cursor;
            setChildren(
              moreItems,
              cursor
                ? h(
                    'button',
                    { type: 'button', class: 'button button-secondary', onclick: more },
                    'Voir plus d’articles',
                  )
                : '',
            );
            if (first > 0) items.children[first]?.setAttribute('tabindex', '-1');
            if (first > 0) items.children[first]?.focus();
          } catch (error) {
            if (unmounted) return;
            itemsArea.removeAttribute('aria-busy');
            if (showKeptItems(error, { items, itemsArea, moreItems })) return;
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
