/**
 * Checks on a VAPID public key: base64url text of an uncompressed P-256
 * point (65 bytes, first byte 0x04, the point on the curve).
 * See https://datatracker.ietf.org/doc/html/rfc8292#section-3.2
 */

const alphabet =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const lookup = new Map([...alphabet].map((char, index) => [char, index]));

/** Decodes unpadded or padded base64url; null when it is not base64url. */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (typeof text !== 'string') return null;

  const body = text.replace(/={0,2}$/, '');
  if (body.length % 4 === 1) return null;

  const bytes = new Uint8Array(Math.floor((body.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let index = 0;

  for (const char of body) {
    const value = lookup.get(char);
    if (value === undefined) return null;

    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
    }
  }

  return bytes;
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let text = '';

  for (let i = 0; i < bytes.length; i += 3) {
    const chunk =
      ((bytes[i] ?? 0) << 16) |
      ((bytes[i + 1] ?? 0) << 8) |
      (bytes[i + 2] ?? 0);
    const chars = Math.ceil((Math.min(3, bytes.length - i) * 8) / 6);

    for (let c = 0; c < chars; c++) {
      text += alphabet[(chunk >> (18 - 6 * c)) & 63];
    }
  }

  return text;
}

// P-256 domain parameters (SEC 2, section 2.4.2)
const p = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const b = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);

  return value;
}

/** True when the text is a base64url, uncompressed P-256 public key. */
export function isVapidPublicKey(text: unknown): text is string {
  if (typeof text !== 'string' || text.length > 100) return false;

  const bytes = decodeBase64Url(text);
  if (bytes === null || bytes.length !== 65 || bytes[0] !== 0x04) return false;

  const x = toBigInt(bytes.subarray(1, 33));
  const y = toBigInt(bytes.subarray(33));
  if (x >= p || y >= p) return false;

  // y² = x³ − 3x + b (mod p)
  return (y * y - (x * x * x - 3n * x + b)) % p === 0n;
}

/** True when two base64url keys hold the same bytes. */
export function isSameKey(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;

  const left = decodeBase64Url(a);
  const right = decodeBase64Url(b);
  if (left === null || right === null || left.length !== right.length) {
    return false;
  }

  return left.every((byte, i) => byte === right[i]);
}
