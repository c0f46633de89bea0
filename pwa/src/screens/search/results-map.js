// The results on a Leaflet map, which is loaded the first time the map is shown.
import { h, setChildren } from '../../dom.js';
import { formatDistance } from '../../format.js';
import { loadConfig } from '../../reference-data.js';
import { errorBlock, openingBadge } from '../../ui/common.js';
import { shopMeta } from './result-card.js';
import { shopHref } from './state.js';

export function resultsMapArea(state, { api, navigate }) {
  const container = h('div', {
    'class': 'map results-map',
    'role': 'region',
    'aria-label': 'Carte des résultats',
  });
  const element = h(
    'div',
    { class: 'map-area', hidden: true },
    container,
    h(
      'ul',
      { 'class': 'map-legend', 'aria-label': 'Légende' },
      h('li', { class: 'legend-open' }, 'Ouvert'),
      h('li', { class: 'legend-closed' }, 'Fermé'),
      h('li', { class: 'legend-unknown' }, 'Horaires non renseignés'),
    ),
    h('p', { class: 'hint' }, 'Touchez un repère pour voir le commerce. Tous les résultats sont aussi dans la vue Liste.'),
  );
  let resultsMap = null;
  let loading = null;

  function popupFor({ shop, distance_m: distance }) {
    const href = shopHref(shop.id, state);
    // Leaflet stops clicks inside popups from bubbling to the router: navigate here.
    const link = h('a', { href }, shop.name);
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(href);
    });
    return h(
      'div',
      { class: 'map-popup' },
      link,
      h('p', {}, shopMeta(shop, distance === null ? null : formatDistance(distance), state)),
      openingBadge(shop),
    );
  }

  /** Shows `state.results` around `state.origin`, loading Leaflet first if needed. */
  async function show() {
    if (!resultsMap) {
      loading ??= (async () => {
        const [{ createResultsMap }, config] = await Promise.all([import('../../ui/map.js'), loadConfig(api)]);
        if (state.unmounted) return;
        resultsMap = createResultsMap(container, config, { popupFor });
      })();
      try {
        await loading;
      } catch (error) {
        loading = null;
        setChildren(
          element,
          errorBlock(error, () => window.location.reload()),
        );
        return;
      }
    }
    resultsMap?.show(state.results, state.origin);
  }

  return { element, show, destroy: () => resultsMap?.destroy() };
}
