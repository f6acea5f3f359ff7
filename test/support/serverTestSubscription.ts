import {
  createDecipheriv,
  createECDH,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

/** A browser-side subscription made in Node, able to read its pushes. */
export interface TestSubscription {
  /** The JSON a browser's `PushSubscription.toJSON()` gives. */
  json: {
    endpoint: string;
    expirationTime: null;
    keys: { p256dh: string; auth: string };
  };
  /** Decrypts an aes128gcm push body (RFC 8291) sent to it. */
  decrypt(body: Buffer): string;
}

/**
 * Makes the key pair and auth secret a browser would, for `endpoint`, so a
 * test can check what the server really encrypted.
 */
export function createTestSubscription(endpoint: string): TestSubscription {
  const ecdh = createECDH('prime256v1');
  const userAgentPublic = ecdh.generateKeys();
  const authSecret = randomBytes(16);

  return {
    json: {
      endpoint,
      expirationTime: null,
      keys: {
        p256dh: userAgentPublic.toString('base64url'),
        auth: authSecret.toString('base64url'),
      },
    },
    decrypt(body) {
      // Header: salt (16), record size (4), key id length (1), key id
      const salt = body.subarray(0, 16);
      const idLength = body[20] ?? 0;
      const serverPublic = body.subarray(21, 21 + idLength);
      const cipherText = body.subarray(21 + idLength);

      // Keys, RFC 8291 section 3.4 and RFC 8188 section 2.2
      const shared = ecdh.computeSecret(serverPublic);
      const keyInfo = Buffer.concat([
        Buffer.from('WebPush: info\0'),
        userAgentPublic,
        serverPublic,
      ]);
      const ikm = Buffer.from(
        hkdfSync('sha256', shared, authSecret, keyInfo, 32),
      );
      const derive = (info: string, length: number) =>
        Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info), length));
      const key = derive('Content-Encoding: aes128gcm\0', 16);
      const nonce = derive('Content-Encoding: nonce\0', 12);

      // One record; strip the tag, then the padding after the 0x02 mark
      const decipher = createDecipheriv('aes-128-gcm', key, nonce);
      decipher.setAuthTag(cipherText.subarray(-16));
      const plain = Buffer.concat([
        decipher.update(cipherText.subarray(0, -16)),
        decipher.final(),
      ]);

      return plain.subarray(0, plain.lastIndexOf(2)).toString('utf8');
    },
  };
}
