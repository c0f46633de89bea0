// The search screen's state: what the URL keeps (the query and filters) and what the screen's parts share.
import { queryString } from '../../api.js';

export const RADII = [
  [500, '500 m'],
  [1000, '1 km'],
  [2000, '2 km'],
  [5000, '5 km'],
];
export const DEFAULT_RADIUS = 2000;
const URL_KINDS = { product: 'produits', service: 'services' };

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

/**
 * A result's shop page. It carries the words searched (and the kind of items asked for), so that the shop
 * page can put what matched first, also when the link is shared or the page reloaded.
 */
export function shopHref(shopId, state) {
  return `/boutique/${encodeURIComponent(shopId)}${queryString({ q: state.q.trim(), type: URL_KINDS[state.kind] })}`;
}

/** What the shop page needs from its own query string to ask which of its items match. */
export function matchFromQuery(query) {
  const q = (query.get('q') ?? '').trim();
  const kind = Object.entries(URL_KINDS).find(([, word]) => word === query.get('type'))?.[0] ?? '';
  return q ? { q, kind } : null;
}

/** Whether a filter leaves results out (the order does not). */
export function narrowsResults(state) {
  return Boolean(
    state.openNow || state.category || state.kind || (state.origin && state.radius !== DEFAULT_RADIUS),
  );
}

/** One mounted screen's state; each part changes its own fields and tells the screen, which redraws. */
export function createSearchState(query) {
  return {
    ...stateFromQuery(query),
    // Where distances are measured from; `who` ('you' or 'centre') says whose position it is.
    origin: null,
    locationStatus: 'idle', // idle | locating | granted | refused
    results: [],
    nextCursor: null,
    categories: new Map(), // slug → French label, once /categories has answered
    filtersOpen: false,
    unmounted: false,
  };
}

/** Replaces (never pushes) the URL, so that back still leaves the search. */
export function writeUrl(state) {
  const search = queryFromState(state);
  if (window.location.search !== search) window.history.replaceState(window.history.state, '', `/${search}`);
}

// The last results, to show them at once when the person comes back (history back from a shop page).
let lastVisit = null;

export function rememberVisit({ results, nextCursor, origin, locationStatus, filtersOpen }) {
  lastVisit = {
    url: window.location.search,
    shared: { results, nextCursor, origin, locationStatus, filtersOpen },
    scrollY: window.scrollY,
    openedShopId: null,
  };
}

/** The shop opened from these results, to give its card the focus back on return, the page as it was. */
export function rememberOpenedShop(shopId, { filtersOpen }) {
  if (lastVisit && lastVisit.url === window.location.search) {
    lastVisit.openedShopId = shopId;
    lastVisit.shared.filtersOpen = filtersOpen;
    lastVisit.scrollY = window.scrollY;
  }
}

export function rememberScroll() {
  if (lastVisit && lastVisit.url === window.location.search) lastVisit.scrollY = window.scrollY;
}

/** The visit remembered for this very URL, or null. */
export function lastVisitHere() {
  return lastVisit && lastVisit.url === window.location.search ? lastVisit : null;
}
