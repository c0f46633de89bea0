// The student's phone: its P-256 key, made by WebCrypto and never extractable, kept in IndexedDB with the
// credentials the server signed for it; the codes it shows, signed every 10 seconds with no network needed,
// on the phone's clock corrected by the offset measured at the last sync.
import { clear, createStore, del, get, set } from 'idb-keyval';
import { codeText, deviceSignedPart, fromBase64Url, timeStep, toBase64Url } from './code.js';

const store = createStore('valence-card', 'phone');
// Renewed silently whenever the screen is shown online and the last sync is older than this.
export const RENEW_AFTER_MS = 10 * 60 * 1000;

/** Everything the phone keeps of the card, for sign-out (forgetOnSignOut). */
export const cardStore = { clear: () => clear(store) };

async function keyPair(userId) {
  const kept = await get(`key:${userId}`, store);
  if (kept) return kept;
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKey = toBase64Url(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  const record = { privateKey: pair.privateKey, publicKey };
  await set(`key:${userId}`, record, store);
  // The key is the card on this phone: ask the browser not to evict it when space runs low.
  navigator.storage?.persist?.().catch(() => {});
  return record;
}

/** What the phone holds for `userId`: { credentials: {service: base64url}, expiresAt, offsetMs, syncedAt }. */
export function keptCredentials(userId) {
  return get(`credentials:${userId}`, store);
}

/** Enrols this phone (the first time) or renews its credentials; a new phone replaces the others. */
export async function syncCredentials(api, userId) {
  const { publicKey } = await keyPair(userId);
  const sentAt = Date.now();
  const answer = await api.authed('/me/student-card/credentials', {
    method: 'POST',
    body: { device_public_key: publicKey },
  });
  const receivedAt = Date.now();
  const record = {
    credentials: Object.fromEntries(answer.credentials.map((item) => [item.service, item.credential])),
    expiresAt: Date.parse(answer.expires_at),
    // The server's clock minus ours, measured at the middle of the exchange.
    offsetMs: Date.parse(answer.server_time) - (sentAt + receivedAt) / 2,
    syncedAt: receivedAt,
  };
  await set(`credentials:${userId}`, record, store);
  return record;
}

export function forgetCredentials(userId) {
  return del(`credentials:${userId}`, store);
}

/** The code to show now for `service`, and the time step it was made for. */
export async function makeCode(userId, record, service, nowMs = Date.now()) {
  const { privateKey } = await keyPair(userId);
  const credential = fromBase64Url(record.credentials[service]);
  const t = timeStep(nowMs + record.offsetMs);
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, deviceSignedPart(credential, t)),
  );
  return { text: codeText(credential, t, signature), t };
}
