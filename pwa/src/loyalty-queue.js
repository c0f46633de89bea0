// The counter's actions made with no network (earn, redeem, reverse): kept in IndexedDB with their
// Idempotency-Key and body, listed as « En attente d'envoi », and sent once the network is back (the `online`
// event, and at start-up). Sending again with the same key is safe: the server replays its first answer.
// Everything goes at sign-out (offline-store.js forgetOnSignOut).
import { clear, createStore, del, get, set, values } from 'idb-keyval';

export const QUEUE_LOCK = 'valence-loyalty-queue';

function idbBackend() {
  if (typeof indexedDB === 'undefined') return null;
  const store = createStore('valence-loyalty-queue', 'actions');
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    values: () => values(store),
    clear: () => clear(store),
  };
}

/**
 * What to do with an action the server could not take: 'retry' later (no answer, a server error, a request
 * still in progress, a session to renew), or 'refuse' (the server said no: keep its reason for the merchant).
 */
export function outcomeOf(error) {
  if (!error || error.isNetworkError || !error.status) return 'retry';
  if (error.status >= 500 || error.status === 401 || error.status === 408 || error.status === 429) return 'retry';
  if (error.status === 409 && String(error.type ?? '').endsWith('idempotency-in-progress')) return 'retry';
  return 'refuse';
}

/**
 * `send(item)` posts one action (rejecting with an ApiError); `backend` stores items by their key (idb-keyval's
 * calls, or a Map-like object in tests). Events on `events`: 'change', 'sent' and 'refused' ({ item, answer | error }).
 */
export function createActionQueue({
  backend = idbBackend(),
  send,
  now = () => Date.now(),
  locks = globalThis.navigator?.locks,
} = {}) {
  const events = new EventTarget();
  let flushing = null;
  const emit = (type, detail = null) => events.dispatchEvent(new CustomEvent(type, { detail }));

  /** Keeps `action` ({ key, path, body, label, shopId, userId }) to send later; returns the kept item. */
  async function add(action) {
    const item = { ...action, createdAt: now(), status: 'pending', detail: null, type: null };
    await backend?.set(item.key, item);
    emit('change');
    return item;
  }

  /** The kept items, oldest first; only those of `userId` and `shopId` when given. */
  async function list({ userId = null, shopId = null } = {}) {
    const items = (await backend?.values()) ?? [];
    return items
      .filter((item) => (userId === null || item.userId === userId) && (shopId === null || item.shopId === shopId))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async function sendAll(userId) {
    for (const queued of await list({ userId })) {
      if (queued.status !== 'pending') continue;
      // Another tab may have sent it meanwhile.
      const item = await backend.get(queued.key);
      if (!item || item.status !== 'pending') continue;
      try {
        const answer = await send(item);
        await backend.del(item.key);
        emit('sent', { item, answer });
      } catch (error) {
        if (outcomeOf(error) === 'retry') {
          // No network, no point going on; a single busy request does not hold the others back.
          if (error?.isNetworkError || !error?.status) break;
          continue;
        }
        const refused = { ...item, status: 'refused', detail: error.message, type: error.type ?? null };
        await backend.set(item.key, refused);
        emit('refused', { item: refused, error });
      }
      emit('change');
    }
  }

  /** Sends the pending actions of `userId`, oldest first, one flush at a time (in this tab and across tabs). */
  function flush({ userId }) {
    if (!backend || !userId) return Promise.resolve();
    flushing ??= (locks ? locks.request(QUEUE_LOCK, () => sendAll(userId)) : sendAll(userId)).finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function dismiss(key) {
    await backend?.del(key);
    emit('change');
  }

  return {
    events,
    add,
    list,
    flush,
    dismiss,
    clear: async () => {
      await backend?.clear();
      emit('change');
    },
  };
}

/**
 * The app's one queue, sending through `api` as the signed-in merchant: flushed when someone is signed in
 * (start-up, or sign-in), and when the browser says the network is back.
 */
export function setupLoyaltyQueue({ api, auth }) {
  const queue = createActionQueue({
    send: (item) =>
      api.authed(item.path, {
        method: 'POST',
        body: item.body ?? undefined,
        headers: { 'Idempotency-Key': item.key },
      }),
  });
  const flushNow = () => {
    if (auth.state.status === 'signed-in') queue.flush({ userId: auth.state.user.id }).catch(() => {});
  };
  let previous = null;
  auth.subscribe((state) => {
    if (state.status === 'signed-in' && previous !== 'signed-in') flushNow();
    previous = state.status;
  });
  window.addEventListener('online', flushNow);
  flushNow();
  return { queue, flushNow };
}

/** A fresh Idempotency-Key: one per action, kept with it until the server has answered. */
export function newIdempotencyKey() {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
