/**
 * Checks on a VAPID public key: base64url text of an uncompressed P-256
 * point (65 bytes, first byte 0x04, the point on the curve).
 * See https://datatracker.ietf.org/doc/html/rfc8292#section-3.2
 */

// The base64url alphabet, with up to two `=` of padding
const base64url = /^[\w-]*={0,2}$/;

/** Decodes unpadded or padded base64url; null when it is not base64url. */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (typeof text !== 'string' || !base64url.test(text)) return null;

  // atob takes unpadded input and rejects a length that leaves 6 bits
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  const binary = atob(body.replace(/-/g, '+').replace(/_/g, '/'));

  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);

  return btoa(binary)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
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
