// The checker's offline verifier: the contract's checks, in its order, against the cached trust bundle whose
// root-key signature was checked when it was fetched. The reference is api/student_card/verifier.py; the
// online route runs it, this one runs when the network is not there.
import { credentialFields, fromBase64Url, hex, parseCode, TIME_STEP_S } from './code.js';

export const STALE_AFTER_S = 40;
export const FAST_CLOCK_S = 10;
export const FAST_CLOCK_MAX_S = 300;

// P-256: y² = x³ − 3x + b over p (p ≡ 3 mod 4, so a square root is a power).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function power(base, exponent, modulus) {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function toBigInt(bytes) {
  return BigInt(`0x${hex(bytes) || '0'}`);
}

function toBytes(value) {
  const text = value.toString(16).padStart(64, '0');
  return Uint8Array.from(text.match(/../g), (pair) => parseInt(pair, 16));
}

/** The 65-byte uncompressed form of a compressed P-256 point (WebCrypto imports only that), or null. */
export function uncompressed(point) {
  if (point.length !== 33 || (point[0] !== 2 && point[0] !== 3)) return null;
  const x = toBigInt(point.slice(1));
  if (x >= P) return null;
  const ySquared = (((x * x * x - 3n * x + B) % P) + P) % P;
  let y = power(ySquared, (P + 1n) / 4n, P);
  if ((y * y) % P !== ySquared) return null;
  if (Number(y & 1n) !== (point[0] & 1)) y = P - y;
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(toBytes(x), 1);
  out.set(toBytes(y), 33);
  return out;
}

/** The bundle's JSON once the root key confirms its signature; null otherwise. */
export async function openBundle({ payload, signature }, rootKeyText, subtle = crypto.subtle) {
  try {
    const root = await subtle.importKey('raw', fromBase64Url(rootKeyText), { name: 'Ed25519' }, false, ['verify']);
    const bytes = fromBase64Url(payload);
    if (!(await subtle.verify({ name: 'Ed25519' }, root, fromBase64Url(signature), bytes))) return null;
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Days since 1970-01-01 of the date in Paris at `unixMs`. */
export function parisDayNumber(unixMs) {
  return Math.round(Date.parse(`${parisDay.format(new Date(unixMs))}T00:00:00Z`) / 86_400_000);
}

async function signatureHolds(subtle, algorithm, keyBytes, signature, data) {
  try {
    const key = await subtle.importKey('raw', keyBytes, algorithm.import, false, ['verify']);
    return await subtle.verify(algorithm.verify, key, signature, data);
  } catch {
    return false;
  }
}

const ED25519 = { import: { name: 'Ed25519' }, verify: { name: 'Ed25519' } };
const P256 = { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } };

/**
 * { verdict, reason, code } for `text` shown to a checker of `service` at `nowMs`, with `bundle` (its JSON).
 * `replays.firstTime(key, keepUntilS)` remembers accepted codes (optional).
 */
export async function verifyOffline(text, { bundle, service, nowMs, replays = null, subtle = crypto.subtle }) {
  const red = (reason, code = null) => ({ verdict: 'red', reason, code });
  const code = parseCode(text);
  if (!code) return red('malformed');
  const now = nowMs / 1000;
  const key = bundle.issuer_keys.find((candidate) => candidate.kid === code.kid);
  const inWindow = key && Date.parse(key.not_before) <= nowMs && nowMs <= Date.parse(key.not_after);
  if (!key || !inWindow || !key.services.includes(code.service)) return red('unknown_key', code);
  const issuerOk = await signatureHolds(subtle, ED25519, fromBase64Url(key.public_key), code.issuerSignature, code.issuerSigned);
  const deviceKey = uncompressed(code.deviceKey);
  const deviceOk =
    issuerOk && deviceKey && (await signatureHolds(subtle, P256, deviceKey, code.deviceSignature, code.deviceSigned));
  if (!deviceOk) return red('bad_signature', code);
  if (now > code.expiresAt) return red('expired_credential', code);
  if (bundle.revoked_serials.includes(code.serial)) return red('revoked', code);
  if (code.service !== service) return red('not_entitled_here', code);
  if (parisDayNumber(nowMs) > code.entitledUntilDays) return red('expired_entitlement', code);
  const drift = code.timeStep * TIME_STEP_S - now;
  if (drift < -STALE_AFTER_S) return red('stale_code', code);
  if (drift > FAST_CLOCK_MAX_S) return red('clock_skew', code);
  const result = drift > FAST_CLOCK_S ? { verdict: 'amber', reason: 'clock_skew', code } : { verdict: 'green', reason: 'ok', code };
  if (replays) {
    const replayKey = [code.service, hex(code.pseudonym), code.timeStep, hex(code.deviceSignature.slice(0, 32))].join(':');
    if (!(await replays.firstTime(replayKey, code.timeStep * TIME_STEP_S + STALE_AFTER_S))) return red('replayed', code);
  }
  return result;
}

export { credentialFields };
