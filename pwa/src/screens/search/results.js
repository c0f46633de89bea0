// The results as a list, page by page: the count, the cards, « Voir plus de résultats », the empty state.
import { isAbort, queryString } from '../../api.js';
import { h, setChildren } from '../../dom.js';
import { formatResultCount } from '../../format.js';
import { emptyState, errorBlock, skeletonList } from '../../ui/common.js';
import { showKeptSearch } from '../../ui/kept-answers.js';
import { resultCard } from './result-card.js';
import { narrowsResults, rememberVisit, writeUrl } from './state.js';

const PAGE_SIZE = 20;

/** The /search parameters for `state`, from `cursor` on. */
function searchParams(state, cursor) {
  const near = state.origin
    ? {
        lat: state.origin.lat,
        lon: state.origin.lon,
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

function emptyTips(state) {
  const tips = [];
  if (state.q.trim())
    tips.push('Vérifiez l’orthographe ou essayez un mot plus simple : « pain » plutôt que « pain de campagne bio ».');
  if (state.openNow) tips.push('Retirez « Ouvert maintenant » : le commerce est peut-être fermé à cette heure.');
  if (state.category || state.kind) tips.push('Retirez les filtres de catégorie ou d’articles.');
  if (state.origin && state.radius < 5000) tips.push('Élargissez la distance maximale.');
  if (!tips.length) tips.push('Essayez un autre mot, par exemple « croissant » ou « clé minute ».');
  return tips;
}

/**
 * Keeps `state.results` and `state.nextCursor`; only the latest request may show its answer.
 * `onRendered()` follows every rendering (the map shows the same results); `onRetry()` searches again;
 * `onClearFilters()` answers « Retirer les filtres ».
 */
export function resultList(state, { api, onRendered, onRetry, onClearFilters }) {
  const count = h('p', { class: 'result-count', role: 'status' });
  const list = h('ol', { 'class': 'results', 'aria-label': 'Résultats' });
  const area = h('div', { class: 'list-area' });
  const more = h('div', { class: 'more' });
  let controller = null;
  let sequence = 0;

  const moreButton = () =>
    h('button', { type: 'button', class: 'button button-secondary', onclick: loadMore }, 'Voir plus de résultats');

  function render({ appendedFrom = null } = {}) {
    area.removeAttribute('aria-busy');
    if (!state.results.length) {
      setChildren(
        area,
        emptyState({
          title: 'Aucun commerce ne correspond',
          text: emptyTips(state),
          actions: narrowsResults(state)
            ? [
                h(
                  'button',
                  { type: 'button', class: 'button button-secondary', onclick: onClearFilters },
                  'Retirer les filtres',
                ),
              ]
            : [],
        }),
      );
    } else if (appendedFrom === null) {
      // Redrawn cards (the categories' labels arriving) keep the focus on the same shop.
      const focused = list.contains(document.activeElement) ? document.activeElement.dataset.shopId : null;
      setChildren(list, ...state.results.map((result) => resultCard(result, state)));
      setChildren(area, list);
      if (focused) list.querySelector(`a[data-shop-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
    } else {
      list.append(...state.results.slice(appendedFrom).map((result) => resultCard(result, state)));
    }
    count.textContent = formatResultCount(state.results.length, Boolean(state.nextCursor));
    setChildren(more, state.nextCursor ? moreButton() : '');
    onRendered();
  }

  async function fetchPage(cursor) {
    controller?.abort();
    controller = new AbortController();
    const mine = ++sequence;
    try {
      const page = await api.send(`/search${searchParams(state, cursor)}`, { signal: controller.signal });
      return mine === sequence && !state.unmounted ? page : null;
    } catch (error) {
      if (isAbort(error) || mine !== sequence || state.unmounted) return null;
      throw error;
    }
  }

  /** The first page for the current state, which the URL then says. */
  async function search() {
    writeUrl(state);
    count.textContent = '';
    more.replaceChildren();
    area.setAttribute('aria-busy', 'true');
    setChildren(area, skeletonList(3, 'Recherche en cours…'));
    try {
      const page = await fetchPage(null);
      if (!page) return;
      state.results = page.results;
      state.nextCursor = page.next_cursor;
      render();
      rememberVisit(state);
    } catch (error) {
      area.removeAttribute('aria-busy');
      if (showKeptSearch(error, { state, area, render, retry: onRetry })) return;
      setChildren(area, errorBlock(error, onRetry));
    }
  }

  async function loadMore(event) {
    const button = event.currentTarget;
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    button.textContent = 'Chargement…';
    try {
      const page = await fetchPage(state.nextCursor);
      if (!page) return;
      const from = state.results.length;
      const known = new Set(state.results.map((result) => result.shop.id));
      state.results = state.results.concat(page.results.filter((result) => !known.has(result.shop.id)));
      state.nextCursor = page.next_cursor;
      render({ appendedFrom: from });
      rememberVisit(state);
      // Continue reading where the new results start.
      list.children[from]?.querySelector('a')?.focus();
    } catch (error) {
      setChildren(
        more,
        errorBlock(error, () => setChildren(more, moreButton())),
      );
    }
  }

  return { count, area, more, search, render, destroy: () => controller?.abort() };
}
