import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  HttpError,
  isHttpError,
  isPushPermissionError,
  KeyError,
  PermissionError,
  PushPermissionError,
  RegisterError,
  ServiceWorkerError,
  SubscribeError,
  UnsupportedError,
} from '../../../machines/index.js';

describe('isPushPermissionError', () => {
  const errors = [
    new UnsupportedError('ios-not-installed'),
    new PermissionError('permission-denied'),
    new KeyError('invalid-key', 'bad key'),
    new ServiceWorkerError('none'),
    new SubscribeError('subscribe-failed', 'no'),
    new RegisterError('no', { status: 500 }),
    new AbortedError(),
  ];

  for (const error of errors) {
    it(`is true for ${error.name} with its own name and code`, () => {
      expect(isPushPermissionError(error)).toBe(true);
      expect(error).toBeInstanceOf(PushPermissionError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).not.toBe('Error');
    });
  }

  it('is true for an error built in another realm', () => {
    // Same shape, other realm: instanceof fails, the name and code pass
    const foreign = runInNewContext(
      `const e = new Error('x'); e.name = 'RegisterError';
       e.code = 'register-failed'; e`,
    );

    expect(foreign instanceof PushPermissionError).toBe(false);
    expect(isPushPermissionError(foreign)).toBe(true);
  });

  it('is false for look-alikes and non-errors', () => {
    for (const value of [
      null,
      undefined,
      'RegisterError',
      { name: 'RegisterError', code: 'nope' },
      { name: 'Error', code: 'aborted' },
      new Error('aborted'),
      new HttpError('x', { status: 500 }),
    ]) {
      expect(isPushPermissionError(value)).toBe(false);
    }
  });
});

describe('error data', () => {
  it('keeps the cause but leaves it out of toJSON', () => {
    const cause = new Error('https://push.example.net/secret-endpoint');
    const error = new RegisterError('Registration failed with status 500', {
      cause,
      status: 500,
    });

    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error)).not.toContain('secret-endpoint');
    expect(error.toJSON()).toEqual({
      name: 'RegisterError',
      code: 'register-failed',
      message: 'Registration failed with status 500',
      status: 500,
    });
  });

  it('carries the unsupported reason', () => {
    expect(new UnsupportedError('insecure-context').toJSON()).toMatchObject({
      code: 'unsupported',
      reason: 'insecure-context',
    });
  });

  it('isHttpError works across realms by name', () => {
    const foreign = runInNewContext(
      `const e = new Error('x'); e.name = 'HttpError'; e.status = 503; e`,
    );

    expect(isHttpError(foreign)).toBe(true);
    expect(isHttpError(new Error('x'))).toBe(false);
  });
});
