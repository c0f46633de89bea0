import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api.js';
import { createAuth, SESSION_EXPIRED_MESSAGE, SIGNED_OUT_MESSAGE } from '../src/auth.js';

function memoryStore(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: async (key) => data.get(key),
    set: async (key, value) => void data.set(key, value),
    del: async (key) => void data.delete(key),
  };
}

function pair(n, { expiresIn = 900, refreshExpiresIn = 1800 } = {}) {
  return {
    access_token: `access-${n}`,
    refresh_token: `refresh-${n}`,
    token_type: 'bearer',
    expires_in: expiresIn,
    refresh_expires_in: refreshExpiresIn,
  };
}

function fakeApi(handlers) {
  const calls = [];
  return {
    calls,
    async send(path, options = {}) {
      calls.push({ path, ...options });
      return handlers[path](options);
    },
    async authed(path, options = {}) {
      return this.send(path, options);
    },
  };
}

describe('session', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-11-26T13:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('shares one refresh between concurrent callers', async () => {
    let rotations = 0;
    const api = fakeApi({
      '/auth/refresh': async () => pair(++rotations),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
    });
    const store = memoryStore({ 'valence.session': { refreshToken: 'refresh-0', refreshExpiresAt: null } });
    const auth = createAuth({ api, store, locks: null });
    const [first, second] = await Promise.all([auth.getAccessToken(), auth.getAccessToken()]);
    expect(first).toBe('access-1');
    expect(second).toBe('access-1');
    expect(api.calls.filter((call) => call.path === '/auth/refresh')).toHaveLength(1);
    expect(store.data.get('valence.session').refreshToken).toBe('refresh-1');
  });

  it('refreshes before a call when the access token expires within 30 s', async () => {
    let rotations = 0;
    const api = fakeApi({
      '/auth/token': async () => pair(0, { expiresIn: 60 }),
      '/auth/refresh': async () => pair(++rotations),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
    });
    const auth = createAuth({ api, store: memoryStore(), locks: null });
    await auth.signIn('marie@example.fr', 'motdepasse-long');
    expect(await auth.getAccessToken()).toBe('access-0');
    vi.setSystemTime(Date.now() + 31_000);
    expect(await auth.getAccessToken()).toBe('access-1');
  });

  it('signs out with a message when the refresh token is refused', async () => {
    const api = fakeApi({
      '/auth/refresh': async () => {
        throw new ApiError('Jeton invalide.', { status: 401 });
      },
    });
    const store = memoryStore({ 'valence.session': { refreshToken: 'used', refreshExpiresAt: null } });
    const auth = createAuth({ api, store, locks: null });
    await auth.start();
    expect(auth.state.status).toBe('signed-out');
    expect(auth.state.notice).toBe(SESSION_EXPIRED_MESSAGE);
    expect(store.data.has('valence.session')).toBe(false);
  });

  it('keeps the session when the network is down at launch', async () => {
    const api = fakeApi({
      '/auth/refresh': async () => {
        throw new ApiError('Connexion impossible.', { isNetworkError: true });
      },
    });
    const store = memoryStore({ 'valence.session': { refreshToken: 'kept', refreshExpiresAt: null } });
    const auth = createAuth({ api, store, locks: null });
    await auth.start();
    expect(auth.state.status).toBe('unavailable');
    expect(store.data.get('valence.session').refreshToken).toBe('kept');
  });

  it('warns 120 s before the refresh token expires, then signs out', async () => {
    const api = fakeApi({
      '/auth/token': async () => pair(0, { refreshExpiresIn: 300 }),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
    });
    const auth = createAuth({ api, store: memoryStore(), locks: null });
    await auth.signIn('marie@example.fr', 'motdepasse-long');
    await vi.advanceTimersByTimeAsync(179_000);
    expect(auth.state.warning).toBeNull();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(auth.state.warning).toEqual({ expiresAt: Date.now() + 120_000 });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(auth.state.status).toBe('signed-out');
    expect(auth.state.notice).toBe(SESSION_EXPIRED_MESSAGE);
  });

  it('warns at once when the idle lifetime is already short', async () => {
    let rotations = 0;
    const api = fakeApi({
      '/auth/token': async () => pair(0, { refreshExpiresIn: 100 }),
      '/auth/refresh': async () => pair(++rotations, { refreshExpiresIn: 100 }),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
    });
    const auth = createAuth({ api, store: memoryStore(), locks: null });
    await auth.signIn('marie@example.fr', 'motdepasse-long');
    await vi.advanceTimersByTimeAsync(0);
    expect(auth.state.warning).not.toBeNull();
    await auth.stayConnected();
    expect(auth.state.warning).toBeNull();
    expect(rotations).toBe(1);
  });

  it('refreshes on the timer 30 s before access expiry only after an interaction', async () => {
    let rotations = 0;
    const api = fakeApi({
      '/auth/token': async () => pair(0, { expiresIn: 100, refreshExpiresIn: 3600 }),
      '/auth/refresh': async () => pair(++rotations, { expiresIn: 100, refreshExpiresIn: 3600 }),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
    });
    const idle = createAuth({ api, store: memoryStore(), locks: null });
    await idle.signIn('marie@example.fr', 'motdepasse-long');
    await vi.advanceTimersByTimeAsync(71_000);
    expect(rotations).toBe(0);

    const active = createAuth({ api, store: memoryStore(), locks: null });
    await active.signIn('marie@example.fr', 'motdepasse-long');
    active.noteInteraction();
    await vi.advanceTimersByTimeAsync(69_000);
    expect(rotations).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(rotations).toBe(1);
  });

  it('signs out locally even when the server cannot be reached', async () => {
    const api = fakeApi({
      '/auth/token': async () => pair(0),
      '/me': async () => ({ id: 'u1', display_name: 'Marie', roles: ['shopper'] }),
      '/auth/logout': async () => {
        throw new ApiError('Connexion impossible.', { isNetworkError: true });
      },
    });
    const store = memoryStore();
    const auth = createAuth({ api, store, locks: null });
    await auth.signIn('marie@example.fr', 'motdepasse-long');
    await auth.signOut();
    expect(auth.state).toMatchObject({ status: 'signed-out', notice: SIGNED_OUT_MESSAGE, user: null });
    expect(store.data.size).toBe(0);
  });
});
