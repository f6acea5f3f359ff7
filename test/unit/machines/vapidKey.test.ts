import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import {
  decodeBase64Url,
  encodeBase64Url,
  isSameKey,
  isVapidPublicKey,
} from '../../../machines/index.js';

describe('base64url', () => {
  it('round-trips any bytes the same way Node encodes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeBase64Url(bytes);

        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(decodeBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('accepts padding and rejects other alphabets', () => {
    expect(decodeBase64Url('AQ==')).toEqual(new Uint8Array([1]));
    expect(decodeBase64Url('A+/=')).toBeNull();
    expect(decodeBase64Url('A')).toBeNull();
    expect(decodeBase64Url('a b')).toBeNull();
  });
});

describe('isVapidPublicKey', () => {
  it('accepts real keys', () => {
    for (let i = 0; i < 20; i++) {
      expect(isVapidPublicKey(webpush.generateVAPIDKeys().publicKey)).toBe(
        true,
      );
    }
  });

  it('rejects random 65-byte strings starting with 0x04 (off the curve)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (tail) => {
        const bytes = new Uint8Array([4, ...tail]);

        expect(isVapidPublicKey(encodeBase64Url(bytes))).toBe(false);
      }),
    );
  });

  it('rejects hostile and malformed input', () => {
    const key = webpush.generateVAPIDKeys().publicKey;
    for (const value of [
      undefined,
      null,
      42,
      {},
      '',
      key.slice(1),
      `${key}A`,
      `${key}AAAA`,
      'x'.repeat(1_000_000),
      key.replace(/^B/, 'A'),
    ]) {
      expect(isVapidPublicKey(value)).toBe(false);
    }
  });
});

describe('isSameKey', () => {
  it('compares bytes, not text', () => {
    const key = webpush.generateVAPIDKeys().publicKey;
    const other = webpush.generateVAPIDKeys().publicKey;
    const padded = Buffer.from(key, 'base64url').toString('base64');

    expect(isSameKey(key, `${key}=`)).toBe(true);
    expect(isSameKey(key, other)).toBe(false);
    expect(isSameKey(key, null)).toBe(false);
    expect(isSameKey(key, padded.replace(/\+/g, '-').replace(/\//g, '_'))).toBe(
      true,
    );
  });
});
