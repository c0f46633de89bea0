// Answers kept for offline use (issue 11): the last searches, the shops seen and their first items, and the
// reference lists, in IndexedDB. Only public answers are kept (and the shopper's own points), never the shopper's
// position, and all of it goes at sign-out. api.js saves and reads through here; ui/kept-answers.js shows what was kept.
import { clear, createStore, delMany, get, set, update } from 'idb-keyval';

// How many answers of each kind stay; the oldest go first.
export const KEPT_LIMITS = { search: 20, shop: 50, items: 50, loyalty: 50, points: 2, reference: 5 };
// A search typed letter by letter (« p », « pa », « pai »…) keeps only its last word.
const TYPING_MS = 2 * 60_000;

const indexKey = (kind) => `index:${kind}`;
// Offline, a store that does not answer must not keep the screen waiting.
const READ_TIMEOUT_MS = 2000;

function withTimeout(promise, fallback) {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve(fallback), READ_TIMEOUT_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Lower case, accents and extra spaces away: the API matches « Pâte » and « pate » alike. */
export function normaliseQuery(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function searchPolicy(params) {
  if (params.has('cursor')) return null;
  const near = params.has('lat') && params.has('lon');
  // What makes two searches the same, whatever the position they started from (never kept).
  const filters = {
    kind: params.get('kind') ?? '',
    category: params.get('category') ?? '',
    open_now: params.get('open_now') === 'true' ? 'true' : '',
    near: near ? '1' : '',
    radius_m: near ? (params.get('radius_m') ?? '') : '',
    sort: near && params.get('sort') === 'distance' ? 'distance' : '',
  };
  const q = normaliseQuery(params.get('q'));
  const filterKey = new URLSearchParams(filters).toString();
  return {
    kind: 'search',
    key: `search:${new URLSearchParams({ q }).toString()}&${filterKey}`,
    meta: { q, text: (params.get('q') ?? '').trim(), filterKey, ...filters },
    accept: (data) => Array.isArray(data?.results),
    // Distances were measured from where the person stood: they would tell it, and be wrong later.
    shape: (data) => ({
      results: data.results.map((result) => ({ ...result, distance_m: null })),
      next_cursor: null,
    }),
  };
}

/**
 * What to keep of a GET to `path` (an API path with its query), or null: searches and a shop's items asked
 * without a token, a shop's public page, the reference lists. Merchant, admin and personal answers never, but
 * the shopper's own points (balance and first page of history), which go at sign-out with the rest.
 */
export function keptPolicy(path, { token = null } = {}) {
  const url = new URL(path, 'https://kept.invalid');
  const segments = url.pathname.split('/').filter(Boolean);
  if (token && url.pathname === '/loyalty/me') {
    const accept = (data) => Number.isInteger(data?.balance);
    return { kind: 'points', key: 'points:balance', accept, meta: {}, shape: (data) => data };
  }
  if (token && url.pathname === '/loyalty/me/history' && !url.searchParams.has('cursor')) {
    return {
      kind: 'points',
      key: 'points:history',
      accept: (data) => Array.isArray(data?.results),
      meta: {},
      shape: (data) => ({ results: data.results, next_cursor: null }),
    };
  }
  if (url.pathname === '/search') return token ? null : searchPolicy(url.searchParams);
  if (segments[0] === 'shops' && segments.length === 2) {
    return {
      kind: 'shop',
      key: `shop:${segments[1]}`,
      // A signed-in shopper gets the public page too; its owner and the city get more (owner_id).
      accept: (data) => data?.status === 'active' && !('owner_id' in data) && !('osm_id' in data),
      meta: {},
      shape: (data) => data,
    };
  }
  if (segments[0] === 'shops' && segments[2] === 'items' && segments.length === 3) {
    if (token || url.searchParams.has('cursor')) return null;
    return {
      kind: 'items',
      // One list per shop whatever its length or order: offline, any of them beats an error.
      key: `items:${segments[1]}`,
      accept: (data) => Array.isArray(data?.results),
      meta: {},
      shape: (data) => data,
    };
  }
  if (segments[0] === 'shops' && segments[2] === 'loyalty' && segments.length === 3 && !token) {
    // Whether the shop takes points and its rewards (public): the shop page shows them offline too.
    return {
      kind: 'loyalty',
      key: `loyalty:${segments[1]}`,
      accept: (data) => typeof data?.participating === 'boolean',
      meta: {},
      shape: (data) => data,
    };
  }
  if (!token && segments.length === 1 && (segments[0] === 'categories' || segments[0] === 'config')) {
    // Lists that change with a release: answered from the store offline, without a word.
    const same = (data) => data;
    return { kind: 'reference', key: segments[0], transparent: true, accept: () => true, meta: {}, shape: same };
  }
  return null;
}

function idbBackend() {
  if (typeof indexedDB === 'undefined') return null;
  const store = createStore('valence-offline', 'answers');
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    update: (key, updater) => update(key, updater, store),
    delMany: (keys) => delMany(keys, store),
    clear: () => clear(store),
  };
}

/** The search screen's address for a kept search: the page the person was on, when it was the search. */
function searchPage() {
  const here = globalThis.location;
  return here && here.pathname === '/' ? `/${here.search}` : null;
}

/** `backend` stores values by key (idb-keyval's calls); null keeps nothing (no IndexedDB). */
export function createKeptAnswers({ backend = idbBackend(), now = () => Date.now(), pageUrl = searchPage } = {}) {
  async function save(policy, data) {
    if (!backend) return;
    const savedAt = now();
    const meta = { ...policy.meta, name: policy.kind === 'shop' ? data.name : undefined };
    if (policy.kind === 'search') meta.page = pageUrl();
    await backend.set(policy.key, { savedAt, data: policy.shape(data) });
    let dropped = [];
    await backend.update(indexKey(policy.kind), (index = []) => {
      const typedOver = (entry) =>
        policy.kind === 'search' &&
        meta.q &&
        entry.meta.filterKey === meta.filterKey &&
        entry.meta.q &&
        meta.q.startsWith(entry.meta.q) &&
        savedAt - entry.savedAt < TYPING_MS;
      const others = index.filter((entry) => entry.key !== policy.key);
      const kept = [{ key: policy.key, savedAt, meta }, ...others.filter((entry) => !typedOver(entry))];
      const limit = KEPT_LIMITS[policy.kind];
      dropped = others.filter(typedOver).concat(kept.slice(limit)).map((entry) => entry.key);
      return kept.slice(0, limit);
    });
    if (dropped.length) await backend.delMany(dropped);
  }

  async function read(policy) {
    if (!backend) return null;
    const entry = await withTimeout(backend.get(policy.key), null);
    return entry ? { data: entry.data, savedAt: new Date(entry.savedAt) } : null;
  }

  async function forget(policy) {
    if (!backend) return;
    await backend.update(indexKey(policy.kind), (index = []) => index.filter((entry) => entry.key !== policy.key));
    await backend.delMany([policy.key]);
  }

  /** The kept answers of `kind`, newest first: [{ key, savedAt: Date, meta }]. */
  async function recent(kind) {
    if (!backend) return [];
    const index = (await withTimeout(backend.get(indexKey(kind)), null)) ?? [];
    return index.map((entry) => ({ ...entry, savedAt: new Date(entry.savedAt) }));
  }

  return {
    save,
    read,
    forget,
    recent,
    clear: async () => backend?.clear(),
  };
}

/** The one store the app uses. */
export const keptAnswers = createKeptAnswers();

/**
 * What was kept goes when the person signs out (by choice, by expiry, or in another tab), and so do the
 * `others` stores (each with a `clear()`, e.g. the counter's queue of actions waiting for the network).
 */
export function forgetOnSignOut(auth, kept = keptAnswers, others = []) {
  let previous = auth.state.status;
  return auth.subscribe((state) => {
    const hadSession = previous === 'signed-in' || previous === 'unavailable';
    if (hadSession && state.status === 'signed-out') {
      for (const store of [kept, ...others]) store.clear().catch(() => {});
    }
    previous = state.status;
  });
}
