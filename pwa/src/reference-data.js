// Data that changes with a release, not with a visit: fetched once per page load.
const cache = new Map();

function once(key, load) {
  if (!cache.has(key)) {
    const promise = load().catch((error) => {
      cache.delete(key); // a failure is retried next time
      throw error;
    });
    cache.set(key, promise);
  }
  return cache.get(key);
}

/** GET /config: { map_tile_url, map_attribution, territory_bbox, city_centre }. */
export function loadConfig(api) {
  return once('config', () => api.send('/config'));
}

/** GET /categories as a Map slug → French label, in the API's order. */
export function loadCategories(api) {
  return once('categories', async () => {
    const list = await api.send('/categories');
    return new Map(list.map(({ slug, label }) => [slug, label]));
  });
}
