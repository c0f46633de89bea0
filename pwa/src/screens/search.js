// Rechercher: search as you type, around the person or the city centre, as a list or on a map.
import { isAbort, queryString } from '../api.js';
import { h, setChildren } from '../dom.js';
import { formatDistance, formatPrice, formatResultCount } from '../format.js';
import { locate, permissionState, POSITION_WHY, roundPosition } from '../geo.js';
import { icon } from '../icons.js';
import { loadCategories, loadConfig } from '../reference-data.js';
import { emptyState, errorBlock, openingBadge, skeletonList } from '../ui/common.js';

const DEBOUNCE_MS = 250;
const PAGE_SIZE = 20;
const MATCHED_ITEMS_SHOWN = 3;
const RADII = [
  [500, '500 m'],
  [1000, '1 km'],
  [2000, '2 km'],
  [5000, '5 km'],
];
const DEFAULT_RADIUS = 2000;
const KINDS = [
  ['', 'Tout'],
  ['product', 'Produits'],
  ['service', 'Services'],
];
const URL_KINDS = { product: 'produits', service: 'services' };
const SUGGESTIONS = ['pain sans gluten', 'réparation vélo', 'clé minute', 'croissant'];

// The last results, to show them at once when the person comes back (history back from a shop page).
let lastVisit = null;

/** The search as the URL keeps it: /?q=pain&ouvert=1&categorie=boulangerie&type=produits&rayon=1000… */
export function stateFromQuery(query) {
  const kind = Object.entries(URL_KINDS).find(([, word]) => word === query.get('type'))?.[0] ?? '';
  const radius = Number(query.get('rayon'));
  return {
    q: query.get('q') ?? '',
    category: query.get('categorie') ?? '',
    kind,
    openNow: query.get('ouvert') === '1',
    radius: RADII.some(([value]) => value === radius) ? radius : DEFAULT_RADIUS,
    sort: query.get('tri') === 'distance' ? 'distance' : 'relevance',
    view: query.get('vue') === 'carte' ? 'map' : 'list',
    near: query.get('autour') === '1',
  };
}

export function queryFromState(state) {
  return queryString({
    q: state.q.trim(),
    categorie: state.category,
    type: URL_KINDS[state.kind],
    ouvert: state.openNow ? '1' : '',
    rayon: state.near && state.radius !== DEFAULT_RADIUS ? state.radius : '',
    tri: state.near && state.sort === 'distance' ? 'distance' : '',
    vue: state.view === 'map' ? 'carte' : '',
    autour: state.near ? '1' : '',
  });
}

function radioGroup({ name, legend, options, value, onChange }) {
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', {}, legend),
    h(
      'div',
      { class: 'segmented-options' },
      options.map(([optionValue, label]) => {
        const id = `${name}-${optionValue || 'all'}`;
        return h(
          'span',
          { class: 'segmented-option' },
          h('input', {
            type: 'radio',
            id,
            name,
            value: optionValue,
            checked: optionValue === value,
            onchange: () => onChange(optionValue),
          }),
          h('label', { for: id }, label),
        );
      }),
    ),
  );
}

export function searchScreen({ api }) {
  return {
    path: '/',
    title: 'Rechercher',
    mount(outlet, { query, restored, navigate }) {
      const state = stateFromQuery(query);
      // origin: where distances are measured from; `who` says whose position it is.
      let origin = null;
      let locationStatus = 'idle'; // idle | locating | granted | refused
      let results = [];
      let nextCursor = null;
      let controller = null;
      let sequence = 0;
      let debounce = null;
      let categories = new Map();
      let config = null;
      let resultsMap = null;
      let mapLoading = null;
      let unmounted = false;

      const heading = h('h1', { tabindex: '-1' }, 'Rechercher');

      // --- the query -----------------------------------------------------------------------------
      const input = h('input', {
        'id': 'search-q',
        'type': 'search',
        'name': 'q',
        'value': state.q,
        'autocomplete': 'off',
        'enterkeyhint': 'search',
        'maxlength': '200',
        'aria-describedby': 'search-q-hint',
      });
      const searchForm = h(
        'form',
        { 'role': 'search', 'class': 'search-form', 'aria-label': 'Rechercher un produit ou un commerce' },
        h('label', { for: 'search-q' }, 'Que cherchez-vous ?'),
        h('p', { id: 'search-q-hint', class: 'hint' }, 'Un produit, un service ou le nom d’un commerce.'),
        h('div', { class: 'search-input' }, icon('search'), input),
      );
      searchForm.addEventListener('submit', (event) => {
        event.preventDefault();
        clearTimeout(debounce);
        state.q = input.value;
        search();
      });
      input.addEventListener('input', () => {
        state.q = input.value;
        renderSuggestions();
        clearTimeout(debounce);
        debounce = setTimeout(search, DEBOUNCE_MS);
      });

      const suggestions = h('div', { class: 'suggestions' });
      function renderSuggestions() {
        suggestions.hidden = state.q.trim() !== '';
        if (suggestions.childElementCount) return;
        suggestions.append(
          h('p', { id: 'suggestions-label', class: 'hint' }, 'Idées de recherche :'),
          h(
            'ul',
            { 'class': 'chips', 'aria-labelledby': 'suggestions-label' },
            SUGGESTIONS.map((text) =>
              h(
                'li',
                {},
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'chip',
                    onclick: () => {
                      input.value = text;
                      state.q = text;
                      renderSuggestions();
                      search();
                    },
                  },
                  text,
                ),
              ),
            ),
          ),
        );
      }

      // --- the position ---------------------------------------------------------------------------
      const location = h('section', { 'class': 'card location-card', 'aria-labelledby': 'location-title' });
      function renderLocation() {
        const title = h(
          'h2',
          { id: 'location-title', class: 'location-title' },
          icon('locate', 'icon icon-small'),
        );
        if (locationStatus === 'granted') {
          title.append(h('span', {}, 'Autour de vous'));
          location.classList.add('is-compact');
          setChildren(
            location,
            title,
            h(
              'button',
              { type: 'button', class: 'button button-secondary button-compact', onclick: forgetPosition },
              'Oublier ma position',
            ),
          );
          return;
        }
        location.classList.remove('is-compact');
        if (locationStatus === 'refused') {
          title.append(h('span', {}, 'Autour du centre-ville'));
          setChildren(
            location,
            title,
            h(
              'p',
              { role: 'status' },
              'Votre position n’est pas disponible : les distances sont mesurées depuis le centre-ville ' +
                '(place de la République). Tout le reste fonctionne normalement.',
            ),
            h(
              'p',
              { class: 'hint' },
              'Pour utiliser votre position, autorisez la localisation pour ce site dans les réglages du navigateur.',
            ),
            h(
              'div',
              { class: 'button-row' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'button button-secondary button-compact',
                  onclick: () => useMyPosition(),
                },
                'Réessayer',
              ),
              h(
                'button',
                { type: 'button', class: 'button button-secondary button-compact', onclick: forgetPosition },
                'Chercher partout',
              ),
            ),
          );
          return;
        }
        title.append(h('span', {}, 'Autour de moi'));
        const locating = locationStatus === 'locating';
        setChildren(
          location,
          title,
          h('p', { id: 'location-why', class: 'hint' }, POSITION_WHY),
          h(
            'button',
            {
              'type': 'button',
              'class': 'button button-secondary button-compact',
              'aria-describedby': 'location-why',
              'aria-disabled': locating ? 'true' : null,
              'onclick': () => useMyPosition(),
            },
            icon('locate'),
            h('span', {}, locating ? 'Localisation…' : 'Utiliser ma position'),
          ),
        );
      }

      async function useMyPosition({ moveFocus = true } = {}) {
        if (locationStatus === 'locating') return;
        locationStatus = 'locating';
        renderLocation();
        try {
          const position = roundPosition(await locate());
          if (unmounted) return;
          origin = { ...position, who: 'you' };
          locationStatus = 'granted';
        } catch {
          if (unmounted) return;
          config ??= await loadConfig(api).catch(() => null);
          const centre = config?.city_centre ?? { lat: 44.9334, lon: 4.8924 };
          origin = { lat: centre.lat, lon: centre.lon, who: 'centre' };
          locationStatus = 'refused';
        }
        state.near = true;
        renderLocation();
        renderFilters();
        search();
        if (moveFocus) location.querySelector('button')?.focus();
      }

      function forgetPosition() {
        origin = null;
        locationStatus = 'idle';
        state.near = false;
        state.sort = 'relevance';
        renderLocation();
        renderFilters();
        search();
        location.querySelector('button')?.focus();
      }

      // --- the filters ----------------------------------------------------------------------------
      const openNow = h('input', {
        type: 'checkbox',
        id: 'filter-open',
        checked: state.openNow,
        onchange: () => {
          state.openNow = openNow.checked;
          search();
        },
      });
      const openNowToggle = h(
        'div',
        { class: 'check check-card' },
        openNow,
        h('label', { for: 'filter-open' }, 'Ouvert maintenant'),
      );
      const filterCount = h('span', { class: 'filter-count' });
      const filterBody = h('div', { class: 'filters-body' });
      const filters = h(
        'details',
        { class: 'filters', open: Boolean(state.category || state.kind) },
        h('summary', {}, icon('sliders'), h('span', {}, 'Filtres'), filterCount),
        filterBody,
      );

      function renderFilters() {
        const active = [
          state.category,
          state.kind,
          state.near && state.radius !== DEFAULT_RADIUS,
          state.near && state.sort === 'distance',
        ].filter(Boolean).length;
        filterCount.textContent = active ? ` · ${active} actif${active > 1 ? 's' : ''}` : '';
        const category = h(
          'select',
          {
            id: 'filter-category',
            onchange: () => {
              state.category = category.value;
              renderFilters();
              search();
            },
          },
          h('option', { value: '' }, 'Toutes les catégories'),
          [...categories].map(([slug, label]) =>
            h('option', { value: slug, selected: slug === state.category }, label),
          ),
        );
        const parts = [
          h('div', { class: 'field' }, h('label', { for: 'filter-category' }, 'Catégorie'), category),
          radioGroup({
            name: 'filter-kind',
            legend: 'Articles',
            options: KINDS,
            value: state.kind,
            onChange: (value) => {
              state.kind = value;
              renderFilters();
              search();
            },
          }),
        ];
        if (origin) {
          const radius = h(
            'select',
            {
              id: 'filter-radius',
              onchange: () => {
                state.radius = Number(radius.value);
                renderFilters();
                search();
              },
            },
            RADII.map(([value, label]) => h('option', { value, selected: value === state.radius }, label)),
          );
          parts.push(
            h('div', { class: 'field' }, h('label', { for: 'filter-radius' }, 'Distance maximale'), radius),
            radioGroup({
              name: 'filter-sort',
              legend: 'Trier par',
              options: [
                ['relevance', 'Pertinence'],
                ['distance', 'Distance'],
              ],
              value: state.sort,
              onChange: (value) => {
                state.sort = value;
                renderFilters();
                search();
              },
            }),
          );
        } else {
          parts.push(
            h(
              'p',
              { class: 'hint' },
              'Utilisez votre position pour filtrer par distance et trier du plus proche au plus loin.',
            ),
          );
        }
        // Keep focus where it was when the filters are redrawn.
        const focusedId = filterBody.contains(document.activeElement) ? document.activeElement.id : null;
        setChildren(filterBody, ...parts);
        if (focusedId) document.getElementById(focusedId)?.focus();
      }

      // --- list or map ----------------------------------------------------------------------------
      const listButton = h(
        'button',
        { 'type': 'button', 'class': 'toggle', 'aria-pressed': 'true' },
        icon('list'),
        h('span', {}, 'Liste'),
      );
      const mapButton = h(
        'button',
        { 'type': 'button', 'class': 'toggle', 'aria-pressed': 'false' },
        icon('map'),
        h('span', {}, 'Carte'),
      );
      const viewToggle = h(
        'div',
        { 'class': 'view-toggle', 'role': 'group', 'aria-label': 'Affichage des résultats' },
        listButton,
        mapButton,
      );
      listButton.addEventListener('click', () => setView('list'));
      mapButton.addEventListener('click', () => {
        setView('map');
        // Bring the map up under the toggle, rather than leaving it below the fold.
        viewToggle.scrollIntoView({ block: 'start' });
      });

      const count = h('p', { class: 'result-count', role: 'status' });
      const list = h('ol', { 'class': 'results', 'aria-label': 'Résultats' });
      const listArea = h('div', { class: 'list-area' });
      const mapContainer = h('div', {
        'class': 'map results-map',
        'role': 'region',
        'aria-label': 'Carte des résultats',
      });
      const mapArea = h(
        'div',
        { class: 'map-area', hidden: true },
        mapContainer,
        h(
          'ul',
          { 'class': 'map-legend', 'aria-label': 'Légende' },
          h('li', { class: 'legend-open' }, 'Ouvert'),
          h('li', { class: 'legend-closed' }, 'Fermé'),
          h('li', { class: 'legend-unknown' }, 'Horaires non renseignés'),
        ),
        h(
          'p',
          { class: 'hint' },
          'Touchez un repère pour voir le commerce. Tous les résultats sont aussi dans la vue Liste.',
        ),
      );
      const more = h('div', { class: 'more' });

      function setView(view) {
        state.view = view;
        listButton.setAttribute('aria-pressed', String(view === 'list'));
        mapButton.setAttribute('aria-pressed', String(view === 'map'));
        listArea.hidden = view !== 'list';
        mapArea.hidden = view !== 'map';
        syncUrl();
        if (view === 'map') showMap();
      }

      async function showMap() {
        if (!resultsMap) {
          mapLoading ??= (async () => {
            const [{ createResultsMap }, loadedConfig] = await Promise.all([
              import('../ui/map.js'),
              loadConfig(api),
            ]);
            config = loadedConfig;
            if (unmounted) return;
            resultsMap = createResultsMap(mapContainer, config, { popupFor });
          })();
          try {
            await mapLoading;
          } catch (error) {
            mapLoading = null;
            setChildren(
              mapArea,
              errorBlock(error, () => window.location.reload()),
            );
            return;
          }
        }
        resultsMap?.show(results, origin);
      }

      function popupFor({ shop, distance_m: distance }) {
        const href = `/boutique/${encodeURIComponent(shop.id)}`;
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
          h(
            'p',
            {},
            [
              categories.get(shop.category) ?? shop.category,
              distance === null ? null : formatDistance(distance),
            ]
              .filter(Boolean)
              .join(' · '),
          ),
          openingBadge(shop),
        );
      }

      // --- results --------------------------------------------------------------------------------
      function distanceText(distance) {
        if (distance === null || distance === undefined) return null;
        const from = origin?.who === 'centre' ? ' du centre-ville' : '';
        return `à ${formatDistance(distance)}${from}`;
      }

      function resultCard(result) {
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
                  { id: nameId, class: 'card-link', href: `/boutique/${encodeURIComponent(shop.id)}` },
                  shop.name,
                ),
              ),
              openingBadge(shop),
            ),
            h(
              'p',
              { class: 'result-meta' },
              [categories.get(shop.category) ?? shop.category, distanceText(result.distance_m)]
                .filter(Boolean)
                .join(' · '),
            ),
            h('p', { class: 'result-address' }, shop.address),
            items.length
              ? h(
                  'ul',
                  { 'class': 'matched-items', 'aria-label': 'Articles correspondants' },
                  items.map((item) =>
                    h(
                      'li',
                      { class: item.in_stock ? null : 'is-out' },
                      h('span', { class: 'item-name' }, item.name),
                      item.price_cents === null
                        ? null
                        : h('span', { class: 'price' }, formatPrice(item.price_cents)),
                      item.in_stock ? null : h('span', { class: 'stock-out' }, 'en rupture'),
                    ),
                  ),
                )
              : null,
          ),
        );
      }

      function emptyResults() {
        const tips = [];
        if (state.q.trim())
          tips.push(
            'Vérifiez l’orthographe ou essayez un mot plus simple : « pain » plutôt que « pain de campagne bio ».',
          );
        if (state.openNow)
          tips.push('Retirez « Ouvert maintenant » : le commerce est peut-être fermé à cette heure.');
        if (state.category || state.kind) tips.push('Retirez les filtres de catégorie ou d’articles.');
        if (origin && state.radius < 5000) tips.push('Élargissez la distance maximale.');
        if (!tips.length) tips.push('Essayez un autre mot, par exemple « croissant » ou « clé minute ».');
        const filtered =
          state.openNow || state.category || state.kind || (origin && state.radius !== DEFAULT_RADIUS);
        return emptyState({
          title: 'Aucun commerce ne correspond',
          text: tips,
          actions: filtered
            ? [
                h(
                  'button',
                  { type: 'button', class: 'button button-secondary', onclick: clearFilters },
                  'Retirer les filtres',
                ),
              ]
            : [],
        });
      }

      function clearFilters() {
        state.openNow = false;
        openNow.checked = false;
        state.category = '';
        state.kind = '';
        state.radius = DEFAULT_RADIUS;
        renderFilters();
        search();
        input.focus();
      }

      function renderResults({ appendedFrom = null } = {}) {
        listArea.removeAttribute('aria-busy');
        if (!results.length) {
          setChildren(listArea, emptyResults());
        } else if (appendedFrom === null) {
          setChildren(list, ...results.map(resultCard));
          setChildren(listArea, list);
        } else {
          list.append(...results.slice(appendedFrom).map(resultCard));
        }
        count.textContent = formatResultCount(results.length, Boolean(nextCursor));
        setChildren(
          more,
          nextCursor
            ? h(
                'button',
                { type: 'button', class: 'button button-secondary', onclick: loadMore },
                'Voir plus de résultats',
              )
            : '',
        );
        if (state.view === 'map') showMap();
      }

      function params(cursor = null) {
        const near = origin
          ? {
              lat: origin.lat,
              lon: origin.lon,
              radius_m: state.radius,
              sort: state.sort === 'distance' ? 'distance' : '',
            }
          : {};
        return queryString({
          q: state.q.trim(),
          ...near,
          kind: state.kind,
          category: state.category,
          open_now: state.openNow ? 'true' : '',
          limit: PAGE_SIZE,
          cursor,
        });
      }

      function syncUrl() {
        const search = queryFromState(state);
        if (window.location.search !== search) window.history.replaceState(null, '', `/${search}`);
      }

      async function fetchPage(cursor) {
        controller?.abort();
        controller = new AbortController();
        const mine = ++sequence;
        try {
          const page = await api.send(`/search${params(cursor)}`, { signal: controller.signal });
          return mine === sequence && !unmounted ? page : null;
        } catch (error) {
          if (isAbort(error) || mine !== sequence || unmounted) return null;
          throw error;
        }
      }

      async function search() {
        clearTimeout(debounce);
        syncUrl();
        count.textContent = '';
        more.replaceChildren();
        listArea.setAttribute('aria-busy', 'true');
        setChildren(listArea, skeletonList(3, 'Recherche en cours…'));
        try {
          const page = await fetchPage(null);
          if (!page) return;
          results = page.results;
          nextCursor = page.next_cursor;
          renderResults();
          remember();
        } catch (error) {
          listArea.removeAttribute('aria-busy');
          setChildren(listArea, errorBlock(error, search));
        }
      }

      async function loadMore(event) {
        const button = event.currentTarget;
        if (button.getAttribute('aria-disabled') === 'true') return;
        button.setAttribute('aria-disabled', 'true');
        button.textContent = 'Chargement…';
        try {
          const page = await fetchPage(nextCursor);
          if (!page) return;
          const from = results.length;
          const known = new Set(results.map((result) => result.shop.id));
          results = results.concat(page.results.filter((result) => !known.has(result.shop.id)));
          nextCursor = page.next_cursor;
          renderResults({ appendedFrom: from });
          remember();
          // Continue reading where the new results start.
          list.children[from]?.querySelector('a')?.focus();
        } catch (error) {
          setChildren(
            more,
            errorBlock(error, () =>
              setChildren(
                more,
                h(
                  'button',
                  { type: 'button', class: 'button button-secondary', onclick: loadMore },
                  'Voir plus de résultats',
                ),
              ),
            ),
          );
        }
      }

      function remember() {
        lastVisit = {
          search: window.location.search,
          results,
          nextCursor,
          origin,
          locationStatus,
          scrollY: window.scrollY,
        };
      }

      const onScroll = () => {
        if (lastVisit && lastVisit.search === window.location.search) lastVisit.scrollY = window.scrollY;
      };
      window.addEventListener('scroll', onScroll, { passive: true });

      outlet.append(
        heading,
        searchForm,
        suggestions,
        location,
        h('div', { class: 'filter-row' }, openNowToggle, filters),
        viewToggle,
        count,
        listArea,
        mapArea,
        more,
      );
      renderSuggestions();
      renderLocation();
      renderFilters();
      setView(state.view);

      loadCategories(api)
        .then((loaded) => {
          if (unmounted) return;
          categories = loaded;
          renderFilters();
          if (results.length) renderResults();
        })
        .catch(() => {});

      async function start() {
        const back = restored && lastVisit && lastVisit.search === window.location.search ? lastVisit : null;
        if (back) {
          ({ results, nextCursor, origin, locationStatus } = back);
          renderLocation();
          renderFilters();
          renderResults();
          window.scrollTo(0, back.scrollY);
          return;
        }
        if (state.near) {
          // Asked before and allowed: find the person again without a new question.
          const permission = await permissionState();
          if (unmounted) return;
          // Denied fails at once, without a prompt, and falls back to the city centre.
          if (permission === 'granted' || permission === 'denied') {
            useMyPosition({ moveFocus: false });
            return;
          }
          state.near = false;
        }
        search();
      }
      start();

      return () => {
        unmounted = true;
        clearTimeout(debounce);
        controller?.abort();
        window.removeEventListener('scroll', onScroll);
        resultsMap?.destroy();
      };
    },
  };
}
