// Session: access token in memory, refresh token in IndexedDB, single-flight
// rotation (a refresh token is single-use: presenting it twice revokes the login).
import { ApiError } from './api.js';

export const SESSION_EXPIRED_MESSAGE = 'Votre session a expiré. Reconnectez-vous.';
export const SIGNED_OUT_MESSAGE = 'Vous êtes déconnecté.';
export const REFRESH_MARGIN_MS = 30_000;
export const WARNING_BEFORE_MS = 120_000;
const STORE_KEY = 'valence.session';
const LOCK_NAME = 'valence-auth-refresh';
// setTimeout overflows past 2^31-1 ms; long waits are re-armed in steps.
const MAX_TIMER_MS = 24 * 60 * 60 * 1000;

function sessionEnded(error) {
  return (
    error instanceof ApiError &&
    !error.isNetworkError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 408 &&
    error.status !== 429
  );
}

export function createAuth({
  api,
  store,
  now = () => Date.now(),
  locks = globalThis.navigator?.locks,
  channel = null,
}) {
  let state = { status: 'starting', user: null, notice: null, error: null, warning: null };
  let access = null;
  let refreshExpiresAt = null;
  let refreshInFlight = null;
  let interactedSinceRefresh = false;
  const listeners = new Set();
  const timers = new Map();

  function setState(patch) {
    state = { ...state, ...patch };
    for (const listener of listeners) listener(state);
  }

  function at(name, timestamp, callback) {
    clearTimeout(timers.get(name));
    const delay = Math.max(0, timestamp - now());
    timers.set(
      name,
      setTimeout(() => {
        if (now() < timestamp) at(name, timestamp, callback);
        else callback();
      }, Math.min(delay, MAX_TIMER_MS)),
    );
  }

  function clearTimers() {
    for (const id of timers.values()) clearTimeout(id);
    timers.clear();
  }

  function schedule() {
    clearTimers();
    if (access) at('access', access.expiresAt - REFRESH_MARGIN_MS, onAccessTimer);
    if (refreshExpiresAt) {
      at('warning', refreshExpiresAt - WARNING_BEFORE_MS, onWarningTimer);
      at('expiry', refreshExpiresAt, onExpiryTimer);
    }
  }

  async function applyTokens(pair) {
    const issuedAt = now();
    access = { token: pair.access_token, expiresAt: issuedAt + pair.expires_in * 1000 };
    refreshExpiresAt = Number.isFinite(pair.refresh_expires_in)
      ? issuedAt + pair.refresh_expires_in * 1000
      : null;
    await store.set(STORE_KEY, { refreshToken: pair.refresh_token, refreshExpiresAt });
    interactedSinceRefresh = false;
    schedule();
    if (state.warning) setState({ warning: null });
    channel?.postMessage({ type: 'rotated' });
  }

  async function clearLocal(notice, { broadcast = true } = {}) {
    access = null;
    refreshExpiresAt = null;
    clearTimers();
    await store.del(STORE_KEY);
    setState({ status: 'signed-out', user: null, notice, error: null, warning: null });
    if (broadcast) channel?.postMessage({ type: 'signed-out' });
  }

  async function withLock(task) {
    return locks ? locks.request(LOCK_NAME, task) : task();
  }

  async function rotate() {
    // Read inside the lock: another tab may have rotated the token meanwhile.
    const saved = await store.get(STORE_KEY);
    if (!saved?.refreshToken) {
      await clearLocal(SESSION_EXPIRED_MESSAGE, { broadcast: false });
      throw new ApiError(SESSION_EXPIRED_MESSAGE, { status: 401 });
    }
    let pair;
    try {
      pair = await api.send('/auth/refresh', {
        method: 'POST',
        body: { refresh_token: saved.refreshToken },
      });
    } catch (error) {
      if (sessionEnded(error)) {
        await clearLocal(SESSION_EXPIRED_MESSAGE);
        throw new ApiError(SESSION_EXPIRED_MESSAGE, { status: 401 });
      }
      throw error;
    }
    await applyTokens(pair);
    return access.token;
  }

  function refresh() {
    refreshInFlight ??= withLock(rotate).finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  async function getAccessToken() {
    if (access && access.expiresAt - now() > REFRESH_MARGIN_MS) return access.token;
    return refresh();
  }

  async function renewAfterUnauthorized(usedToken) {
    if (access && access.token !== usedToken && access.expiresAt - now() > REFRESH_MARGIN_MS) {
      return access.token;
    }
    return refresh();
  }

  async function loadUser() {
    const user = await api.authed('/me');
    setState({ status: 'signed-in', user, notice: null, error: null });
    return user;
  }

  // Another tab may have extended the session: trust the store before warning or expiring.
  async function extendedElsewhere() {
    const saved = await store.get(STORE_KEY);
    if (saved?.refreshExpiresAt && refreshExpiresAt && saved.refreshExpiresAt > refreshExpiresAt) {
      refreshExpiresAt = saved.refreshExpiresAt;
      schedule();
      if (state.warning) setState({ warning: null });
      return true;
    }
    return false;
  }

  function onAccessTimer() {
    if (interactedSinceRefresh) refresh().catch(() => {});
  }

  async function onWarningTimer() {
    if (await extendedElsewhere()) return;
    if (refreshExpiresAt) setState({ warning: { expiresAt: refreshExpiresAt } });
  }

  async function onExpiryTimer() {
    if (await extendedElsewhere()) return;
    await clearLocal(SESSION_EXPIRED_MESSAGE);
  }

  /** Restores the session at launch, and again when the network comes back. */
  async function start() {
    if (!access) {
      const saved = await store.get(STORE_KEY);
      if (!saved?.refreshToken) {
        setState({ status: 'signed-out' });
        return;
      }
      if (saved.refreshExpiresAt && saved.refreshExpiresAt <= now()) {
        await clearLocal(SESSION_EXPIRED_MESSAGE, { broadcast: false });
        return;
      }
    }
    try {
      await getAccessToken();
      await loadUser();
    } catch (error) {
      if (state.status === 'signed-out') return;
      setState({ status: 'unavailable', error: error.message });
    }
  }

  channel?.addEventListener('message', async (event) => {
    const type = event.data?.type;
    if (type === 'signed-out' && state.status !== 'signed-out') {
      await clearLocal(SIGNED_OUT_MESSAGE, { broadcast: false });
    } else if (type === 'rotated' && state.status === 'signed-in') {
      await extendedElsewhere();
    } else if (type === 'rotated' && state.status === 'signed-out') {
      await start();
    }
  });

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getAccessToken,
    renewAfterUnauthorized,
    start,
    async signIn(email, password) {
      const pair = await api.send('/auth/token', { method: 'POST', body: { email, password } });
      await applyTokens(pair);
      return loadUser();
    },
    async register({ displayName, email, password }) {
      await api.send('/auth/register', {
        method: 'POST',
        body: { email, password, display_name: displayName },
      });
      try {
        const pair = await api.send('/auth/token', { method: 'POST', body: { email, password } });
        await applyTokens(pair);
        return await loadUser();
      } catch (error) {
        // Registering again would now say the address is taken: point to the sign-in form.
        throw new ApiError(
          `Votre compte est créé, mais la connexion automatique a échoué : ${error.message} ` +
            'Connectez-vous depuis l’onglet « Se connecter ».',
          { status: error.status, isNetworkError: error.isNetworkError },
        );
      }
    },
    async signOut() {
      try {
        if (access || (await store.get(STORE_KEY))) {
          await api.authed('/auth/logout', { method: 'POST' });
        }
      } catch {
        // Signed out locally whatever the server says; the refresh token is gone from this device.
      }
      await clearLocal(SIGNED_OUT_MESSAGE);
    },
    async stayConnected() {
      await refresh();
    },
    /** Roles change at the next refresh (a shop approved, a claim accepted): refresh, then read /me again. */
    async refreshRoles() {
      await refresh();
      return loadUser();
    },
    noteInteraction() {
      interactedSinceRefresh = true;
    },
    /** Timers are throttled in background tabs: catch up when the page is visible again. */
    recheck() {
      if (access || refreshExpiresAt) schedule();
    },
  };
}
