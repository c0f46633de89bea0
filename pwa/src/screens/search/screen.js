// Rechercher: search as you type, around the person or the city centre, as a list or on a map.
// This module only mounts the parts and wires them; they share one state object (./state.js).
import { h } from '../../dom.js';
import { permissionState } from '../../geo.js';
import { loadCategories } from '../../reference-data.js';
import { filterRow } from './filters.js';
import { locationCard } from './location.js';
import { searchBox } from './query.js';
import { resultList } from './results.js';
import { resultsMapArea } from './results-map.js';
import { createSearchState, lastVisitHere, rememberOpenedShop, rememberScroll, writeUrl } from './state.js';
import { viewToggle } from './view-toggle.js';

export function searchScreen({ api }) {
  return {
    path: '/',
    title: 'Rechercher',
    mount(outlet, { query, restored, navigate }) {
      const state = createSearchState(query);

      const search = () => {
        box.cancelPending();
        location.queryChanged();
        results.search();
      };
      const box = searchBox(state, { onSearch: search });
      const location = locationCard(state, {
        api,
        onChange: () => {
          filters.render();
          search();
        },
      });
      const filters = filterRow(state, { onChange: search });
      const map = resultsMapArea(state, { api, navigate });
      const results = resultList(state, {
        api,
        onRendered: () => {
          if (state.view === 'map') map.show();
        },
        onRetry: search,
        onClearFilters: () => {
          filters.clear();
          search();
          box.focus();
        },
      });
      const toggle = viewToggle({ onSelect: setView });

      function setView(view) {
        state.view = view;
        toggle.set(view);
        results.area.hidden = view !== 'list';
        map.element.hidden = view !== 'map';
        writeUrl(state);
        if (view === 'map') map.show();
      }

      // Results first: one compact row each for the position, the filters, and the count with the view.
      outlet.append(
        h('h1', { tabindex: '-1', class: 'search-title' }, 'Rechercher'),
        box.form,
        box.suggestions,
        location.element,
        filters.element,
        h('div', { class: 'results-bar' }, results.count, toggle.element),
        results.area,
        map.element,
        results.more,
      );
      results.area.addEventListener('click', (event) => {
        const link = event.target instanceof Element ? event.target.closest('a[data-shop-id]') : null;
        if (link) rememberOpenedShop(link.dataset.shopId);
      });
      setView(state.view);
      window.addEventListener('scroll', rememberScroll, { passive: true });

      loadCategories(api)
        .then((loaded) => {
          if (state.unmounted) return;
          state.categories = loaded;
          filters.render();
          if (state.results.length) results.render();
        })
        .catch(() => {});

      async function start() {
        const back = restored ? lastVisitHere() : null;
        if (back) {
          Object.assign(state, back.shared);
          location.render();
          filters.render();
          results.render();
          window.scrollTo(0, back.scrollY);
          // Once the router has focused the heading, give the focus back to the shop the person opened.
          const opened = back.openedShopId
            ? results.area.querySelector(`a[data-shop-id="${CSS.escape(back.openedShopId)}"]`)
            : null;
          if (opened) setTimeout(() => opened.focus({ preventScroll: true }), 0);
          return;
        }
        if (state.near) {
          // Asked before and allowed: find the person again without a new question.
          const permission = await permissionState();
          if (state.unmounted) return;
          // Denied fails at once, without a prompt, and falls back to the city centre.
          if (permission === 'granted' || permission === 'denied') {
            location.useMyPosition({ moveFocus: false });
            return;
          }
          state.near = false;
        }
        search();
      }
      start();

      return () => {
        state.unmounted = true;
        box.cancelPending();
        results.destroy();
        window.removeEventListener('scroll', rememberScroll);
        map.destroy();
      };
    },
  };
}
