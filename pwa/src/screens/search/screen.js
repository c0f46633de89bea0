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

/**
 * The browser scrolls a focused element into view only when it is off screen, not when it sits under the sticky
 * search bar or the tab bar: move it out from under them (WCAG 2.4.11, focus not obscured).
 */
function keepFocusClear(outlet, bar) {
  const onFocus = (event) => {
    // Headings focused by the router (tabindex -1) are landmarks for screen readers, not places to scroll to.
    if (!(event.target instanceof Element) || bar.contains(event.target) || event.target.tabIndex < 0) return;
    const box = (event.target.closest('.result-card') ?? event.target).getBoundingClientRect();
    const top = bar.getBoundingClientRect().bottom;
    const bottom = document.querySelector('.bottom-bar')?.getBoundingClientRect().top ?? window.innerHeight;
    if (box.top < top) window.scrollBy(0, box.top - top - 8);
    else if (box.bottom > bottom && box.height < bottom - top) window.scrollBy(0, box.bottom - bottom + 8);
  };
  outlet.addEventListener('focusin', onFocus);
  return () => outlet.removeEventListener('focusin', onFocus);
}

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
      const filters = filterRow(state, {
        onChange: search,
        onShowResults: () => {
          const first = results.area.querySelector('a[data-shop-id]');
          if (first) first.focus();
          else results.count.scrollIntoView({ block: 'start' });
        },
      });
      const map = resultsMapArea(state, { api, navigate });
      const results = resultList(state, {
        api,
        onRendered: () => {
          filters.showCount();
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
        // The tab bar and the field's label say where the person is: the heading is for assistive technologies.
        h('h1', { tabindex: '-1', class: 'visually-hidden' }, 'Rechercher'),
        box.label,
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
        if (link) rememberOpenedShop(link.dataset.shopId, state);
      });
      setView(state.view);
      window.addEventListener('scroll', rememberScroll, { passive: true });
      const stopKeepingFocusClear = keepFocusClear(outlet, box.form);

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
          // Once the router has focused the heading (and the categories redrawn the cards), give the focus
          // back to the shop the person opened.
          if (back.openedShopId) {
            setTimeout(() => {
              const selector = `a[data-shop-id="${CSS.escape(back.openedShopId)}"]`;
              results.area.querySelector(selector)?.focus({ preventScroll: true });
            }, 0);
          }
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
        stopKeepingFocusClear();
        map.destroy();
      };
    },
  };
}
