import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../src/api.js';
import {
  createKeptAnswers,
  forgetOnSignOut,
  KEPT_LIMITS,
  keptPolicy,
  normaliseQuery,
} from '../src/offline-store.js';
import { weekFromToday } from '../src/ui/kept-answers.js';

/** idb-keyval's calls over a Map. */
function memoryBackend() {
  const map = new Map();
  return {
    map,
    get: async (key) => structuredClone(map.get(key)),
    set: async (key, value) => void map.set(key, structuredClone(value)),
    update: async (key, updater) => void map.set(key, structuredClone(updater(map.get(key)))),
    delMany: async (keys) => keys.forEach((key) => map.delete(key)),
    clear: async () => map.clear(),
  };
}

// Longer than a word typed letter by letter.
const TYPING_GAP = 3 * 60_000;

function clock(start = Date.UTC(2026, 11, 3, 8, 40)) {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const PAGE = {
  results: [
    {
      shop: { id: 's1', name: 'Au Bon Pain', category: 'boulangerie', lat: 44.93, lon: 4.89, open_now: true },
      distance_m: 183.4,
      matched_items: [],
      score: 1,
    },
  ],
  next_cursor: 'abc',
};

describe('keptPolicy', () => {
  it('keys a search by its words and filters, never by where it was made', () => {
    const here = keptPolicy('/search?q=Pâte%20 &lat=44.93612&lon=4.88876&radius_m=1000&limit=20');
    const there = keptPolicy('/search?q=pate&lat=44.9&lon=4.8&radius_m=1000&limit=20');
    expect(here.key).toBe(there.key);
    expect(here.key).not.toMatch(/44\.9|4\.8|lat|lon/);
    expect(keptPolicy('/search?q=pate&radius_m=1000').key).not.toBe(here.key);
    expect(keptPolicy('/search?q=pate&lat=1&lon=1&radius_m=500').key).not.toBe(here.key);
    expect(keptPolicy('/search?q=pate&lat=1&lon=1&radius_m=1000&open_now=true').key).not.toBe(here.key);
  });

  it('keeps the distances out of a kept search', () => {
    const shaped = keptPolicy('/search?q=pain').shape(PAGE);
    expect(shaped.results[0].distance_m).toBeNull();
    expect(shaped.next_cursor).toBeNull();
    expect(JSON.stringify(shaped)).not.toContain('183');
  });

  it('keeps public answers only', () => {
    expect(keptPolicy('/search?q=pain&cursor=x')).toBeNull();
    expect(keptPolicy('/search?q=pain', { token: 't' })).toBeNull();
    expect(keptPolicy('/shops/s1/items?limit=12&cursor=x')).toBeNull();
    expect(keptPolicy('/shops/s1/items?limit=12', { token: 't' })).toBeNull();
    expect(keptPolicy('/me/shops')).toBeNull();
    expect(keptPolicy('/admin/shops')).toBeNull();
    expect(keptPolicy('/me', { token: 't' })).toBeNull();
    const shop = keptPolicy('/shops/s1', { token: 't' });
    expect(shop.accept({ id: 's1', status: 'active' })).toBe(true);
    expect(shop.accept({ id: 's1', status: 'active', owner_id: 'u1', osm_id: null })).toBe(false);
    expect(shop.accept({ id: 's1', status: 'pending' })).toBe(false);
    expect(keptPolicy('/categories').transparent).toBe(true);
  });

  it('normalises a query as the search does', () => {
    expect(normaliseQuery('  Pâté   de  Campagne ')).toBe('pate de campagne');
  });
});

describe('createKeptAnswers', () => {
  it('reads back what it saved, dated', async () => {
    const time = clock();
    const kept = createKeptAnswers({ backend: memoryBackend(), now: time.now, pageUrl: () => '/?q=pain' });
    const policy = keptPolicy('/search?q=pain&limit=20');
    await kept.save(policy, PAGE);
    const answer = await kept.read(keptPolicy('/search?q=PAIN&limit=20'));
    expect(answer.savedAt.getTime()).toBe(time.now());
    expect(answer.data.results[0].shop.name).toBe('Au Bon Pain');
    const [entry] = await kept.recent('search');
    expect(entry.meta).toMatchObject({ text: 'pain', page: '/?q=pain' });
  });

  it('bounds each kind, the oldest going first', async () => {
    const backend = memoryBackend();
    const time = clock();
    const kept = createKeptAnswers({ backend, now: time.now, pageUrl: () => null });
    for (let index = 0; index < KEPT_LIMITS.search + 5; index += 1) {
      time.advance(TYPING_GAP);
      await kept.save(keptPolicy(`/search?q=mot${index}x`), PAGE);
    }
    const recent = await kept.recent('search');
    expect(recent).toHaveLength(KEPT_LIMITS.search);
    expect(recent[0].meta.q).toBe(`mot${KEPT_LIMITS.search + 4}x`);
    expect(await kept.read(keptPolicy('/search?q=mot0x'))).toBeNull();
    const stored = [...backend.map.keys()].filter((key) => key.startsWith('search:'));
    expect(stored).toHaveLength(KEPT_LIMITS.search);
  });

  it('keeps one search for a word typed letter by letter', async () => {
    const time = clock();
    const kept = createKeptAnswers({ backend: memoryBackend(), now: time.now, pageUrl: () => null });
    for (const q of ['p', 'pa', 'pai', 'pain']) {
      time.advance(300);
      await kept.save(keptPolicy(`/search?q=${q}`), PAGE);
    }
    await kept.save(keptPolicy('/search?q=pa&open_now=true'), PAGE);
    expect((await kept.recent('search')).map((entry) => entry.meta.q)).toEqual(['pa', 'pain']);
    expect(await kept.read(keptPolicy('/search?q=pai'))).toBeNull();
  });

  it('forgets a shop that is gone, and everything at sign-out', async () => {
    const backend = memoryBackend();
    const kept = createKeptAnswers({ backend, pageUrl: () => null });
    const shop = keptPolicy('/shops/s1');
    await kept.save(shop, { id: 's1', name: 'Au Bon Pain', status: 'active' });
    expect((await kept.recent('shop'))[0].meta.name).toBe('Au Bon Pain');
    await kept.forget(shop);
    expect(await kept.read(shop)).toBeNull();
    expect(await kept.recent('shop')).toEqual([]);

    await kept.save(keptPolicy('/search?q=pain'), PAGE);
    const listeners = new Set();
    const auth = { state: { status: 'starting' }, subscribe: (listener) => listeners.add(listener) };
    const cleared = new Promise((resolve) => {
      const clear = kept.clear;
      kept.clear = async () => {
        await clear();
        resolve();
      };
    });
    forgetOnSignOut(auth, kept);
    for (const status of ['signed-out', 'signed-in']) for (const listener of listeners) listener({ status });
    expect(backend.map.size).toBeGreaterThan(0);
    for (const listener of listeners) listener({ status: 'signed-out' });
    await cleared;
    expect(backend.map.size).toBe(0);
  });

  it('does nothing without IndexedDB', async () => {
    const kept = createKeptAnswers({ backend: null });
    await kept.save(keptPolicy('/search?q=pain'), PAGE);
    expect(await kept.read(keptPolicy('/search?q=pain'))).toBeNull();
  });
});

describe('the API client offline', () => {
  function client(kept, { online = true } = {}) {
    const state = { online };
    const fetchImpl = async (url) => {
      if (!state.online) throw new TypeError('Failed to fetch');
      const body = url.includes('/categories') ? [{ slug: 'boulangerie', label: 'Boulangerie' }] : PAGE;
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    return { api: createApiClient({ fetchImpl, kept }), state };
  }

  it('attaches the kept answer to the network error, and answers reference lists from the store', async () => {
    const kept = createKeptAnswers({ backend: memoryBackend(), pageUrl: () => null });
    const { api, state } = client(kept);
    await api.send('/search?q=pain&lat=44.9361&lon=4.8888&radius_m=2000&limit=20');
    await api.send('/categories');
    await new Promise((resolve) => setTimeout(resolve, 0));
    state.online = false;
    const error = await api.send('/search?q=pain&lat=44.95&lon=4.9&radius_m=2000&limit=20').catch((e) => e);
    expect(error.isNetworkError).toBe(true);
    expect(error.kept.data.results[0].shop.id).toBe('s1');
    expect(error.kept.savedAt).toBeInstanceOf(Date);
    expect(await api.send('/categories')).toEqual([{ slug: 'boulangerie', label: 'Boulangerie' }]);
    const never = await api.send('/search?q=velo&limit=20').catch((e) => e);
    expect(never.isNetworkError).toBe(true);
    expect(never.kept).toBeNull();
  });

  it('keeps nothing asked with a token but a public shop page', async () => {
    const backend = memoryBackend();
    const kept = createKeptAnswers({ backend, pageUrl: () => null });
    const { api } = client(kept);
    await api.send('/search?q=pain', { token: 'secret' });
    await api.authed?.('/shops/s1').catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(backend.map.size).toBe(0);
  });
});

describe('weekFromToday', () => {
  it('drops the days gone by since the page was kept', () => {
    const shop = { week: [{ date: '2026-12-01' }, { date: '2026-12-02' }, { date: '2026-12-03' }] };
    const now = new Date('2026-12-02T23:30:00Z'); // already the 3rd in Valence
    expect(weekFromToday(shop, now).week).toEqual([{ date: '2026-12-03' }]);
    expect(weekFromToday(shop, new Date('2026-12-20T10:00:00Z'))).toBe(shop);
  });
});

describe('a store that does not answer', () => {
  it('gives up reading after a moment rather than keep the screen waiting', async () => {
    vi.useFakeTimers();
    try {
      const never = new Promise(() => {});
      const kept = createKeptAnswers({ backend: { ...memoryBackend(), get: () => never } });
      const answer = kept.read(keptPolicy('/search?q=pain'));
      await vi.advanceTimersByTimeAsync(2500);
      expect(await answer).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
