import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPushEndpoint,
  isForbiddenHost,
  ServerError,
} from '../../../server/index.js';

describe('isForbiddenHost', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '[::1]',
    '[fe80::1]',
    '[fd00:ec2::254]',
    '[::ffff:7f00:1]',
    'localhost',
    'push.localhost',
    'metadata.google.internal',
    'printer.local',
    'intranet',
  ])('forbids %s', (host) => {
    expect(isForbiddenHost(host)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '[2001:4860:4860::8888]',
    'fcm.googleapis.com',
    'updates.push.services.mozilla.com',
  ])('allows the public host %s', (host) => {
    expect(isForbiddenHost(host)).toBe(false);
  });

  it('forbids every address in 10.0.0.0/8', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 255 }),
          fc.integer({ min: 0, max: 255 }),
        ),
        ([b, c, d]) => isForbiddenHost(`10.${b}.${c}.${d}`),
      ),
    );
  });
});

describe('checkPushEndpoint', () => {
  it('accepts a public https endpoint', () => {
    expect(
      checkPushEndpoint('https://fcm.googleapis.com/fcm/send/abc', []).host,
    ).toBe('fcm.googleapis.com');
  });

  it('lets an allowed host use http, on any port or the listed one', () => {
    expect(() =>
      checkPushEndpoint('http://127.0.0.1:9100/push/1', ['127.0.0.1']),
    ).not.toThrow();
    expect(() =>
      checkPushEndpoint('http://127.0.0.1:9100/push/1', ['127.0.0.1:9100']),
    ).not.toThrow();

    const error = (() => {
      try {
        checkPushEndpoint('http://127.0.0.1:9200/push/1', ['127.0.0.1:9100']);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).code).toBe('invalid-endpoint');
  });
});
