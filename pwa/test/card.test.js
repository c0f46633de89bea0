import { describe, expect, it } from 'vitest';
import {
  base45Decode,
  base45Encode,
  codeText,
  deviceSignedPart,
  parseCode,
  timeStep,
  toBase64Url,
} from '../src/card/code.js';
import { openBundle, parisDayNumber, uncompressed, verifyOffline } from '../src/card/verify.js';

const subtle = globalThis.crypto.subtle;
const bytes = (text) => new TextEncoder().encode(text);

describe('base45 (RFC 9285)', () => {
  it('encodes and decodes the RFC examples', () => {
    expect(base45Encode(bytes('AB'))).toBe('BB8');
    expect(base45Encode(bytes('Hello!!'))).toBe('%69 VD92EX0');
    expect(base45Encode(bytes('base-45'))).toBe('UJCLQE7W581');
    expect(new TextDecoder().decode(base45Decode('QED8WEX0'))).toBe('ietf!');
  });

  it('refuses what is not base45', () => {
    for (const text of ['GGW', 'A', 'abc', 'é', 'ZZZZZZ']) expect(base45Decode(text)).toBeNull();
  });
});

async function issue({ service = 1, expiresAt, entitledDays, kid = 3 } = {}) {
  const issuer = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const phone = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const point = new Uint8Array(await subtle.exportKey('raw', phone.publicKey));
  const compressed = new Uint8Array(33);
  compressed[0] = 2 + (point[64] & 1);
  compressed.set(point.slice(1, 33), 1);
  const head = new Uint8Array(58);
  const view = new DataView(head.buffer);
  view.setUint8(0, 0x10 | service);
  view.setUint16(1, kid);
  head.set(new Uint8Array(12).fill(7), 3);
  view.setUint32(15, 4242);
  view.setUint32(19, expiresAt);
  view.setUint16(23, entitledDays);
  head.set(compressed, 25);
  const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, issuer.privateKey, head));
  const credential = new Uint8Array(122);
  credential.set(head);
  credential.set(signature, 58);
  const issuerPublic = new Uint8Array(await subtle.exportKey('raw', issuer.publicKey));
  return { credential, phone, point, compressed, issuerPublic, kid };
}

async function show(card, nowMs) {
  const t = timeStep(nowMs);
  const signature = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, card.phone.privateKey, deviceSignedPart(card.credential, t)),
  );
  return codeText(card.credential, t, signature);
}

function bundleFor(card, nowMs, { revoked = [] } = {}) {
  return {
    issuer_keys: [
      {
        kid: card.kid,
        public_key: toBase64Url(card.issuerPublic),
        services: ['transport', 'library', 'sport'],
        not_before: new Date(nowMs - 86_400_000).toISOString(),
        not_after: new Date(nowMs + 86_400_000).toISOString(),
      },
    ],
    revoked_serials: revoked,
  };
}

describe('the offline verifier', () => {
  const nowMs = Date.UTC(2026, 11, 3, 9, 0, 0);
  const later = { expiresAt: nowMs / 1000 + 86_400, entitledDays: parisDayNumber(nowMs) + 30 };

  it('decompresses the phone key as WebCrypto exported it', async () => {
    const card = await issue(later);
    expect(uncompressed(card.compressed)).toEqual(card.point);
    expect(uncompressed(new Uint8Array(33))).toBeNull();
  });

  it('gives the contract verdicts', async () => {
    const card = await issue(later);
    const bundle = bundleFor(card, nowMs);
    const text = await show(card, nowMs);
    expect(parseCode(text).serial).toBe(4242);
    const check = (code, options = {}) =>
      verifyOffline(code, { bundle, service: 'transport', nowMs, ...options }).then((result) => [result.verdict, result.reason]);
    expect(await check(text)).toEqual(['green', 'ok']);
    expect(await check(text, { nowMs: nowMs + 41_000 })).toEqual(['red', 'stale_code']);
    expect(await check(text, { service: 'sport' })).toEqual(['red', 'not_entitled_here']);
    expect(await check(await show(card, nowMs + 240_000))).toEqual(['amber', 'clock_skew']);
    expect(await check(await show(card, nowMs + 360_000))).toEqual(['red', 'clock_skew']);
    expect(await check('VC1:nope')).toEqual(['red', 'malformed']);
    const revoked = bundleFor(card, nowMs, { revoked: [4242] });
    expect(await check(text, { bundle: revoked })).toEqual(['red', 'revoked']);
    const changed = text.slice(0, 40) + (text[40] === 'A' ? 'B' : 'A') + text.slice(41);
    expect((await check(changed))[0]).toBe('red');
    const seen = new Set();
    const replays = { firstTime: async (key) => !seen.has(key) && Boolean(seen.add(key)) };
    expect(await check(text, { replays })).toEqual(['green', 'ok']);
    expect(await check(text, { replays })).toEqual(['red', 'replayed']);
  });

  it('trusts a bundle only with the root key', async () => {
    const root = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const payload = bytes(JSON.stringify({ issuer_keys: [], revoked_serials: [1] }));
    const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, root.privateKey, payload));
    const rootKey = toBase64Url(new Uint8Array(await subtle.exportKey('raw', root.publicKey)));
    const signed = { payload: toBase64Url(payload), signature: toBase64Url(signature) };
    expect(await openBundle(signed, rootKey)).toEqual({ issuer_keys: [], revoked_serials: [1] });
    const forged = { ...signed, payload: toBase64Url(bytes(JSON.stringify({ issuer_keys: [], revoked_serials: [] }))) };
    expect(await openBundle(forged, rootKey)).toBeNull();
  });
});
