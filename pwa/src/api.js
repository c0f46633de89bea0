// The one API client: JSON in and out, problem+json turned into ApiError.
import { keptAnswers, keptPolicy } from './offline-store.js';

export const API_BASE = '/api/v1';
export const NETWORK_ERROR_MESSAGE = 'Connexion impossible. Vérifiez votre réseau puis réessayez.';

const FALLBACK_MESSAGES = {
  400: 'La demande est incorrecte.',
  401: 'Vous devez vous connecter.',
  403: 'Vous n’avez pas accès à cette fonction.',
  404: 'Élément introuvable.',
  409: 'Cette action est en conflit avec l’état actuel. Actualisez puis réessayez.',
  422: 'Certaines informations sont invalides. Vérifiez les champs signalés.',
  429: 'Trop de tentatives. Patientez quelques minutes puis réessayez.',
};
const SERVER_ERROR_MESSAGE = 'Le service rencontre un problème. Réessayez dans quelques instants.';
const REQUEST_FAILED_MESSAGE = 'La demande n’a pas abouti. Réessayez.';

export class ApiError extends Error {
  constructor(
    message,
    {
      status = 0,
      type = null,
      fieldErrors = {},
      errors = [],
      retryAfterSeconds = null,
      isNetworkError = false,
      kept = null,
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.fieldErrors = fieldErrors;
    // The problem's `errors` in their order, e.g. every bad line of a CSV import.
    this.errors = errors;
    this.retryAfterSeconds = retryAfterSeconds;
    this.isNetworkError = isNetworkError;
    // Offline, the answer kept from the last time ({ data, savedAt }), for the screen to show, dated.
    this.kept = kept;
  }
}

export function networkError(kept = null) {
  return new ApiError(NETWORK_ERROR_MESSAGE, { isNetworkError: true, kept });
}

export function isAbort(error) {
  return error?.name === 'AbortError';
}

function abortError(error) {
  if (isAbort(error)) return error;
  const abort = new Error('Request aborted');
  abort.name = 'AbortError';
  return abort;
}

/** "?q=pain&lat=…" from an object; null, undefined, '' and false are left out. */
export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** "body.password", "body/password" or "password" → "password". */
export function fieldName(field) {
  return String(field ?? '').split(/[./]/).filter(Boolean).at(-1) ?? '';
}

export function parseRetryAfter(value) {
  if (value === null || value === undefined || value === '') return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** Maps an RFC 9457 problem (or any error body) to an ApiError carrying French messages. */
export function problemToError(status, problem, { retryAfter = null } = {}) {
  const body = problem && typeof problem === 'object' ? problem : {};
  const fallback =
    FALLBACK_MESSAGES[status] ?? (status >= 500 ? SERVER_ERROR_MESSAGE : REQUEST_FAILED_MESSAGE);
  const message = nonEmpty(body.detail) ?? nonEmpty(body.title) ?? fallback;
  const fieldErrors = {};
  const errors = [];
  for (const error of Array.isArray(body.errors) ? body.errors : []) {
    const detail = nonEmpty(error?.detail);
    if (!detail) continue;
    const key = fieldName(error?.field);
    errors.push({ field: String(error?.field ?? ''), detail });
    fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]} ${detail}` : detail;
  }
  return new ApiError(message, {
    status,
    type: nonEmpty(body.type),
    fieldErrors,
    errors,
    retryAfterSeconds: parseRetryAfter(retryAfter),
  });
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function createApiClient({
  fetchImpl = (...args) => globalThis.fetch(...args),
  base = API_BASE,
  kept = keptAnswers,
} = {}) {
  // 'response' when the API answered (offline state ends), 'network-error' when it could not be reached.
  const events = new EventTarget();
  let tokenProvider = null;

  /** `body` is sent as JSON; `rawBody` as is, with its own Content-Type (a CSV file). */
  async function send(path, { method = 'GET', body, rawBody, contentType, token, headers = {}, signal } = {}) {
    const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    } else if (rawBody !== undefined) {
      init.headers['Content-Type'] = contentType;
      init.body = rawBody;
    }
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (signal) init.signal = signal;
    const keep = kept && method === 'GET' ? keptPolicy(path, { token }) : null;
    let response;
    try {
      response = await fetchImpl(base + path, init);
    } catch (error) {
      // A request the page gave up on (a newer search) says nothing about the network.
      if (signal?.aborted) throw abortError(error);
      events.dispatchEvent(new Event('network-error'));
      const answer = keep ? await kept.read(keep).catch(() => null) : null;
      if (signal?.aborted) throw abortError(error);
      if (answer && keep.transparent) return answer.data;
      throw networkError(answer);
    }
    events.dispatchEvent(new CustomEvent('response', { detail: { ok: response.ok, at: new Date() } }));
    let data;
    try {
      data = await readBody(response);
    } catch (error) {
      if (signal?.aborted) throw abortError(error);
      throw error;
    }
    if (keep && (response.status === 404 || response.status === 410)) kept.forget(keep).catch(() => {});
    if (!response.ok) {
      throw problemToError(response.status, data, { retryAfter: response.headers.get('Retry-After') });
    }
    // Kept while the screen renders: a failed write only means less to show offline.
    if (keep?.accept(data)) kept.save(keep, data).catch(() => {});
    return data;
  }

  /** Authenticated call: fresh token first, and one retry after a refresh on 401. */
  async function authed(path, options = {}) {
    if (!tokenProvider) throw new Error('No token provider registered');
    const token = await tokenProvider.getAccessToken();
    try {
      return await send(path, { ...options, token });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      const renewed = await tokenProvider.renewAfterUnauthorized(token);
      return send(path, { ...options, token: renewed });
    }
  }

  return {
    events,
    send,
    authed,
    setTokenProvider(provider) {
      tokenProvider = provider;
    },
  };
}
