import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { createTestSubscription } from '../../support/serverTestSubscription.js';
import { startTestServer } from '../../support/startTestServer.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'push-keys-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function fetchKey(url: string, init?: RequestInit) {
  return fetch(`${url}/pushdata/vapidpublickey`, init);
}

describe('GET /pushdata/vapidpublickey', () => {
  it('serves the generated public key, a 65-byte P-256 point', async () => {
    const server = await startTestServer({ dataDir });

    try {
      const response = await fetchKey(server.url);

      expect(response.status).toBe(200);
      const { publicKey } = (await response.json()) as { publicKey: string };
      expect(publicKey).toBe(server.settings.vapidPublicKey);
      const bytes = Buffer.from(publicKey, 'base64url');
      expect(bytes).toHaveLength(65);
      expect(bytes[0]).toBe(4);
    } finally {
      await server.close();
    }
  });

  it('answers 304 for a matching If-None-Match', async () => {
    const server = await startTestServer({ dataDir });

    try {
      const first = await fetchKey(server.url);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^".+"$/);
      expect(first.headers.get('cache-control')).toContain('public');

      const again = await fetchKey(server.url, {
        headers: { 'if-none-match': etag ?? '' },
      });
      const other = await fetchKey(server.url, {
        headers: { 'if-none-match': '"other"' },
      });

      expect(again.status).toBe(304);
      expect(other.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('restarts', () => {
  it('keep every row, the keys and the API key', async () => {
    const first = await startTestServer({ dataDir });
    const subscription = createTestSubscription('https://push.example.com/1');
    await fetch(`${first.url}/pushdata/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        subscription: subscription.json,
        options: { idUser: 'u1' },
      }),
    });
    const rowsBefore = first.store.listSubscriptions();
    const settingsBefore = first.settings;
    await first.close();

    const second = await startTestServer({ dataDir });

    try {
      expect(second.store.listSubscriptions()).toEqual(rowsBefore);
      expect(rowsBefore).toHaveLength(1);
      expect(second.settings.vapidPublicKey).toBe(
        settingsBefore.vapidPublicKey,
      );
      expect(second.settings.vapidPrivateKey).toBe(
        settingsBefore.vapidPrivateKey,
      );
      expect(second.settings.apiKey).toBe(settingsBefore.apiKey);
    } finally {
      await second.close();
    }
  });

  it('with other keys in the settings serve the new key and ETag', async () => {
    const first = await startTestServer({ dataDir });
    const oldTag = (await fetchKey(first.url)).headers.get('etag');
    await first.close();
    const keys = webpush.generateVAPIDKeys();

    const rotated = await startTestServer({
      dataDir,
      vapidPublicKey: keys.publicKey,
      vapidPrivateKey: keys.privateKey,
    });
    try {
      const response = await fetchKey(rotated.url);

      expect(await response.json()).toEqual({ publicKey: keys.publicKey });
      expect(response.headers.get('etag')).not.toBe(oldTag);
    } finally {
      await rotated.close();
    }

    // The rotated keys are kept for the next start
    const after = await startTestServer({ dataDir });
    try {
      expect(after.settings.vapidPublicKey).toBe(keys.publicKey);
    } finally {
      await after.close();
    }
  });
});

describe('CORS', () => {
  it('allows the configured origins only', async () => {
    const server = await startTestServer({
      dataDir,
      corsOrigins: ['https://app.example.com'],
    });

    try {
      const allowed = await fetchKey(server.url, {
        headers: { origin: 'https://app.example.com' },
      });
      const other = await fetchKey(server.url, {
        headers: { origin: 'https://evil.example.com' },
      });
      const preflight = await fetch(`${server.url}/pushdata/register`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });

      expect(allowed.headers.get('access-control-allow-origin')).toBe(
        'https://app.example.com',
      );
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // The client's retry policy reads Retry-After across origins
      expect(
        allowed.headers.get('access-control-expose-headers')?.toLowerCase(),
      ).toContain('retry-after');
      expect(preflight.status).toBe(204);
      expect(
        preflight.headers.get('access-control-allow-headers')?.toLowerCase(),
      ).toContain('authorization');
    } finally {
      await server.close();
    }
  });

  it('never combines a wildcard with credentials', async () => {
    const server = await startTestServer({ dataDir, corsOrigins: ['*'] });

    try {
      const response = await fetchKey(server.url, {
        headers: { origin: 'https://any.example.com' },
      });

      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(
        response.headers.get('access-control-allow-credentials'),
      ).toBeNull();
    } finally {
      await server.close();
    }
  });
});
