// The student card's code (contract §8), on the phone and in the checker: `VC1:` + base45 (RFC 9285) of
// 190 bytes. The server's counterpart is api/student_card/format.py.
//
//   | 0 | 1 | 0x10 | service | 1 | 2 | key id | 3 | 12 | pseudonym | 15 | 4 | serial | 19 | 4 | expiry (Unix s)
//   | 23 | 2 | entitlement's last day (days since 1970) | 25 | 33 | phone key, compressed | 58 | 64 | issuer signature
//   | 122 | 4 | time step t = floor(unix / 10) | 126 | 64 | phone's signature, raw r‖s, of "VC1" + bytes 0–125
//
// base45 is written here: the npm package `base45` needs Node's Buffer and decodes any text without checking it.

export const PREFIX = 'VC1:';
export const CREDENTIAL_BYTES = 122;
export const CODE_BYTES = 190;
export const TIME_STEP_S = 10;
export const SERVICES = { 1: 'transport', 2: 'library', 3: 'sport' };
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const CONTEXT = new TextEncoder().encode('VC1');

export function base45Encode(bytes) {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let value = bytes[i] * 256 + bytes[i + 1];
    const c = value % 45;
    value = (value - c) / 45;
    const d = value % 45;
    const e = (value - d) / 45;
    out += ALPHABET[c] + ALPHABET[d] + ALPHABET[e];
  }
  if (bytes.length % 2) {
    const last = bytes[bytes.length - 1];
    out += ALPHABET[last % 45] + ALPHABET[Math.floor(last / 45)];
  }
  return out;
}

/** The bytes of a base45 text, or null when it is not one (a character outside the set, a group too large). */
export function base45Decode(text) {
  if (text.length % 3 === 1) return null;
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const group = [...text.slice(i, i + 3)].map((char) => ALPHABET.indexOf(char));
    if (group.includes(-1)) return null;
    const value = group.reduce((sum, digit, index) => sum + digit * 45 ** index, 0);
    if (group.length === 3) {
      if (value > 0xffff) return null;
      out.push(value >> 8, value & 0xff);
    } else {
      if (value > 0xff) return null;
      out.push(value);
    }
  }
  return new Uint8Array(out);
}

export function timeStep(unixMs) {
  return Math.floor(unixMs / 1000 / TIME_STEP_S);
}

function uint32(value) {
  return new Uint8Array([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** What the phone signs for time step `t`: "VC1" + the credential + t. */
export function deviceSignedPart(credential, t) {
  return concat(CONTEXT, credential, uint32(t));
}

/** The text of the QR code: the credential, the time step and the phone's signature (raw r‖s). */
export function codeText(credential, t, signature) {
  return PREFIX + base45Encode(concat(credential, uint32(t), signature));
}

function readUint(bytes, offset, length) {
  let value = 0;
  for (let i = 0; i < length; i += 1) value = value * 256 + bytes[offset + i];
  return value;
}

/** The fields of a credential's bytes (0–121). */
export function credentialFields(bytes) {
  return {
    version: bytes[0] >> 4,
    service: SERVICES[bytes[0] & 0x0f] ?? null,
    kid: readUint(bytes, 1, 2),
    pseudonym: bytes.slice(3, 15),
    serial: readUint(bytes, 15, 4),
    expiresAt: readUint(bytes, 19, 4),
    entitledUntilDays: readUint(bytes, 23, 2),
    deviceKey: bytes.slice(25, 58),
    issuerSigned: bytes.slice(0, 58),
    issuerSignature: bytes.slice(58, 122),
  };
}

/** A code's parts, or null when the text is not a VC1 code (prefix, base45, length, version, service). */
export function parseCode(text) {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return null;
  const bytes = base45Decode(text.slice(PREFIX.length));
  if (!bytes || bytes.length !== CODE_BYTES) return null;
  const fields = credentialFields(bytes);
  if (fields.version !== 1 || !fields.service) return null;
  return {
    ...fields,
    credential: bytes.slice(0, CREDENTIAL_BYTES),
    timeStep: readUint(bytes, 122, 4),
    deviceSigned: concat(CONTEXT, bytes.slice(0, 126)),
    deviceSignature: bytes.slice(126, 190),
  };
}

export function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

export function toBase64Url(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function hex(bytes) {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
