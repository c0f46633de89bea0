import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createApiClient,
  fieldName,
  isAbort,
  NETWORK_ERROR_MESSAGE,
  parseRetryAfter,
  problemToError,
  queryString,
} from '../src/api.js';

describe('problemToError', () => {
  it('uses the French detail as the message', () => {
    const error = problemToError(401, {
      type: 'https://valence.example/problems/unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'Adresse e-mail ou mot de passe incorrect.',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Adresse e-mail ou mot de passe incorrect.');
    expect(error.status).toBe(401);
    expect(error.isNetworkError).toBe(false);
  });

  it('maps field errors to form field names', () => {
    const error = problemToError(422, {
      title: 'Validation error',
      detail: 'La requête contient des erreurs.',
      errors: [
        { field: 'body.password', detail: 'Le mot de passe doit contenir au moins 10 caractères.' },
        { field: 'email', detail: 'Adresse e-mail invalide.' },
        { field: 'email', detail: 'Elle est déjà utilisée.' },
        { field: 'display_name', detail: '' },
      ],
    });
    expect(error.fieldErrors).toEqual({
      password: 'Le mot de passe doit contenir au moins 10 caractères.',
      email: 'Adresse e-mail invalide. Elle est déjà utilisée.',
    });
  });

  it('falls back to the title, then to a French message by status', () => {
    expect(problemToError(409, { title: 'Adresse déjà utilisée' }).message).toBe('Adresse déjà utilisée');
    expect(problemToError(404, null).message).toBe('Élément introuvable.');
    expect(problemToError(503, 'gateway timeout').message).toMatch(/Réessayez/);
    expect(problemToError(418, {}).message).toBe('La demande n’a pas abouti. Réessayez.');
  });

  it('keeps Retry-After in seconds', () => {
    const error = problemToError(429, { detail: 'Trop de tentatives. Réessayez dans 15 minutes.' }, { retryAfter: '900' });
    expect(error.message).toBe('Trop de tentatives. Réessayez dans 15 minutes.');
    expect(error.retryAfterSeconds).toBe(900);
    expect(parseRetryAfter('abc')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });

  it('extracts field names', () => {
    expect(fieldName('body.display_name')).toBe('display_name');
    expect(fieldName('body/password')).toBe('password');
    expect(fieldName(undefined)).toBe('');
  });
});

function jsonResponse(status, body, headers = {}) {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
}

describe('createApiClient', () => {
  it('turns a network failure into the French connection message', async () => {
    const client = createApiClient({ fetchImpl: () => Promise.reject(new TypeError('Failed to fetch')) });
    const seen = vi.fn();
    client.events.addEventListener('network-error', seen);
    const error = await client.send('/me').catch((caught) => caught);
    expect(error.message).toBe(NETWORK_ERROR_MESSAGE);
    expect(error.isNetworkError).toBe(true);
    expect(seen).toHaveBeenCalledOnce();
  });

  it('reads Retry-After from a 429 answer', async () => {
    const client = createApiClient({
      fetchImpl: async () => jsonResponse(429, { status: 429, detail: 'Trop de tentatives.' }, { 'Retry-After': '120' }),
    });
    const error = await client.send('/auth/token', { method: 'POST', body: {} }).catch((caught) => caught);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(120);
  });

  it('retries an authenticated call once after a 401', async () => {
    const tokens = [];
    const client = createApiClient({
      fetchImpl: async (_url, init) => {
        tokens.push(init.headers.Authorization);
        return init.headers.Authorization === 'Bearer new'
          ? jsonResponse(200, { id: 'u1' })
          : jsonResponse(401, { detail: 'Jeton expiré.' });
      },
    });
    client.setTokenProvider({
      getAccessToken: async () => 'old',
      renewAfterUnauthorized: async (used) => (used === 'old' ? 'new' : 'newer'),
    });
    await expect(client.authed('/me')).resolves.toEqual({ id: 'u1' });
    expect(tokens).toEqual(['Bearer old', 'Bearer new']);
  });

  it('lets a newer request abort an older one without calling it a network failure', async () => {
    const client = createApiClient({
      fetchImpl: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
        }),
    });
    const seen = vi.fn();
    client.events.addEventListener('network-error', seen);
    const controller = new AbortController();
    const pending = client.send('/search?q=pain', { signal: controller.signal }).catch((caught) => caught);
    controller.abort();
    const error = await pending;
    expect(isAbort(error)).toBe(true);
    expect(seen).not.toHaveBeenCalled();
  });

  it('sends a file as is with its own type, and keeps every error line', async () => {
    let sent = null;
    const client = createApiClient({
      fetchImpl: async (_url, init) => {
        sent = init;
        return jsonResponse(422, {
          detail: '2 lignes sont invalides.',
          errors: [
            { field: 'line 2', detail: 'price_cents : « abc »' },
            { field: 'line 3', detail: 'kind : inconnu' },
          ],
        });
      },
    });
    const error = await client
      .send('/shops/s1/items/import', { method: 'POST', rawBody: 'kind,name', contentType: 'text/csv' })
      .catch((caught) => caught);
    expect(sent.headers['Content-Type']).toBe('text/csv');
    expect(sent.body).toBe('kind,name');
    expect(error.errors).toEqual([
      { field: 'line 2', detail: 'price_cents : « abc »' },
      { field: 'line 3', detail: 'kind : inconnu' },
    ]);
  });
});

describe('queryString', () => {
  it('leaves out empty values', () => {
    expect(queryString({ q: 'pain sans gluten', lat: 44.9, open_now: false, cursor: null, kind: '' })).toBe(
      '?q=pain+sans+gluten&lat=44.9',
    );
    expect(queryString({})).toBe('');
  });
});
